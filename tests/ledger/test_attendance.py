"""A project's minimum attendance, overdue entries shown to the lead and the organisation above,
and who decided, on the volunteer's own page."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.checkin.fixtures import DAY, local
from tests.conftest import csrf_from
from tests.ledger.test_decisions import decide, entry_of, served  # noqa: F401 (served is a fixture)
from volunteer.accounts.models import Membership, User, Volunteer
from volunteer.core.errors import DomainError, ValidationFailed
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger import rules
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry, PendingDay
from volunteer.organisations.services import get_by_code
from volunteer.projects import services as projects_services
from volunteer.projects.models import Project


def set_minimum(app, project_id, shift, percent):
    with app.app_context():
        project = db.session.get(Project, project_id)
        project.shift_minutes, project.min_attendance_percent = shift, percent
        db.session.commit()


@pytest.mark.parametrize("end, credited", [((11, 23), 0), ((11, 24), 150), ((11, 25), 150)])
def test_below_the_minimum_attendance_nothing_is_credited(app, site, served, end, credited):  # noqa: F811
    set_minimum(app, site.project_id, 240, 60)  # 60 % of a 4-hour shift: 144 minutes
    session_id = served(start=(9, 0), end=end)
    with app.app_context():
        flags = ledger.flags(entry_of(session_id), now=local(18))
        assert ("below_minimum" in flags) is (credited == 0)
    error, entry = decide(app, site.lead, session_id)
    assert error is None
    assert (entry.state, entry.credited_minutes) == ("approved", credited)


def test_without_a_minimum_the_same_session_is_credited(app, site, served):  # noqa: F811
    error, entry = decide(app, site.lead, served(start=(9, 0), end=(11, 23)))
    assert entry.credited_minutes == rules.CreditRule(version="t").credit(143) == 150


def test_a_correction_below_the_minimum_credits_nothing(app, world, site, served):  # noqa: F811
    set_minimum(app, site.project_id, 240, 60)
    _, entry = decide(app, site.lead, served(start=(9, 0), end=(13, 0)))
    with app.app_context():
        admin = db.session.get(User, world.city_admin.id)
        correction = ledger.correct(admin, db.session.merge(entry), 100, "实际只服务 100 分钟", now=local(19))
        db.session.commit()
        assert correction.credited_minutes == 0
        assert ledger.totals_of(world.a_volunteer.id)["approved_minutes"] == 0
        assert ledger.verify() == []


@pytest.mark.parametrize("staff_of, counted", [(None, 1), ("LX-A", 1), ("LX-B", 2)])
def test_a_lead_who_is_also_staff_counts_each_waiting_entry_once(app, world, site, served, staff_of,  # noqa: F811
                                                               counted):
    """The lead's station's entry, and a manual entry of town B: a lead who manages town A's
    projects sees the first once (their station's and their scope's); one who manages town B's
    sees both."""
    served()
    with app.app_context():
        b_project = projects_services.create_project(db.session.get(User, world.b_manager.id), get_by_code("LX-B"), {
            "title": "乙镇助学", "category": "education", "starts_on": date(2027, 1, 1)}, now=utcnow())
        db.session.flush()
        b_project.state = "running"
        ledger.record_manual(db.session.get(User, world.b_admin.id), b_project,
                             db.session.get(Volunteer, world.b_volunteer.id),
                             {"minutes": 60, "served_on": DAY, "reason": "活动未扫码"}, now=local(19))
        lead = db.session.get(User, site.lead.user_id)
        if staff_of:
            db.session.add(Membership(user_id=lead.id, organisation_id=get_by_code(staff_of).id, role="manager"))
        db.session.commit()
        lead = db.session.get(User, site.lead.user_id)
        assert ledger.waiting_counts(lead, now=local(12, day=DAY + timedelta(days=15))) == {
            "pending": counted, "overdue": counted}
        assert ledger.verify() == []


def test_verify_finds_a_count_of_what_waits_that_drifted(app, site, served):  # noqa: F811
    served()
    with app.app_context():
        db.session.execute(sa.update(PendingDay).values(entries=PendingDay.entries + 1))
        db.session.commit()
        problems = ledger.verify()
        assert len(problems) == 1 and "kept 2 entries" in problems[0] and "entries say 1/" in problems[0]


def test_a_manual_entry_is_measured_against_its_activity(app, world, site):
    set_minimum(app, site.project_id, None, 60)  # no shift: the activity's length is the measure
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        project = db.session.get(Project, site.project_id)
        volunteer = db.session.get(Volunteer, world.a_volunteer.id)
        short = ledger.record_manual(manager, project, volunteer, {
            "minutes": 59, "activity_minutes": 100, "served_on": DAY, "reason": "未带手机"}, now=local(20))
        enough = ledger.record_manual(manager, project, volunteer, {
            "minutes": 60, "activity_minutes": 100, "served_on": DAY - timedelta(days=1), "reason": "未带手机"},
            now=local(20))
        db.session.commit()
        admin = db.session.get(User, world.city_admin.id)
        assert ledger.decide(admin, short, "approve", now=local(21)).credited_minutes == 0
        assert ledger.decide(admin, enough, "approve", now=local(21)).credited_minutes == 60


def test_the_project_form_asks_for_the_shift_with_a_minimum(app, world, signed_in):
    manager = signed_in(world.a_manager)
    form = manager.get("/projects/new").get_data(as_text=True)
    data = {"csrf_token": csrf_from(form), "organisation_code": "LX-A", "title": "周末义诊", "category": "elderly",
            "min_attendance_percent": "60"}
    refused = manager.client.post("/projects/new", data=data).get_data(as_text=True)
    assert "设置最低出勤比例时请填写班次时长" in refused
    assert "须为 1 至 100 之间的整数" in manager.client.post(
        "/projects/new", data={**data, "min_attendance_percent": "150", "shift_minutes": "240"}).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Project).where(Project.title == "周末义诊")) == 0
    created = manager.client.post("/projects/new", data={**data, "shift_minutes": "240"}, follow_redirects=True)
    assert "须达到 240 分钟班次的 60% 方可计入时长" in created.get_data(as_text=True)


def test_the_database_keeps_the_percentage_in_range(app, site):
    with app.app_context():
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.update(Project).values(min_attendance_percent=0))
        db.session.rollback()


def test_the_overdue_cutoff_agrees_with_counting_working_days(app):
    with app.app_context():
        for offset in range(60):
            today = date(2027, 1, 1) + timedelta(days=offset)
            cutoff = ledger.overdue_cutoff(now=local(12, day=today))
            assert rules.working_days_between(cutoff, today) > ledger.OVERDUE_WORKING_DAYS
            assert rules.working_days_between(cutoff + timedelta(days=1), today) <= ledger.OVERDUE_WORKING_DAYS


@pytest.mark.parametrize("who, counted", [("lead", True), ("a_admin", True), ("city_admin", True),
                                          ("b_admin", False)])
def test_overdue_entries_reach_the_lead_and_the_organisations_above(app, world, site, served, signed_in,  # noqa: F811
                                                                    who, counted):
    served()  # on DAY, a Monday
    person = site.lead if who == "lead" else getattr(world, who)
    with app.app_context():
        user = db.session.get(User, getattr(person, "user_id", None) or person.id)
        assert ledger.waiting_counts(user, now=local(12, day=DAY + timedelta(days=14))) == (
            {"pending": 1, "overdue": 0} if counted else {"pending": 0, "overdue": 0})
        assert ledger.waiting_counts(user, now=local(12, day=DAY + timedelta(days=15))) == (
            {"pending": 1, "overdue": 1} if counted else {"pending": 0, "overdue": 0})
    # the home page counts with today's date: a manual entry of a month ago is overdue now
    with app.app_context():
        project = db.session.get(Project, site.project_id)
        project.starts_on = date.today() - timedelta(days=60)
        ledger.record_manual(db.session.get(User, world.city_admin.id), project,
                             db.session.get(Volunteer, world.a_volunteer.id),
                             {"minutes": 60, "served_on": date.today() - timedelta(days=30), "reason": "补录"}, now=utcnow())
        db.session.commit()
    home = signed_in(person).get("/").get_data(as_text=True)
    if who == "lead":  # a manual entry has no station: it is the project staff's
        assert '1 条记录待审核' in home and 'data-testid="overdue"' not in home
    else:
        assert ('2 条记录待审核' in home) is counted
        assert ('1 条已超过 10 个工作日' in home) is counted


def test_the_volunteer_sees_who_decided(app, world, site, served, signed_in):  # noqa: F811
    decide(app, site.lead, served())
    mine = signed_in(world.a_volunteer).get("/ledger/mine").get_data(as_text=True)
    assert 'data-testid="decided-by"' in mine and "审核人 赵站长" in mine
    assert "09:00–11:30" in mine


def test_the_api_sets_and_shows_the_minimum(client, world, api_token):
    headers = {"Authorization": f"Bearer {api_token(world.a_manager)}"}
    body = {"title": "周末义诊", "organisation_code": "LX-A", "category": "elderly", "min_attendance_percent": 60}
    refused = client.post("/api/v1/projects", json=body, headers=headers)
    assert refused.status_code == 422 and "shift_minutes" in refused.json["error"]["fields"]
    created = client.post("/api/v1/projects", json={**body, "shift_minutes": 240}, headers=headers)
    assert created.status_code == 201
    assert (created.json["shift_minutes"], created.json["min_attendance_percent"]) == (240, 60)


def test_the_projects_figures_come_from_the_ledger(app, world, site, served, signed_in):  # noqa: F811
    first = served()                                                     # 2 h 30, approved
    decide(app, site.lead, first)
    decide(app, site.lead, served(person=world.b_volunteer), "reject", reason="未到岗")
    _, third = decide(app, site.lead, served(start=(13, 0), end=(15, 0)))  # 2 h, then corrected to 1 h 30
    with app.app_context():
        admin = db.session.get(User, world.city_admin.id)
        ledger.correct(admin, db.session.merge(third), 90, "核减", now=local(19))
        db.session.commit()
        from volunteer.projects.services import computed_figures
        project = db.session.get(Project, site.project_id)
        figures = computed_figures(project)
        project.state = "evaluating"  # the figures are shown from here on
        db.session.commit()
    # two sessions of one volunteer on one day are one person-time, as on every dashboard
    assert figures == {"volunteers": 1, "person_times": 1, "approved_hours": 4.0, "sessions": 3,
                       "stations_used": 1}
    page = signed_in(world.a_manager).get(f"/projects/{site.project_id}").get_data(as_text=True)
    assert "<dd>4.0</dd>" in page


def test_nobody_credits_more_than_was_recorded_nor_corrects_their_own_manual_entry(app, world, site, served):  # noqa: F811,E501
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        admin = db.session.get(User, world.a_admin.id)
        city = db.session.get(User, world.city_admin.id)
        manual = ledger.record_manual(manager, db.session.get(Project, site.project_id),
                                      db.session.get(Volunteer, world.a_volunteer.id), {
                                          "minutes": 60, "activity_minutes": 60, "served_on": DAY,
                                          "reason": "未扫码"}, now=local(20))
        db.session.commit()
        with pytest.raises(ValidationFailed) as raised:
            ledger.decide(admin, manual, "approve", minutes=400, reason="多记", now=local(21))
        assert "minutes" in raised.value.fields
        db.session.rollback()
        ledger.decide(admin, manual, "approve", now=local(21))
        db.session.commit()
        correction = ledger.correct(city, manual, 30, "核减", now=local(22))
        db.session.commit()
        for entry in (manual, correction):  # the author, anywhere along the chain
            with pytest.raises(DomainError) as raised:
                ledger.correct(manager, entry, 60, "改回", now=local(23))
            assert raised.value.code == "own_hours"
            db.session.rollback()
    # a session's entry: at most its span from check-in to check-out, also for the lead approving
    error, entry = decide(app, site.lead, served(start=(9, 0), end=(10, 0)), minutes=61, reason="多记")
    assert error == "validation_failed" and entry.state == "pending"


def test_public_holidays_are_not_working_days_for_the_overdue_flag(app, site, served):  # noqa: F811
    served()  # Monday 15 March; ten working days later is Monday 29 March
    monday = local(12, day=DAY + timedelta(days=15))  # the 30th: overdue in an ordinary fortnight
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry))
        assert "overdue" in ledger.flags(entry, now=monday)
        app.config["LEDGER_HOLIDAYS"] = (DAY + timedelta(days=3),)  # Thursday the 18th off
        try:
            assert "overdue" not in ledger.flags(entry, now=monday)
        finally:
            app.config["LEDGER_HOLIDAYS"] = ()
