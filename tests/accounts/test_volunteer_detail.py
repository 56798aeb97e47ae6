"""Staff's page of one volunteer: their approved and pending hours with the unit, the projects
they served (named where the viewer may open the project) and their certificates; another
town's staff learn nothing of them."""
import re
from datetime import date

import pytest

from tests.checkin.fixtures import DAY, local
from volunteer.accounts.models import User, Volunteer
from volunteer.certificates import services as certificates
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.services import get_by_code
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.stations import services as stations


def _user(person) -> User:
    return db.session.get(User, getattr(person, "user_id", None) or person.id)


@pytest.fixture
def record(app, world, factory, site, code, scan):
    """王小明 (town A) served 2 h 30 on town A's 社区助老服务 and 1 h on town B's 乙镇河道清理 (since
    closed), both approved, and 1 h more on town A's still pending; town A's admin issued a
    certificate for the 3.5 h."""
    b_lead = factory.volunteer("LX-B-1", name="乙站长")
    with app.app_context():
        b_station = stations.create_station(_user(world.city_admin), get_by_code("LX-B-1"),
                                            {"name": "乙村驿站", "kind": "驿站"}, now=utcnow())
        db.session.flush()
        stations.add_lead(_user(world.city_admin), b_station, _user(b_lead), now=utcnow())
        river = projects.create_project(_user(world.b_manager), get_by_code("LX-B"), {
            "title": "乙镇河道清理", "category": "environment", "starts_on": date(2027, 1, 1),
            "ends_on": date(2027, 12, 31), "station_ids": [b_station.id]}, now=utcnow())
        db.session.flush()
        river.state = "running"
        db.session.commit()
        b_station_id, river_id = b_station.id, river.id
    sessions = []
    for station_id, start, end in ((site.station_id, (9, 0), (11, 30)), (b_station_id, (13, 0), (14, 0)),
                                   (site.station_id, (15, 0), (16, 0))):
        scan(world.a_volunteer, code(station_id), local(*start))
        sessions.append(scan(world.a_volunteer, code(station_id), local(*end)).session_id)
    with app.app_context():
        for session_id, lead in ((sessions[0], site.lead), (sessions[1], b_lead)):
            entry = db.session.query(LedgerEntry).filter_by(session_id=session_id).one()
            ledger.decide(_user(lead), entry, "approve", now=local(18))
        db.session.get(Project, river_id).state = "closed"
        db.session.commit()
        with app.test_request_context("/"):
            certificate = certificates.issue_certificate(
                _user(world.a_admin), db.session.get(Volunteer, world.a_volunteer.id),
                base_url="http://localhost/", now=local(20))
            db.session.commit()
        return {"serial": certificate.serial, "river_id": river_id, "project_id": site.project_id}


def text_of(html: str, testid: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", re.search(rf'data-testid="{testid}"[^>]*>(.*?)</dd>', html, re.S)
                           .group(1)).split())


def served_rows(html: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split())
            for row in re.findall(r'<tr data-testid="served-project">(.*?)</tr>', html, re.S)]


def test_the_town_admin_sees_the_hours_projects_and_certificates(world, signed_in, record):
    html = signed_in(world.a_admin).get(f"/volunteers/{world.a_volunteer.id}").get_data(as_text=True)
    assert text_of(html, "approved-hours") == "3.5 小时"
    assert text_of(html, "pending-hours") == "1.0 小时"
    year = DAY.year
    # the town's own project by name and with a link; town B's closed one only by its organisation
    assert served_rows(html) == [f"社区助老服务 {year} 2.5 小时 1.0 小时", f"乙镇团委的项目 {year} 1.0 小时 0.0 小时"]
    assert f'href="/projects/{record["project_id"]}"' in html
    assert "乙镇河道清理" not in html and f'href="/projects/{record["river_id"]}"' not in html
    certificate = re.search(r'data-testid="volunteer-certificate">(.*?)</article>', html, re.S).group(1)
    assert record["serial"] in certificate and "3.5 小时" in certificate and "有效" in certificate
    assert f'href="/certificates/{record["serial"]}.pdf"' in certificate
    assert 'data-testid="ledger-link"' in html


def test_the_city_admin_sees_every_project_by_name(world, signed_in, record):
    html = signed_in(world.city_admin).get(f"/volunteers/{world.a_volunteer.id}").get_data(as_text=True)
    assert [row.split()[0] for row in served_rows(html)] == ["社区助老服务", "乙镇河道清理"]
    assert f'href="/projects/{record["river_id"]}"' in html


def test_the_certificate_linked_opens_for_the_town_staff(world, signed_in, record):
    manager = signed_in(world.a_manager)
    assert f'/certificates/{record["serial"]}.pdf' in manager.get(f"/volunteers/{world.a_volunteer.id}").get_data(
        as_text=True)
    assert manager.get(f'/certificates/{record["serial"]}.pdf').status_code == 200


@pytest.mark.parametrize("who", ["b_admin", "b_manager"])
def test_another_towns_staff_learn_nothing(world, signed_in, record, who):
    """Town B's staff ran the project 王小明 served on, yet he is town A's: no page of him."""
    response = signed_in(getattr(world, who)).get(f"/volunteers/{world.a_volunteer.id}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "王小明" not in html and record["serial"] not in html and "3.5" not in html


def test_a_volunteer_without_service_says_so(world, signed_in):
    html = signed_in(world.a_admin).get(f"/volunteers/{world.a_volunteer.id}").get_data(as_text=True)
    assert text_of(html, "approved-hours") == "0.0 小时"
    assert "尚无服务记录" in html and "尚无服务证明" in html
