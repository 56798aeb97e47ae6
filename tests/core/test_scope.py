"""Organisation scope on every staff page and endpoint: a town's staff never see, list or change
another town's records; the city above sees both; volunteers and strangers see no staff page."""
import pytest
import sqlalchemy as sa

from volunteer.extensions import db
from volunteer.organisations.models import Organisation

ROLES = ["city_admin", "a_admin", "a_manager", "b_admin", "b_manager", "a_volunteer", "anonymous"]

# url, then the expected status for each role in ROLES order. Every record below is town A's.
PAGES = [
    ("/organisations/LX-A",               [200, 200, 200, 404, 404, 404, 302]),
    ("/organisations/LX-A-1",             [200, 200, 200, 404, 404, 404, 302]),
    ("/organisations/LX-A/children/new",  [200, 200, 403, 404, 404, 404, 302]),
    ("/organisations/LX-A/rename",        [200, 403, 403, 404, 404, 404, 302]),
    ("/organisations/LX-A-1/rename",      [200, 200, 403, 404, 404, 404, 302]),
    ("/organisations/LX-A/staff",         [200, 200, 403, 404, 404, 404, 302]),
    ("/volunteers/{a_volunteer_id}",      [200, 200, 200, 404, 404, 404, 302]),
    ("/organisations/",                   [200, 200, 200, 200, 200, 403, 302]),
    ("/volunteers",                       [200, 200, 200, 200, 200, 403, 302]),
    ("/events",                           [200, 200, 200, 200, 200, 403, 302]),
]
CASES = [(url, role, status) for url, statuses in PAGES for role, status in zip(ROLES, statuses, strict=True)]


def as_role(world, signed_in, client, role):
    return client if role == "anonymous" else signed_in(getattr(world, role)).client


@pytest.mark.parametrize("url, role, expected", CASES, ids=[f"{r}:{u}" for u, r, _ in CASES])
def test_staff_pages_answer_per_role_and_scope(world, signed_in, client, url, role, expected):
    response = as_role(world, signed_in, client, role).get(url.format(a_volunteer_id=world.a_volunteer.id))
    assert response.status_code == expected
    if expected in (403, 404):
        html = response.get_data(as_text=True)
        assert "王小明" not in html and world.a_volunteer.volunteer_no not in html


@pytest.mark.parametrize("url, mine, theirs", [
    ("/organisations/", "甲镇团委", "乙镇团委"),
    ("/volunteers", "王小明", "李小红"),
    ("/events", "LX-A-1-000001", "LX-B-1-000001"),
])
def test_town_lists_show_only_their_subtree(world, signed_in, url, mine, theirs):
    town_a = signed_in(world.a_admin).get(url).get_data(as_text=True)
    assert mine in town_a and theirs not in town_a
    city = signed_in(world.city_admin).get(url).get_data(as_text=True)
    assert mine in city and theirs in city


def test_volunteer_search_does_not_reach_another_town(world, signed_in):
    html = signed_in(world.a_admin).get("/volunteers?q=" + world.b_volunteer.volunteer_no).get_data(as_text=True)
    assert "李小红" not in html


def test_other_town_cannot_create_or_rename(app, world, signed_in):
    b = signed_in(world.b_admin)
    created = b.post_form("/organisations/LX-A/children/new", {"code": "LX-A-9", "name": "入侵", "kind": "village"},
                          form_url="/organisations/LX-B/children/new")
    assert created.status_code == 404
    renamed = b.post_form("/organisations/LX-A-1/rename", {"name": "改名"},
                          form_url="/organisations/LX-B-1/rename")
    assert renamed.status_code == 404
    granted = b.post_form("/organisations/LX-A/staff", {"login": world.b_manager.phone, "role": "manager"},
                          form_url="/organisations/LX-B/staff")
    assert granted.status_code == 404
    with app.app_context():
        names = dict(db.session.execute(sa.select(Organisation.code, Organisation.name)).all())
    assert "LX-A-9" not in names and names["LX-A-1"] == "甲村团支部"


def test_manager_cannot_grant_roles(world, signed_in):
    manager = signed_in(world.a_manager)
    response = manager.post_form("/organisations/LX-A/staff", {"login": world.a_volunteer.phone, "role": "league_admin"},
                                 form_url="/organisations/LX-A")
    assert response.status_code == 403


def test_staff_see_volunteers_masked(world, signed_in):
    html = signed_in(world.a_admin).get(f"/volunteers/{world.a_volunteer.id}").get_data(as_text=True)
    assert world.a_volunteer.id_number not in html and world.a_volunteer.phone not in html
    assert world.a_volunteer.id_number[:6] + "********" + world.a_volunteer.id_number[-4:] in html
    assert world.a_volunteer.phone[:3] + "****" + world.a_volunteer.phone[-4:] in html
    listing = signed_in(world.a_admin).get("/volunteers").get_data(as_text=True)
    assert world.a_volunteer.phone not in listing
