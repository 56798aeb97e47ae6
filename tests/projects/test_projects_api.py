"""Projects through the API: creation, lifecycle with allowed_transitions, positions,
applications, the capacity race, and scope."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from volunteer.core.models import Event
from volunteer.extensions import db
from volunteer.projects.models import Application, Position, Project


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(world, api_token):
    return {name: api_token(getattr(world, name)) for name in
            ("city_admin", "a_admin", "a_manager", "b_admin", "b_manager", "a_volunteer", "b_volunteer")}


def create(client, token, **extra):
    body = {"title": "社区助老服务", "organisation_code": "LX-A", "category": "elderly",
            "description": "陪伴老人", "starts_on": str(date.today() - timedelta(days=30)),
            "ends_on": str(date.today() + timedelta(days=365)), **extra}
    return client.post("/api/v1/projects", json=body, headers=bearer(token))


def move(client, token, project_id, to, comment=None):
    return client.post(f"/api/v1/projects/{project_id}/transitions", json={"to": to, "comment": comment},
                       headers=bearer(token))


def test_manager_creates_a_draft_and_walks_it_to_recruiting(client, tokens):
    created = create(client, tokens["a_manager"])
    assert created.status_code == 201, created.json
    project = created.json
    assert project["state"] == "draft"
    assert project["allowed_transitions"] == ["submitted", "cancelled"]
    pid = project["id"]
    assert move(client, tokens["a_manager"], pid, "submitted").json["state"] == "submitted"
    # the manager who submitted cannot screen; the town admin can
    assert move(client, tokens["a_manager"], pid, "approved").status_code == 403
    approved = move(client, tokens["a_admin"], pid, "approved")
    assert approved.status_code == 200 and approved.json["state"] == "approved"
    assert "recruiting" in approved.json["allowed_transitions"]
    assert move(client, tokens["a_manager"], pid, "recruiting").json["state"] == "recruiting"
    # repeating it is harmless
    again = move(client, tokens["a_manager"], pid, "recruiting")
    assert again.status_code == 200 and again.json["state"] == "recruiting"
    # the public sees it now, without transitions
    public = client.get(f"/api/v1/projects/{pid}").json
    assert public["state"] == "recruiting" and public["allowed_transitions"] == []


def test_an_admin_cannot_screen_what_they_submitted(client, tokens):
    pid = create(client, tokens["a_admin"]).json["id"]
    move(client, tokens["a_admin"], pid, "submitted")
    refused = move(client, tokens["a_admin"], pid, "approved")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert move(client, tokens["city_admin"], pid, "approved").status_code == 200


def test_invalid_transition_is_409_and_changes_nothing(app, client, tokens):
    pid = create(client, tokens["a_manager"]).json["id"]
    response = move(client, tokens["a_manager"], pid, "running")
    assert response.status_code == 409 and response.json["error"]["code"] == "invalid_transition"
    unknown = move(client, tokens["a_manager"], pid, "flying")
    assert unknown.status_code == 409
    with app.app_context():
        assert db.session.get(Project, pid).state == "draft"
        assert db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.action == "project.transition")) == 0


def test_rejection_needs_a_reason_and_returns_to_draft_with_it(app, client, tokens, world, signed_in):
    pid = create(client, tokens["a_manager"]).json["id"]
    move(client, tokens["a_manager"], pid, "submitted")
    no_reason = move(client, tokens["a_admin"], pid, "rejected")
    assert no_reason.status_code == 422 and "comment" in no_reason.json["error"]["fields"]
    assert move(client, tokens["a_admin"], pid, "rejected", "预算说明不清楚").json["state"] == "rejected"
    page = signed_in(world.a_manager).get(f"/projects/{pid}").get_data(as_text=True)
    assert "预算说明不清楚" in page
    assert move(client, tokens["a_manager"], pid, "draft").json["state"] == "draft"
    page = signed_in(world.a_manager).get(f"/projects/{pid}").get_data(as_text=True)
    assert "审核意见：预算说明不清楚" in page


def test_a_project_cannot_close_without_an_evaluation(app, client, tokens, world, signed_in):
    pid = create(client, tokens["a_manager"]).json["id"]
    for who, to in (("a_manager", "submitted"), ("a_admin", "approved"), ("a_manager", "running"),
                    ("a_manager", "evaluating")):
        assert move(client, tokens[who], pid, to).status_code == 200, to
    refused = move(client, tokens["a_manager"], pid, "closed")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "evaluation_required"
    manager = signed_in(world.a_manager)
    saved = manager.post_form(f"/projects/{pid}/evaluation", {
        "beneficiaries_served": "120", "rating": "4", "outcomes": "服务老人 120 人次", "summary": "顺利完成"})
    assert saved.status_code == 302
    assert move(client, tokens["a_manager"], pid, "closed").json["state"] == "closed"
    page = manager.get(f"/projects/{pid}").get_data(as_text=True)
    assert "服务老人 120 人次" in page and "★★★★" in page
    assert 'data-testid="evaluate"' not in page  # read-only once closed
    assert manager.get(f"/projects/{pid}/evaluation").status_code == 409


def test_town_manager_cannot_see_or_change_another_towns_draft(client, tokens):
    pid = create(client, tokens["a_manager"]).json["id"]
    assert client.get(f"/api/v1/projects/{pid}", headers=bearer(tokens["b_manager"])).status_code == 404
    assert move(client, tokens["b_manager"], pid, "submitted").status_code == 404
    assert client.get(f"/api/v1/projects/{pid}").status_code == 404  # anonymous
    assert client.get(f"/api/v1/projects/{pid}", headers=bearer(tokens["city_admin"])).status_code == 200
    b_list = client.get("/api/v1/projects", headers=bearer(tokens["b_manager"])).json
    assert b_list["total"] == 0
    city_list = client.get("/api/v1/projects", headers=bearer(tokens["city_admin"])).json
    assert [p["id"] for p in city_list["items"]] == [pid]
    # another town's manager cannot create in town A either
    assert create(client, tokens["b_manager"]).status_code == 404


def test_public_list_shows_only_recruiting_and_running(client, tokens):
    draft = create(client, tokens["a_manager"], title="草稿项目").json["id"]
    live = create(client, tokens["a_manager"], title="招募项目").json["id"]
    for who, to in (("a_manager", "submitted"), ("a_admin", "approved"), ("a_manager", "recruiting")):
        move(client, tokens[who], live, to)
    listing = client.get("/api/v1/projects").json
    assert [p["id"] for p in listing["items"]] == [live]
    assert client.get("/api/v1/projects?q=招募").json["total"] == 1
    assert client.get("/api/v1/projects?q=不存在").json["total"] == 0
    assert client.get("/api/v1/projects?organisation=LX-B").json["total"] == 0
    assert client.get("/api/v1/projects?organisation=LX").json["total"] == 1
    assert client.get("/api/v1/projects?category=environment").json["total"] == 0
    assert draft not in [p["id"] for p in client.get("/api/v1/projects?state=draft").json["items"]]


def test_project_validation_errors_per_field(client, tokens):
    response = client.post("/api/v1/projects", json={"title": "", "organisation_code": "LX-A",
                                                     "category": "dancing", "starts_on": "2026-05-01",
                                                     "ends_on": "2026-04-01", "station_ids": [999999]},
                           headers={**bearer(tokens["a_manager"]), "Accept-Language": "en"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"title", "category", "ends_on", "station_ids"}


def recruiting_project(client, tokens, capacity=2):
    pid = create(client, tokens["a_manager"]).json["id"]
    for who, to in (("a_manager", "submitted"), ("a_admin", "approved"), ("a_manager", "recruiting")):
        move(client, tokens[who], pid, to)
    position = client.post(f"/api/v1/projects/{pid}/positions", json={"title": "陪护", "capacity": capacity},
                           headers=bearer(tokens["a_manager"]))
    assert position.status_code == 201, position.json
    return pid, position.json["id"]


def test_apply_decide_withdraw(client, tokens):
    pid, position_id = recruiting_project(client, tokens)
    applied = client.post(f"/api/v1/positions/{position_id}/applications", json={"note": "周末有空"},
                          headers=bearer(tokens["a_volunteer"]))
    assert applied.status_code == 201 and applied.json["state"] == "pending"
    twice = client.post(f"/api/v1/positions/{position_id}/applications", json={},
                        headers=bearer(tokens["a_volunteer"]))
    assert twice.status_code == 409 and twice.json["error"]["code"] == "already_applied"
    app_id = applied.json["id"]
    # a volunteer cannot decide, another town's manager cannot either
    assert client.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "accepted"},
                       headers=bearer(tokens["a_volunteer"])).status_code == 404
    assert client.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "accepted"},
                       headers=bearer(tokens["b_manager"])).status_code == 404
    accepted = client.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "accepted"},
                           headers=bearer(tokens["a_manager"]))
    assert accepted.status_code == 200 and accepted.json["state"] == "accepted"
    assert client.get(f"/api/v1/projects/{pid}").json["positions"][0]["accepted"] == 1
    again = client.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "declined"},
                        headers=bearer(tokens["a_manager"]))
    assert again.status_code == 409 and again.json["error"]["code"] == "already_decided"
    mine = client.get("/api/v1/me/applications", headers=bearer(tokens["a_volunteer"])).json
    assert [a["state"] for a in mine] == ["accepted"]
    # someone else cannot withdraw it; the volunteer can, and the place is free again
    assert client.post(f"/api/v1/applications/{app_id}/withdraw", headers=bearer(tokens["b_volunteer"])).status_code == 404
    withdrawn = client.post(f"/api/v1/applications/{app_id}/withdraw", headers=bearer(tokens["a_volunteer"]))
    assert withdrawn.json["state"] == "withdrawn"
    assert client.get(f"/api/v1/projects/{pid}").json["positions"][0]["accepted"] == 0
    # and they may apply again
    assert client.post(f"/api/v1/positions/{position_id}/applications", json={},
                       headers=bearer(tokens["a_volunteer"])).status_code == 201


def test_applications_only_while_recruiting_or_running(client, tokens):
    pid = create(client, tokens["a_manager"]).json["id"]
    position = client.post(f"/api/v1/projects/{pid}/positions", json={"title": "陪护", "capacity": 1},
                           headers=bearer(tokens["a_manager"])).json
    # the draft is not even visible to the volunteer
    assert client.post(f"/api/v1/positions/{position['id']}/applications", json={},
                       headers=bearer(tokens["a_volunteer"])).status_code == 404
    for who, to in (("a_manager", "submitted"), ("a_admin", "approved")):
        move(client, tokens[who], pid, to)
    # approved but not recruiting: staff-visible only, so still 404 for the volunteer; staff get a 409
    staff = client.post(f"/api/v1/positions/{position['id']}/applications", json={},
                        headers=bearer(tokens["a_manager"]))
    assert staff.status_code == 403  # staff without a volunteer profile cannot apply


def test_roster_is_the_accepted_volunteers(app, client, tokens, world):
    pid, position_id = recruiting_project(client, tokens)
    a_app = client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["a_volunteer"])).json
    client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["b_volunteer"]))
    client.post(f"/api/v1/applications/{a_app['id']}/decision", json={"decision": "accepted"}, headers=bearer(tokens["a_manager"]))
    from volunteer.accounts.models import Volunteer
    from volunteer.projects import services
    with app.app_context():
        project = db.session.get(Project, pid)
        assert services.is_on_roster(project, db.session.get(Volunteer, world.a_volunteer.id))
        assert not services.is_on_roster(project, db.session.get(Volunteer, world.b_volunteer.id))


def test_a_full_position_refuses_more_applications_and_acceptances(client, tokens, factory, api_token):
    pid, position_id = recruiting_project(client, tokens, capacity=1)
    first = client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["a_volunteer"])).json
    second = client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["b_volunteer"])).json
    assert client.post(f"/api/v1/applications/{first['id']}/decision", json={"decision": "accepted"},
                       headers=bearer(tokens["a_manager"])).status_code == 200
    full = client.post(f"/api/v1/applications/{second['id']}/decision", json={"decision": "accepted"},
                       headers=bearer(tokens["a_manager"]))
    assert full.status_code == 409 and full.json["error"]["code"] == "position_full"
    late = factory.volunteer("LX-A-1")
    refused = client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(api_token(late)))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "position_full"


# On SQLite writers take turns, so this holds trivially there; CI runs it on PostgreSQL too
# (DATABASE_URL), where the acceptances really do race.
def test_concurrent_acceptances_of_the_last_place(app, client, tokens, factory, api_token, world):
    """N managers accept N different applicants for one remaining place at the same moment:
    exactly one is accepted, the others get a clear 409, none a 500."""
    pid, position_id = recruiting_project(client, tokens, capacity=1)
    applicants = [factory.volunteer("LX-A-1") for _ in range(6)]
    app_ids = [client.post(f"/api/v1/positions/{position_id}/applications", json={},
                           headers=bearer(api_token(v))).json["id"] for v in applicants]
    managers = [tokens["a_manager"], tokens["a_admin"], tokens["city_admin"]]
    extra = [api_token(factory.staff("manager", "LX-A")) for _ in range(3)]
    deciders = managers + extra

    def accept(pair):
        app_id, token = pair
        return app.test_client().post(f"/api/v1/applications/{app_id}/decision", json={"decision": "accepted"},
                                      headers=bearer(token))

    with ThreadPoolExecutor(max_workers=len(app_ids)) as pool:
        responses = list(pool.map(accept, zip(app_ids, deciders, strict=True)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (len(app_ids) - 1), [r.json for r in responses]
    assert {r.json["error"]["code"] for r in responses if r.status_code == 409} == {"position_full"}
    with app.app_context():
        assert db.session.get(Position, position_id).accepted_count == 1
        states = db.session.scalars(sa.select(Application.state).where(Application.position_id == position_id)).all()
        assert sorted(states) == ["accepted"] + ["pending"] * (len(app_ids) - 1)


def test_no_decisions_once_the_project_is_finished(app, client, tokens):
    pid, position_id = recruiting_project(client, tokens)
    pending = client.post(f"/api/v1/positions/{position_id}/applications", json={},
                          headers=bearer(tokens["a_volunteer"])).json
    for to in ("running", "evaluating"):
        move(client, tokens["a_manager"], pid, to)
    refused = client.post(f"/api/v1/applications/{pending['id']}/decision", json={"decision": "accepted"},
                          headers=bearer(tokens["a_manager"]))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "not_recruiting"
    with app.app_context():
        assert db.session.get(Application, pending["id"]).state == "pending"


def test_applications_follow_the_project_dates(app, client, tokens):
    pid, position_id = recruiting_project(client, tokens)
    with app.app_context():
        db.session.execute(sa.update(Project).where(Project.id == pid).values(
            starts_on=date.today() - timedelta(days=30), ends_on=date.today() - timedelta(days=1)))
        db.session.commit()
    late = client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["a_volunteer"]))
    assert late.status_code == 409 and late.json["error"]["code"] == "not_recruiting"


def test_declined_volunteers_cannot_reapply_but_withdrawn_ones_can(client, tokens):
    pid, position_id = recruiting_project(client, tokens)
    first = client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["a_volunteer"])).json
    client.post(f"/api/v1/applications/{first['id']}/decision", json={"decision": "declined"}, headers=bearer(tokens["a_manager"]))
    again = client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["a_volunteer"]))
    assert again.status_code == 409 and again.json["error"]["code"] == "already_declined"


def test_staff_list_applications_and_the_roster(client, tokens):
    pid, position_id = recruiting_project(client, tokens)
    a = client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["a_volunteer"])).json
    client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["b_volunteer"]))
    client.post(f"/api/v1/applications/{a['id']}/decision", json={"decision": "accepted"}, headers=bearer(tokens["a_manager"]))
    everything = client.get(f"/api/v1/projects/{pid}/applications", headers=bearer(tokens["a_manager"])).json
    assert everything["total"] == 2
    roster = client.get(f"/api/v1/projects/{pid}/applications?state=accepted", headers=bearer(tokens["a_manager"])).json
    assert [x["id"] for x in roster["items"]] == [a["id"]]
    assert client.get(f"/api/v1/projects/{pid}/applications", headers=bearer(tokens["b_manager"])).status_code == 404
    assert client.get(f"/api/v1/projects/{pid}/applications", headers=bearer(tokens["a_volunteer"])).status_code == 404


def test_staff_see_public_projects_of_other_towns_and_their_own_with_scope_mine(client, tokens):
    live = create(client, tokens["a_manager"], title="甲镇招募").json["id"]
    for who, to in (("a_manager", "submitted"), ("a_admin", "approved"), ("a_manager", "recruiting")):
        move(client, tokens[who], live, to)
    b_draft = create(client, tokens["b_manager"], organisation_code="LX-B", title="乙镇草稿").json["id"]
    seen = [p["id"] for p in client.get("/api/v1/projects", headers=bearer(tokens["b_manager"])).json["items"]]
    assert sorted(seen) == sorted([live, b_draft])
    mine = [p["id"] for p in client.get("/api/v1/projects?scope=mine", headers=bearer(tokens["b_manager"])).json["items"]]
    assert mine == [b_draft]
    assert client.get("/api/v1/projects?starts_from=2999-01-01").json["total"] == 0


def test_withdrawing_after_the_project_finished_is_refused(client, tokens):
    pid, position_id = recruiting_project(client, tokens)
    a = client.post(f"/api/v1/positions/{position_id}/applications", json={}, headers=bearer(tokens["a_volunteer"])).json
    client.post(f"/api/v1/applications/{a['id']}/decision", json={"decision": "accepted"}, headers=bearer(tokens["a_manager"]))
    for to in ("running", "evaluating"):
        move(client, tokens["a_manager"], pid, to)
    refused = client.post(f"/api/v1/applications/{a['id']}/withdraw", headers=bearer(tokens["a_volunteer"]))
    assert refused.status_code == 409
    # the volunteer still sees the project they served in
    assert client.get(f"/api/v1/projects/{pid}", headers=bearer(tokens["a_volunteer"])).status_code == 200


def test_huge_resource_amounts_are_refused_not_crashing(world, signed_in, make_project, app):
    pid = make_project(world).id
    manager = signed_in(world.a_manager)
    manager.post_form(f"/projects/{pid}/resources", {"kind": "funds", "status": "pledged", "description": "x",
                      "amount": "999999999999.999", "unit": "元"}, form_url=f"/projects/{pid}")
    from volunteer.projects.models import Resource
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Resource.id))) == 0


def test_stations_must_be_on_the_projects_branch(app, client, tokens, world):
    from volunteer.organisations.models import Organisation
    from volunteer.stations.models import Station
    with app.app_context():
        b_station = Station(organisation=db.session.scalar(sa.select(Organisation).where(Organisation.code == "LX-B-1")),
                            name="乙村驿站", kind="驿站")
        city_station = Station(organisation=db.session.scalar(sa.select(Organisation).where(Organisation.code == "LX")),
                               name="市青年之家", kind="青年之家")
        db.session.add_all([b_station, city_station])
        db.session.commit()
        b_id, city_id = b_station.id, city_station.id
    refused = create(client, tokens["city_admin"], station_ids=[b_id])
    assert refused.status_code == 422 and "station_ids" in refused.json["error"]["fields"]
    assert create(client, tokens["a_manager"], station_ids=[city_id]).status_code == 201
    twice = create(client, tokens["a_manager"], station_ids=[city_id, city_id])  # was an IntegrityError, a 500
    assert twice.status_code == 201 and twice.json["station_ids"] == [city_id]
