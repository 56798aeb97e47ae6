"""Failure modes found in review: bad numbers in URLs, forms without CSRF, double submissions,
personal data in the staff pages and the log."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from volunteer.accounts.models import Membership
from volunteer.core.models import Event
from volunteer.extensions import db
from volunteer.organisations.models import Organisation

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("url", ["/volunteers?page=" + HUGE, "/events?page=" + HUGE,
                                 "/organisations/?page=" + HUGE, "/volunteers?page=-3&per_page=abc",
                                 "/volunteers/" + HUGE])
def test_huge_or_bad_numbers_in_pages_never_crash(world, signed_in, url):
    assert signed_in(world.city_admin).get(url).status_code in (200, 404)


def test_huge_page_in_the_api_is_a_422(client):
    response = client.get("/api/v1/organisations?page=" + HUGE)
    assert response.status_code == 422 and "page" in response.json["error"]["fields"]


# Every form that changes something, posted without its CSRF token, as a user allowed to post it.
FORMS = [
    ("city_admin", "/organisations/LX-A/children/new", {"code": "LX-A-7", "name": "x", "kind": "village"}),
    ("city_admin", "/organisations/LX-A-1/rename", {"name": "x"}),
    ("city_admin", "/organisations/LX-A/staff", {"login": "13100000000", "role": "manager"}),
    ("a_volunteer", "/me/edit", {"skills": "x"}),
    ("a_volunteer", "/me/password", {"current_password": "secret123", "new_password": "newpass123"}),
    ("a_volunteer", "/me/close", {"password": "secret123", "confirm": "y"}),
    ("a_volunteer", "/lang/en", {}),
    ("a_volunteer", "/logout", {}),
]


@pytest.mark.parametrize("who, url, data", FORMS, ids=[f[1] for f in FORMS])
def test_every_form_refuses_a_post_without_csrf(app, world, signed_in, who, url, data):
    person = signed_in(getattr(world, who))
    response = person.client.post(url, data=data)
    assert response.status_code == 400
    assert person.get("/me").status_code == 200  # still signed in, nothing changed
    with app.app_context():
        assert db.session.scalar(sa.select(Organisation).where(Organisation.code == "LX-A-7")) is None
        assert db.session.scalar(sa.select(Organisation.name).where(Organisation.code == "LX-A-1")) == "甲村团支部"


@pytest.mark.parametrize("who, expected", [("a_manager", 403), ("b_admin", 404), ("a_volunteer", 404)])
def test_revoking_a_role_needs_an_admin_in_scope(app, world, signed_in, who, expected):
    with app.app_context():
        membership_id = db.session.scalar(sa.select(Membership.id).where(Membership.user_id == world.a_manager.id))
    person = signed_in(getattr(world, who))
    response = person.post_form(f"/organisations/LX-A/staff/{membership_id}/revoke", {}, form_url="/me")
    assert response.status_code == expected
    with app.app_context():
        assert db.session.get(Membership, membership_id) is not None


def test_staff_pages_and_the_log_show_no_full_phone_or_id(world, signed_in):
    city = signed_in(world.city_admin)
    pages = [city.get(url).get_data(as_text=True) for url in
             ("/events", "/organisations/LX-A", "/organisations/LX", "/volunteers")]
    people = [world.city_admin, world.a_admin, world.a_manager, world.a_volunteer, world.b_volunteer]
    for html in pages:
        for person in people:
            assert person.phone not in html
        assert world.a_volunteer.id_number not in html


def test_events_page_two_shows_the_older_rows(world, signed_in):
    admin = signed_in(world.city_admin)
    for name in ("第一", "第二", "第三"):
        admin.post_form("/organisations/LX-A-1/rename", {"name": name})
    first = admin.get("/events?action=organisation.renamed&per_page=2").get_data(as_text=True)
    second = admin.get("/events?action=organisation.renamed&per_page=2&page=2").get_data(as_text=True)
    assert "甲村团支部 → 第一" not in first and "第二 → 第三" in first
    assert "甲村团支部 → 第一" in second and "第二 → 第三" not in second


def test_closing_an_account_scrubs_profile_values_from_the_log(app, world, signed_in):
    me = signed_in(world.a_volunteer)
    me.post_form("/me/edit", {"school_or_employer": "临溪一中", "skills": "急救"})
    me.post_form("/me/close", {"password": world.a_volunteer.password, "confirm": "y"})
    html = signed_in(world.city_admin).get("/events").get_data(as_text=True)
    assert "临溪一中" not in html and "急救" not in html
    with app.app_context():
        assert db.session.scalar(sa.select(Event).where(Event.action == "volunteer.profile_updated")) is not None


def _post_at_once(clients_and_tokens, url, data):
    def post(pair):
        client, token = pair
        return client.post(url, data={**data, "csrf_token": token}).status_code
    with ThreadPoolExecutor(max_workers=len(clients_and_tokens)) as pool:
        return list(pool.map(post, clients_and_tokens))


def test_two_admins_granting_the_same_role_at_once(app, world, signed_in):
    admins = [signed_in(world.city_admin), signed_in(world.a_admin), signed_in(world.city_admin)]
    pairs = [(a.client, csrf_from(a.get("/organisations/LX-A/staff").get_data(as_text=True))) for a in admins]
    statuses = _post_at_once(pairs, "/organisations/LX-A/staff", {"login": world.a_volunteer.phone, "role": "manager"})
    assert sorted(statuses) == [200, 200, 302]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Membership.id))
                                 .where(Membership.user_id == world.a_volunteer.user_id)) == 1


def test_two_admins_creating_the_same_code_at_once(app, world, signed_in):
    admins = [signed_in(world.city_admin), signed_in(world.a_admin), signed_in(world.city_admin)]
    pairs = [(a.client, csrf_from(a.get("/organisations/LX-A/children/new").get_data(as_text=True))) for a in admins]
    statuses = _post_at_once(pairs, "/organisations/LX-A/children/new",
                             {"code": "LX-A-8", "name": "同时", "kind": "village"})
    assert sorted(statuses) == [200, 200, 302]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id)).where(Organisation.code == "LX-A-8")) == 1


def test_a_station_lead_sees_their_stations(app, world, signed_in):
    from volunteer.accounts.models import User
    from volunteer.stations.models import Station
    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.code == "LX-A-1"))
        lead = db.session.get(User, world.a_volunteer.user_id)
        db.session.add(Station(organisation=org, name="甲村志愿驿站", kind="驿站", leads=[lead]))
        db.session.commit()
    html = signed_in(world.a_volunteer).get("/").get_data(as_text=True)
    assert "甲村志愿驿站" in html
    assert "甲村志愿驿站" not in signed_in(world.b_volunteer).get("/").get_data(as_text=True)
