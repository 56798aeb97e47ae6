"""What a position tells a volunteer: its time (in the stations' zone), its place, whom to call;
a full position says so and invites nobody, signed in or not; the contact is the project's own
published one, never a person's account."""
import re

import pytest
import sqlalchemy as sa

from volunteer.accounts.models import User
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.projects.models import Position, Project
from volunteer.stations import services as stations


def station(app, world, name="甲村志愿驿站", address="甲村村委会一楼", timezone="Asia/Shanghai") -> int:
    with app.app_context():
        found = stations.create_station(db.session.get(User, world.city_admin.id), get_by_code("LX-A-1"), {
            "name": name, "kind": "驿站", "address": address, "timezone": timezone}, now=utcnow())
        db.session.commit()
        return found.id


def add_position(manager, project_id, **values) -> None:
    response = manager.post_form(f"/projects/{project_id}/positions", {"title": "陪护员", "capacity": "2", **values},
                                 form_url=f"/projects/{project_id}")
    assert response.status_code == 302


def position_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Position.id).order_by(Position.id.desc()))


def card(html: str, index: int = 0) -> str:
    """The text of one position's card on the project page."""
    return re.findall(r'<article data-testid="position">(.*?)</article>', html, re.S)[index]


def field(html: str, testid: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", re.search(
        rf'data-testid="{testid}"[^>]*>(.*?)</dd>', html, re.S).group(1)).split())


@pytest.fixture
def recruiting(app, world, signed_in, make_project):
    """社区助老服务, recruiting at 甲村志愿驿站 and the village hall, with 刘老师 to call."""
    station_id = station(app, world)
    pid = make_project(world, state="recruiting", station_ids=[station_id], place="甲村文化礼堂",
                       contact_name="刘老师", contact_phone="0571-8888 6666").id
    return pid


def test_a_position_shows_its_time_place_and_contact_to_anyone(app, world, client, signed_in, recruiting):
    add_position(signed_in(world.a_manager), recruiting, starts_at="2026-12-05T09:00", ends_at="2026-12-05T12:00")
    html = card(client.get(f"/projects/{recruiting}").get_data(as_text=True))
    assert field(html, "position-time") == "2026-12-05 09:00 – 12:00"
    assert field(html, "position-place") == "甲村文化礼堂 甲村志愿驿站 甲村村委会一楼"
    assert field(html, "position-contact") == "刘老师 · 0571-8888 6666"
    assert 'href="tel:0571-88886666"' in html
    assert "登录后报名" in html


def test_a_position_over_two_days_and_one_without_times(app, world, client, signed_in, recruiting):
    manager = signed_in(world.a_manager)
    add_position(manager, recruiting, starts_at="2026-12-05T20:00", ends_at="2026-12-06T08:00")
    add_position(manager, recruiting)
    html = client.get(f"/projects/{recruiting}").get_data(as_text=True)
    assert field(card(html, 0), "position-time") == "2026-12-05 20:00 – 2026-12-06 08:00"
    with app.app_context():
        project = db.session.get(Project, recruiting)
        dates = f"{project.starts_on} – {project.ends_on}"
    assert field(card(html, 1), "position-time") == f"项目期间：{dates}"


def test_times_are_typed_and_shown_in_the_stations_zone(app, world, client, signed_in, make_project):
    """Stations in Xinjiang keep Urumqi time (UTC+6): 09:00 there is 03:00 UTC, and reads 09:00."""
    station_id = station(app, world, name="边疆驿站", timezone="Asia/Urumqi")
    pid = make_project(world, state="recruiting", station_ids=[station_id]).id
    add_position(signed_in(world.a_manager), pid, starts_at="2026-12-05T09:00", ends_at="2026-12-05T11:00")
    with app.app_context():
        assert db.session.get(Position, position_id(app)).starts_at.hour == 3
    assert field(card(client.get(f"/projects/{pid}").get_data(as_text=True)), "position-time") == \
        "2026-12-05 09:00 – 11:00"


def test_a_project_without_place_or_contact_says_so_and_never_names_its_manager(
        app, world, client, signed_in, make_project):
    pid = make_project(world, state="recruiting").id
    add_position(signed_in(world.a_manager), pid)
    page = client.get(f"/projects/{pid}").get_data(as_text=True)
    html = card(page)
    assert field(html, "position-place") == "—" and field(html, "position-contact") == "—"
    assert "甲镇负责人" not in page  # the manager who created it: their name and phone stay private


def test_a_full_position_says_so_and_invites_nobody(app, world, client, signed_in, factory, recruiting):
    manager = signed_in(world.a_manager)
    add_position(manager, recruiting, capacity="1")
    pid = position_id(app)
    accepted = signed_in(world.b_volunteer)
    accepted.post_form(f"/positions/{pid}/apply", {}, form_url=f"/projects/{recruiting}")
    with app.app_context():
        from volunteer.projects.models import Application
        application_id = db.session.scalar(sa.select(Application.id))
    manager.post_form(f"/applications/{application_id}/decision", {"decision": "accepted"},
                      form_url=f"/projects/{recruiting}")

    anonymous = card(client.get(f"/projects/{recruiting}").get_data(as_text=True))
    assert 'data-testid="position-full"' in anonymous and "名额已满" in anonymous
    assert "登录后报名" not in anonymous and 'data-testid="sign-in-to-apply"' not in anonymous
    other = card(signed_in(world.a_volunteer).get(f"/projects/{recruiting}").get_data(as_text=True))
    assert "名额已满" in other and 'data-testid="apply"' not in other
    mine = card(accepted.get(f"/projects/{recruiting}").get_data(as_text=True))
    assert 'data-testid="my-application"' in mine and "名额已满" not in mine
    # and the service refuses one who tries anyway
    answer = signed_in(world.a_volunteer).post_form(f"/positions/{pid}/apply", {},
                                                   form_url=f"/projects/{recruiting}", follow_redirects=True)
    assert "名额已满" in answer.get_data(as_text=True)
    with app.app_context():
        position = db.session.get(Position, pid)
        assert position.is_full and len(position.applications) == 1
        assert db.session.scalar(sa.select(sa.func.count(Position.id)).where(Position.is_full)) == 1


def test_an_open_position_invites_the_signed_in_volunteer(app, world, signed_in, recruiting):
    add_position(signed_in(world.a_manager), recruiting, capacity="3")
    html = card(signed_in(world.a_volunteer).get(f"/projects/{recruiting}").get_data(as_text=True))
    assert 'data-testid="apply"' in html and "名额已满" not in html


def test_the_manager_sets_the_place_and_contact_on_the_form(app, world, signed_in):
    manager = signed_in(world.a_manager)
    form = manager.get("/projects/new").get_data(as_text=True)
    assert 'name="contact_phone"' in form and 'type="tel"' in form and "联系人" in form
    refused = manager.post_form("/projects/new", {"organisation_code": "LX-A", "title": "河道清理", "category": "environment",
                                                  "contact_phone": "请打电话", "contact_name": "张" * 61})
    html = refused.get_data(as_text=True)
    assert "联系电话只能包含数字" in html and "最多 60 个字符" in html
    made = manager.post_form("/projects/new", {"organisation_code": "LX-A", "title": "河道清理", "category": "environment",
                                               "place": "  溪口  码头 ", "contact_name": "陈站长",
                                               "contact_phone": "１３８００１３８０００"})
    assert made.status_code == 302
    with app.app_context():
        project = db.session.scalar(sa.select(Project))
        assert (project.place, project.contact_name, project.contact_phone) == ("溪口 码头", "陈站长", "13800138000")
        pid = project.id
    edited = manager.post_form(f"/projects/{pid}/edit", {"title": "河道清理", "category": "environment",
                                                         "contact_name": "", "contact_phone": ""})
    assert edited.status_code == 302
    with app.app_context():
        project = db.session.get(Project, pid)
        assert (project.place, project.contact_name, project.contact_phone) == (None, None, None)
        from volunteer.core.models import Event
        event = db.session.scalar(sa.select(Event).where(Event.action == "project.updated"))
        assert event.before["contact_name"] == "陈站长" and event.after["contact_name"] is None
