"""Words on the pages say what the figures are: a session too short to count says it earns
nothing, hours carry their unit, a duration column is headed as one, a person's name is asked
for as a name (姓名) and an organisation's as 名称."""
from __future__ import annotations

import re

import pytest
from flask import render_template

from tests.checkin.fixtures import local
from tests.ledger.test_decisions import decide, served  # noqa: F401 (served is a fixture)
from volunteer.accounts import services as accounts
from volunteer.accounts.models import User
from volunteer.checkin import services as checkin
from volunteer.core.errors import ValidationFailed
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations.vocabulary import EVENT_LOG
from volunteer.projects.models import Project
from volunteer.stations.models import Station


@pytest.fixture
def session_page(app, world, site, code):
    """session_page(minutes, kiosk=False) → the page a volunteer (or the kiosk) shows on checking
    out after that many minutes at 甲村志愿驿站."""
    def show(minutes, kiosk=False):
        text = code(site.station_id)  # before the request's transaction, which holds SQLite's lock
        with app.test_request_context("/"):
            volunteer = db.session.get(User, world.a_volunteer.user_id)
            if kiosk:
                lead = db.session.get(User, site.lead.user_id)
                station = db.session.get(Station, site.station_id)
                card = checkin_card(volunteer)
                checkin.scan_card(lead, station, card, now=local(9))
                outcome = checkin.scan_card(lead, station, card, now=local(9, minutes))
            else:
                checkin.scan_station_code(volunteer, text, now=local(9))
                outcome = checkin.scan_station_code(volunteer, text, now=local(9, minutes))
            assert outcome.session.minutes == minutes
            html = render_template("checkin/_kiosk_result.html" if kiosk else "checkin/result.html",
                                   outcome=outcome, error=outcome.error)
            db.session.rollback()
            return html
    return show


def checkin_card(user) -> str:
    from volunteer.checkin import cards
    return cards.card_code(user.volunteer)


def test_a_session_too_short_to_count_says_it_credits_nothing(session_page):
    html = session_page(5)
    assert re.search(r"签退成功\s*· 5 分钟", html), html
    assert "（不足 15 分钟，不计时长）" in html


def test_a_session_that_counts_shows_no_such_hint(session_page):
    html = session_page(20)  # credited as half an hour
    assert re.search(r"签退成功\s*· 20 分钟", html) and "不计时长" not in html


def test_the_hint_follows_the_configured_crediting_rule(app, session_page, monkeypatch):
    monkeypatch.setitem(app.config, "CREDIT_RULE", {"version": "test", "zero_below": 25, "full_above": 50})
    assert "（不足 25 分钟，不计时长）" in session_page(20)
    monkeypatch.setitem(app.config, "CREDIT_RULE", {"version": "exact", "zero_below": 0, "full_above": 0})
    assert "不计时长" not in session_page(5)  # exact minutes: five minutes count


def test_the_kiosk_says_so_too(session_page):
    html = session_page(3, kiosk=True)
    assert "3 分钟（不足 15 分钟，不计时长）" in html


def test_a_session_below_the_projects_minimum_attendance_says_so(app, site, session_page):
    with app.app_context():
        project = db.session.get(Project, site.project_id)
        project.shift_minutes, project.min_attendance_percent = 120, 60
        db.session.commit()
    html = session_page(50)  # the rounding would credit an hour; the minimum credits nothing
    assert "（未达项目最低出勤，不计时长）" in html


def test_home_shows_the_approved_hours_with_their_unit(world, signed_in):
    html = signed_in(world.a_volunteer).get("/").get_data(as_text=True)
    assert re.search(r'data-testid="home-hours"><a [^>]*>0\.0 小时</a>', html), html


def test_the_staff_ledger_heads_its_duration_column_as_a_duration(world, site, served, signed_in):  # noqa: F811
    served(start=(9, 0), end=(12, 48))
    html = signed_in(world.city_admin).get("/ledger/").get_data(as_text=True)
    assert "<th>时长</th>" in html and "3 小时 48 分" in html
    assert "分钟数" not in html


def test_a_missing_name_asks_for_the_persons_name(app, factory):
    with app.test_request_context("/"):
        with pytest.raises(ValidationFailed) as refused:
            accounts.register_volunteer(factory.volunteer_data("LX-A-1", name="  "), now=utcnow())
        assert [str(m) for m in refused.value.fields["name"]] == ["请输入姓名。"]


def test_an_organisations_name_is_not_a_persons(app):
    with app.test_request_context("/"):
        assert str(EVENT_LOG.fields["name"]) == "组织名称"


def test_the_dashboard_tables_give_hours_their_unit(app, world, site, served, signed_in):  # noqa: F811
    decide(app, site.lead, served(start=(9, 0), end=(11, 30)))
    html = signed_in(world.city_admin).get("/reports/", query_string={
        "organisation": "LX", "period": "custom", "from": "2027-01-01", "to": "2027-12-31"}).get_data(as_text=True)
    march = re.search(r'2027-03</td>\s*<td data-label="已审核时长" class="num" data-value="([^"]*)">([^<]*)</td>', html)
    assert march and march.groups() == ("2.5", "2.5 小时")  # the charts' number, and on screen its unit
