"""The Ledger endpoints of API.md and /api/v1/me/ledger."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.ledger.test_decisions import served  # noqa: F401 (a fixture)


def bearer(token, lang="zh-CN"):
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


@pytest.fixture
def pending(app, world, site, served):  # noqa: F811
    """The id of a pending entry of 150 minutes."""
    from volunteer.extensions import db
    from volunteer.ledger.models import LedgerEntry
    session_id = served()
    with app.app_context():
        return db.session.scalar(db.select(LedgerEntry.id).where(LedgerEntry.session_id == session_id))


def test_the_lead_sees_the_queue_and_approves(client, world, site, pending, api_token):
    token = api_token(site.lead)
    queue = client.get("/api/v1/ledger?state=pending", headers=bearer(token)).json
    assert [e["id"] for e in queue["items"]] == [pending]
    item = queue["items"][0]
    assert (item["minutes"], item["state"], item["source"], item["station"]["name"]) == (150, "pending", "checkin",
                                                                                      "甲村志愿驿站")
    assert item["flags"] == []
    response = client.post(f"/api/v1/ledger/{pending}/decision", json={"decision": "approve"}, headers=bearer(token))
    assert response.status_code == 200 and response.json["state"] == "approved"
    assert response.json["credited_minutes"] == 150 and response.json["decided_by"] == site.lead.user_id
    again = client.post(f"/api/v1/ledger/{pending}/decision", json={"decision": "reject", "reason": "x"},
                        headers=bearer(api_token(world.a_manager)))
    assert (again.status_code, again.json["error"]["code"]) == (409, "already_decided")
    assert again.json["error"]["message"] == "该记录已被他人审核，请刷新查看审核结果。"
    me = client.get("/api/v1/me", headers=bearer(api_token(world.a_volunteer))).json
    assert (me["approved_hours"], me["pending_hours"], me["star_level"]) == (2.5, 0.0, 0)
    mine = client.get("/api/v1/me/ledger", headers=bearer(api_token(world.a_volunteer))).json
    assert [(e["id"], e["state"]) for e in mine["items"]] == [(pending, "approved")] and mine["total"] == 1


@pytest.mark.parametrize("who, listed, decision", [("a_manager", 1, 200), ("b_admin", 0, 404),
                                                   ("b_manager", 0, 404), ("a_volunteer", None, 404)])
def test_ledger_scope(client, world, pending, api_token, who, listed, decision):
    token = api_token(getattr(world, who))
    listing = client.get("/api/v1/ledger", headers=bearer(token))
    if listed is None:
        assert listing.status_code == 403
    else:
        assert listing.json["total"] == listed
    response = client.post(f"/api/v1/ledger/{pending}/decision", json={"decision": "approve"}, headers=bearer(token))
    assert response.status_code == decision


def test_corrections_through_the_api(client, world, site, pending, api_token):
    client.post(f"/api/v1/ledger/{pending}/decision", json={"decision": "approve"}, headers=bearer(api_token(site.lead)))
    token = api_token(world.a_manager)
    response = client.post(f"/api/v1/ledger/{pending}/corrections", json={"minutes": 60, "reason": "核实为一小时"},
                           headers=bearer(token))
    assert response.status_code == 201
    assert (response.json["corrects_id"], response.json["source"], response.json["credited_minutes"]) == (
        pending, "correction", 60)
    me = client.get("/api/v1/me", headers=bearer(api_token(world.a_volunteer))).json
    assert me["approved_hours"] == 1.0


@pytest.fixture
def recent_site(app, site):
    """The site's project, running since a month ago: manual entries of the past days fit in it."""
    from volunteer.extensions import db
    from volunteer.projects.models import Project
    with app.app_context():
        db.session.get(Project, site.project_id).starts_on = date.today() - timedelta(days=30)
        db.session.commit()
    return site


def test_manual_entries_are_approved_by_someone_else(client, world, recent_site, api_token):
    site = recent_site
    manager = api_token(world.a_manager)
    body = {"volunteer_id": world.a_volunteer.id, "project_id": site.project_id, "minutes": 90,
            "served_on": (date.today() - timedelta(days=2)).isoformat(), "reason": "扫码设备故障",
            "activity": "社区义诊", "activity_minutes": 120}
    created = client.post("/api/v1/ledger", json=body, headers=bearer(manager))
    assert created.status_code == 201 and (created.json["state"], created.json["source"]) == ("pending", "manual")
    entry = created.json["id"]
    own = client.post(f"/api/v1/ledger/{entry}/decision", json={"decision": "approve"}, headers=bearer(manager))
    assert (own.status_code, own.json["error"]["code"]) == (403, "own_hours")
    other = client.post(f"/api/v1/ledger/{entry}/decision", json={"decision": "approve"},
                        headers=bearer(api_token(world.a_admin)))
    assert other.status_code == 200 and other.json["credited_minutes"] == 90


@pytest.mark.parametrize("change, field", [
    ({"minutes": 150}, "minutes"),                                  # longer than the activity
    ({"served_on": (date.today() + timedelta(days=3)).isoformat()}, "served_on"),
    ({"reason": ""}, "reason"), ({"volunteer_id": 10**6}, "volunteer_id"), ({"minutes": -5}, "minutes"),
    ({"served_on": (date.today() - timedelta(days=31)).isoformat()}, "served_on"),  # before the project
    ({"volunteer_id": 1.5}, "volunteer_id"), ({"minutes": 89.5}, "minutes"),  # not read as 1 and 89
])
def test_bad_manual_entries_are_named(client, world, recent_site, api_token, change, field):
    site = recent_site
    body = {"volunteer_id": world.a_volunteer.id, "project_id": site.project_id, "minutes": 90,
            "served_on": date.today().isoformat(), "reason": "补录", "activity_minutes": 120, **change}
    response = client.post("/api/v1/ledger", json=body, headers=bearer(api_token(world.a_manager)))
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_only_staff_over_the_project_record_manual_entries(client, world, site, api_token):
    body = {"volunteer_id": world.a_volunteer.id, "project_id": site.project_id, "minutes": 30,
            "served_on": date.today().isoformat(), "reason": "补录"}
    assert client.post("/api/v1/ledger", json=body, headers=bearer(api_token(world.b_manager))).status_code == 404
    assert client.post("/api/v1/ledger", json=body, headers=bearer(api_token(site.lead))).status_code == 404


def test_a_roster_project_records_service_only_for_its_roster(app, client, world, recent_site, api_token):
    """As at check-in: a manual entry on a roster project names a volunteer it accepted; anyone
    else (here a volunteer of another town who never applied) is refused and nothing is stored."""
    from tests.checkin.test_rules import accept_on_roster, set_project
    from volunteer.extensions import db
    from volunteer.ledger.models import LedgerEntry
    set_project(app, recent_site.project_id, roster_required=True)
    body = {"project_id": recent_site.project_id, "minutes": 60, "served_on": date.today().isoformat(),
            "reason": "活动现场未扫码"}
    manager = api_token(world.a_manager)
    for volunteer in (world.b_volunteer, world.a_volunteer):
        refused = client.post("/api/v1/ledger", json={**body, "volunteer_id": volunteer.id}, headers=bearer(manager))
        assert refused.status_code == 422
        assert "名单" in refused.json["error"]["fields"]["volunteer_id"][0]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == 0
    accept_on_roster(app, world, recent_site.project_id, world.a_volunteer)
    created = client.post("/api/v1/ledger", json={**body, "volunteer_id": world.a_volunteer.id}, headers=bearer(manager))
    assert created.status_code == 201


def test_disputes_through_the_api(client, world, site, pending, api_token):
    volunteer = bearer(api_token(world.a_volunteer))
    assert client.post(f"/api/v1/ledger/{pending}/disputes", json={}, headers=volunteer).status_code == 422
    blank = client.post(f"/api/v1/ledger/{pending}/disputes", json={"note": "  "}, headers=volunteer)
    assert blank.status_code == 422 and "note" in blank.json["error"]["fields"]
    other = client.post(f"/api/v1/ledger/{pending}/disputes", json={"note": "不对"},
                        headers=bearer(api_token(world.b_volunteer)))
    assert other.status_code == 404
    sent = client.post(f"/api/v1/ledger/{pending}/disputes", json={"note": "我 8:30 就到了"}, headers=volunteer)
    assert sent.status_code == 201 and (sent.json["state"], sent.json["entry_id"]) == ("open", pending)
    again = client.post(f"/api/v1/ledger/{pending}/disputes", json={"note": "再问一次"}, headers=volunteer)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_disputed"
    decided = client.post(f"/api/v1/ledger/{pending}/decision", headers=bearer(api_token(site.lead)),
                          json={"decision": "approve", "minutes": 120, "reason": "中途离岗 30 分钟"})
    assert decided.status_code == 200
    mine = client.get("/api/v1/me/ledger?per_page=5", headers=volunteer).json["items"]
    assert mine[0]["minutes"] == 120
    assert [(d["state"], d["resolution"], d["resolution_note"]) for d in mine[0]["disputes"]] == [
        ("resolved", "decided", "中途离岗 30 分钟")]


@pytest.mark.parametrize("query", ["station_id=99999999999999999999", "project_id=0", "volunteer_id=-3",
                                   "state=lost"])
def test_bad_ledger_filters_are_named(client, world, api_token, query):
    response = client.get(f"/api/v1/ledger?{query}", headers=bearer(api_token(world.city_admin)))
    assert response.status_code == 422
    assert query.split("=")[0] in response.json["error"]["fields"]


def test_corrections_follow_scope_and_separation_of_duties(client, world, site, pending, api_token):
    approve = client.post(f"/api/v1/ledger/{pending}/decision", headers=bearer(api_token(site.lead)),
                          json={"decision": "approve"})
    assert approve.status_code == 200
    body = {"minutes": 120, "reason": "核减"}
    outsider = client.post(f"/api/v1/ledger/{pending}/corrections", json=body, headers=bearer(api_token(world.b_admin)))
    assert outsider.status_code == 404
    lead = client.post(f"/api/v1/ledger/{pending}/corrections", json=body, headers=bearer(api_token(site.lead)))
    assert lead.status_code == 403
    own = client.post(f"/api/v1/ledger/{pending}/corrections", json=body,
                      headers=bearer(api_token(world.a_volunteer)))
    assert own.status_code in (403, 404)
    more = client.post(f"/api/v1/ledger/{pending}/corrections", json={"minutes": 151, "reason": "多记"},
                       headers=bearer(api_token(world.a_manager)))
    assert more.status_code == 422 and "minutes" in more.json["error"]["fields"]
    done = client.post(f"/api/v1/ledger/{pending}/corrections", json=body, headers=bearer(api_token(world.a_manager)))
    assert done.status_code == 201 and done.json["corrects_id"] == pending


@pytest.mark.parametrize("state, status", [("draft", 409), ("recruiting", 409), ("suspended", 201),
                                           ("evaluating", 201), ("closed", 409)])
def test_manual_entries_only_for_a_project_that_serves(app, client, world, recent_site, api_token, state, status):
    from volunteer.extensions import db
    from volunteer.projects.models import Project
    with app.app_context():
        db.session.get(Project, recent_site.project_id).state = state
        db.session.commit()
    body = {"volunteer_id": world.a_volunteer.id, "project_id": recent_site.project_id, "minutes": 30,
            "served_on": date.today().isoformat(), "reason": "补录"}
    response = client.post("/api/v1/ledger", json=body, headers=bearer(api_token(world.a_manager)))
    assert response.status_code == status
    if status == 409:
        assert response.json["error"]["code"] == "project_not_serving"
