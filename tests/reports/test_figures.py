"""Every figure the dashboards read from the rollups equals the same figure computed from the
entries, for several organisations and periods, with corrections, a session across midnight and
the year before."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD
from volunteer.accounts.models import User
from volunteer.accounts.services import close_account, register_volunteer
from volunteer.core.time import DEFAULT_ZONE, local_date, utcnow
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.services import get_by_code
from volunteer.projects.models import Project
from volunteer.reports import direct, figures, tables
from volunteer.reports.figures import OwnOnly, Period
from volunteer.reports.headline import headline
from volunteer.reports.models import ProjectDay
from volunteer.reports.vocabulary import ADDITIVE, Figure

REGISTERED = Figure.REGISTERED_VOLUNTEERS.value
SCOPES = ["LX", "LX-A", "LX-B", "LX-A-1", "LX-B-1"]
PERIODS = [
    Period(date(2027, 1, 1), date(2027, 12, 31)),   # a year
    Period(date(2027, 3, 1), date(2027, 3, 31)),    # a month
    Period(date(2027, 3, 16), date(2027, 4, 10)),   # cut months on both sides
    Period(date(2027, 3, 31), date(2027, 3, 31)),   # the day a session crossed midnight
    Period(date(2026, 1, 1), date(2027, 6, 1)),     # across a year's end
    Period(date(2026, 1, 1), date(2027, 1, 31)),    # from a January into the next year
    Period(date(2027, 1, 1), date(2027, 4, 10)),    # a year to a day: whole months, then days
    Period(date(2027, 1, 1), date(2027, 1, 15)),    # a year's first days
    Period(date(2027, 4, 1), date(2027, 4, 20), open_end=True),  # this month to date
    Period(date(2027, 1, 1), date(2027, 5, 20), open_end=True),  # this year to date
]
DIRECT_KEYS = ("active_volunteers", "person_times", "approved_hours", "checkin_hours", "manual_hours",
               "stations_active")


def _pending_hours(org) -> float:
    minutes = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.minutes), 0))
                                .join(Project, Project.id == LedgerEntry.project_id)
                                .where(LedgerEntry.state == "pending",
                                       Project.organisation_id.in_(org.subtree_ids())))
    return figures.hours(minutes)


def test_every_headline_figure_equals_the_entries(app, served):
    with app.app_context():
        seen_some = 0
        for code in SCOPES:
            org = get_by_code(code)
            for period in PERIODS:
                for p in (period, period.year_before()):
                    shown = headline(org, p)
                    expected = direct.headline(org, p)
                    assert {k: shown[k] for k in DIRECT_KEYS} == expected, (code, p)
                    assert shown["pending_hours"] == _pending_hours(org)
                    seen_some += bool(expected["approved_hours"])
        assert seen_some > 20  # the comparison is not between zeros


def test_figures_a_person_would_count_by_hand(app, served):
    """Town A, March 2027: a's 2 h + 1 h on the 15th (one person-time), b's 0.5 h, a's 1 h corrected
    to 0.5 h on the 16th, c's 0.75 h corrected to nothing on the 17th."""
    with app.app_context():
        march = headline(get_by_code("LX-A"), Period(date(2027, 3, 1), date(2027, 3, 31)))
        assert march["approved_hours"] == 4.0 and march["checkin_hours"] == 4.0 and march["manual_hours"] == 0
        assert march["person_times"] == 3 and march["active_volunteers"] == 2
        assert march["stations_active"] == 1
        april = headline(get_by_code("LX-A"), Period(date(2027, 4, 1), date(2027, 4, 30)))
        # c's 1.5 h and the rejected entry corrected up to 1 h: manual; a's 0.75 h still pending
        assert april["manual_hours"] == 2.5 and april["checkin_hours"] == 0 and april["person_times"] == 2
        assert april["active_volunteers"] == 1
        assert april["pending_hours"] == pytest.approx(0.8)  # 45 minutes, to one decimal


def test_a_session_across_midnight_counts_on_the_day_it_began(app, served):
    with app.app_context():
        b = get_by_code("LX-B")
        assert headline(b, Period(date(2027, 3, 31), date(2027, 3, 31)))["checkin_hours"] == 2.0
        assert headline(b, Period(date(2027, 4, 1), date(2027, 4, 1)))["checkin_hours"] == 0
        months = {row["month"]: row for row in tables.by_month(b, Period(date(2027, 3, 1), date(2027, 4, 30)))}
        assert months["2027-03"]["approved_hours"] == 2.0 and months["2027-04"]["approved_hours"] == 0


def test_the_year_before_is_the_same_days_a_year_earlier(app, served):
    with app.app_context():
        period = Period(date(2027, 3, 1), date(2027, 5, 31))
        assert period.year_before() == Period(date(2026, 3, 1), date(2026, 5, 31))
        before = headline(get_by_code("LX"), period.year_before())
        # a's 3 h and b's 1 h of tutoring, b's 0.5 h of patrol, all recorded by hand
        assert before["approved_hours"] == 4.5 and before["manual_hours"] == 4.5
        assert before["active_volunteers"] == 2 and before["person_times"] == 3
        assert Period(date(2028, 2, 29), date(2028, 2, 29)).year_before() == Period(date(2027, 2, 28),
                                                                                   date(2027, 2, 28))


def test_child_rows_sum_to_the_parent_for_additive_figures(app, served):
    with app.app_context():
        for code, period in [("LX", PERIODS[0]), ("LX", PERIODS[4]), ("LX-A", PERIODS[0]), ("LX-B", PERIODS[2])]:
            org = get_by_code(code)
            parent, rows = headline(org, period), tables.child_rows(org, period)
            own = tables.own_row(org, period)
            # the parent's own row is what its own projects and stations hold, as the entries say
            expected = direct.headline(OwnOnly(org), period)
            assert {k: own[k] for k in DIRECT_KEYS} == expected, code
            for figure in ADDITIVE:
                key = figure.value.replace("_hours", "_minutes")  # hours are summed as minutes
                total = sum(row[key] for row in rows) + own[key]
                assert total == pytest.approx(parent[key]), (code, key)
        # distinct volunteers do not add up: a served in both towns in 2027
        city = headline(get_by_code("LX"), PERIODS[0])
        rows = tables.child_rows(get_by_code("LX"), PERIODS[0])
        assert sum(row["active_volunteers"] for row in rows) > city["active_volunteers"]
        assert Figure.ACTIVE_VOLUNTEERS not in ADDITIVE and Figure.COVERAGE not in ADDITIVE


def test_tables_equal_the_entries(app, served):
    with app.app_context():
        org, period = get_by_code("LX"), Period(date(2026, 1, 1), date(2027, 12, 31))
        for row in tables.by_month(org, period):
            first = date.fromisoformat(row["month"] + "-01")
            month = period.part_of(first)
            expected = direct.headline(org, month)
            assert (row["approved_hours"], row["person_times"], row["active_volunteers"]) == (
                expected["approved_hours"], expected["person_times"], expected["active_volunteers"]), row
        by_category = {row["category"]: row["approved_hours"] for row in tables.by_category(org, period)}
        assert by_category == direct.hours_by_category(org, period)
        assert sum(by_category.values()) == pytest.approx(headline(org, period)["approved_hours"])
        home = {row["organisation"].code: row["approved_hours"] for row in tables.by_home(org, period)}
        assert home == direct.hours_by_home(org, period)
        # a of town A served 1 h of town B's patrol: town B's projects hold it, town A's volunteers did it
        may = Period(date(2027, 5, 1), date(2027, 5, 31))
        assert {r["organisation"].code: r["approved_hours"] for r in tables.by_home(org, may)} == {
            "LX-A": 1.0, "LX-B": 0}
        assert {r["organisation"].code: r["approved_hours"] for r in tables.child_rows(org, may)} == {
            "LX-A": 0, "LX-B": 1.0}


def test_coverage_counts_villages_with_an_active_station(app, served):
    with app.app_context():
        city = get_by_code("LX")
        # both villages' stations had closed sessions in 2027, none in 2026
        assert figures.coverage(city, PERIODS[0]) == (2, 2)
        assert headline(city, PERIODS[0])["coverage"] == 1.0
        assert figures.coverage(city, Period(date(2027, 3, 31), date(2027, 3, 31))) == (1, 2)
        assert figures.coverage(city, Period(date(2026, 1, 1), date(2026, 12, 31))) == (0, 2)
        assert figures.coverage(get_by_code("LX-A-1"), PERIODS[0]) == (1, 1)


def test_registered_volunteers_by_the_period_end(app, served, factory):
    """Town A: 王小明, 赵站长 and 张小华; town B: 李小红 and 孙站长, all registered today."""
    today = local_date(utcnow(), DEFAULT_ZONE)  # registration days are the league's local days
    until_today, until_yesterday = Period(date(2026, 1, 1), today), Period(date(2026, 1, 1), today.replace(day=1))
    with app.app_context():
        assert figures.registered_volunteers(get_by_code("LX-A"), until_today) == 3
        assert figures.registered_volunteers(get_by_code("LX"), until_today) == 5
    factory.volunteer("LX-B-1", name="周小新")
    with app.app_context():
        assert figures.registered_volunteers(get_by_code("LX-B"), until_today) == 3
        if today.day > 1:
            assert figures.registered_volunteers(get_by_code("LX"), until_yesterday) == 0


def test_registered_volunteers_are_kept_by_day_as_profiles_register_and_close(app, served, factory):
    """The dashboards read registrations from their daily counts: a new profile counts from its
    local day (one registered at 23:30 UTC is the next day in China), a closed one never again,
    and ``verify`` agrees after both."""
    today = local_date(utcnow(), DEFAULT_ZONE)
    whole = Period(date(2026, 1, 1), today)
    late = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)  # 1 July, 07:30 in China
    with app.app_context():
        register_volunteer(factory.volunteer_data("LX-B-1", name="周晚到"), now=late)
        db.session.commit()
        assert headline(get_by_code("LX"), Period(date(2026, 1, 1), date(2026, 6, 30)))[REGISTERED] == 0
        assert headline(get_by_code("LX"), Period(date(2026, 1, 1), date(2026, 7, 1)))[REGISTERED] == 1
        assert headline(get_by_code("LX-B"), whole)[REGISTERED] == 3
        assert headline(get_by_code("LX"), whole)[REGISTERED] == 6
        user = db.session.scalar(sa.select(User).where(User.display_name == "王小明"))
        close_account(user, password=PASSWORD, now=utcnow())
        db.session.commit()
        for code in SCOPES:  # the kept counts and the profiles say the same, in every subtree
            organisation = get_by_code(code)
            assert headline(organisation, whole)[REGISTERED] == figures.registered_volunteers(organisation, whole)
        assert headline(get_by_code("LX-A"), whole)[REGISTERED] == 2
        assert headline(get_by_code("LX"), whole)[REGISTERED] == 5
        assert direct.verify() == []


def test_the_rollups_agree_with_the_entries_and_verify_sees_a_change(app, served):
    with app.app_context():
        assert direct.verify() == []
        row = db.session.scalars(sa.select(ProjectDay).limit(1)).one()
        row.manual_minutes += 7
        db.session.commit()
        problems = direct.verify()
        # the row as stored, and the row as the entries say it should be
        assert len(problems) == 2 and all(p.startswith("report_project_days") for p in problems)
        assert "manual_minutes=7" in " ".join(problems)
        direct.rebuild()
        db.session.commit()
        assert direct.verify() == []


def test_star_levels_follow_each_volunteer_across_a_threshold(app, world, site, factory, monkeypatch):
    """With thresholds of 1 h and 3 h: 王小明 reaches two stars, 李小红 one, and a correction takes
    李小红's star away again."""
    from tests.reports.conftest import Service
    monkeypatch.setitem(app.config, "STAR_THRESHOLDS_HOURS", (1, 3))
    with app.app_context():
        direct.rebuild()  # as after any change of the thresholds
        db.session.commit()
        s = Service(world)
        s.manual(world.a_manager, site.project_id, world.a_volunteer, date(2027, 3, 1), 120, decide_by=world.city_admin)
        s.manual(world.a_manager, site.project_id, world.a_volunteer, date(2027, 3, 2), 90, decide_by=world.city_admin)
        hers = s.manual(world.a_manager, site.project_id, world.b_volunteer, date(2027, 3, 2), 60,
                        decide_by=world.city_admin)
        assert tables.star_levels(get_by_code("LX")) == {1: 1, 2: 1}
        assert tables.star_levels(get_by_code("LX-B")) == {1: 1, 2: 0}  # her home, wherever she served
        assert direct.verify() == []
        s.correct(hers, 30)
        assert tables.star_levels(get_by_code("LX")) == {1: 0, 2: 1} and direct.verify() == []


def test_volunteers_below_the_yearly_expectation(app, served, monkeypatch):
    """With 2 h expected in 2027: 王小明 (4.5 h), 李小红 (2.5 h) and 张小华 (2.5 h) reach it; the two
    station leads, who served nothing, do not. The count of those who reached it is kept, so a
    changed setting needs a rebuild, which verify says."""
    monkeypatch.setitem(app.config, "YEARLY_EXPECTED_HOURS", 2)
    with app.app_context():
        city, year = get_by_code("LX"), Period(date(2027, 1, 1), date(2027, 12, 31))
        assert any(p.startswith("report_reached_days") for p in direct.verify())
        direct.rebuild()
        assert tables.below_expectation(city, year, registered=5) == {"expected_hours": 2, "below": 2,
                                                                       "registered": 5}
        monkeypatch.setitem(app.config, "YEARLY_EXPECTED_HOURS", 3)
        direct.rebuild()
        assert tables.below_expectation(city, year, registered=5)["below"] == 4
        assert direct.verify() == []


def test_who_reached_the_expectation_follows_approvals_corrections_and_closing(app, world, site, monkeypatch):
    """With 2 h expected: 李小红 reaches it with a second approved entry, drops below it with a
    correction, reaches it again, and no longer counts once her profile is closed."""
    from tests.reports.conftest import Service
    monkeypatch.setitem(app.config, "YEARLY_EXPECTED_HOURS", 2)
    year = Period(date(2027, 1, 1), date(2027, 12, 31))

    def below(code):
        organisation = get_by_code(code)
        registered = headline(organisation, year)[REGISTERED]
        return tables.below_expectation(organisation, year, registered)["below"]

    with app.app_context():
        direct.rebuild()  # as after any change of the expectation
        db.session.commit()
        s = Service(world)
        base = {code: below(code) for code in ("LX", "LX-A", "LX-B")}  # nobody has served yet
        assert base["LX"] == headline(get_by_code("LX"), year)[REGISTERED] > 0
        s.manual(world.a_manager, site.project_id, world.b_volunteer, date(2027, 3, 1), 60, decide_by=world.city_admin)
        assert below("LX") == base["LX"]
        second = s.manual(world.a_manager, site.project_id, world.b_volunteer, date(2027, 3, 2), 90,
                          decide_by=world.city_admin)
        # counted at her home, wherever she served
        assert (below("LX"), below("LX-B"), below("LX-A")) == (base["LX"] - 1, base["LX-B"] - 1, base["LX-A"])
        corrected = s.correct(second, 30)
        assert below("LX") == base["LX"] and direct.verify() == []
        s.correct(corrected, 60)
        assert below("LX") == base["LX"] - 1
        user = db.session.scalar(sa.select(User).where(User.display_name == "李小红"))
        close_account(user, password=PASSWORD, now=utcnow())
        db.session.commit()
        assert below("LX-B") == base["LX-B"] - 1  # one registered fewer, and none who reached it
        assert direct.verify() == []


def test_a_changed_setting_stops_nobody_and_says_a_rebuild_is_due(app, world, site, signed_in, monkeypatch):
    """The kept star levels and expectation counts follow the settings they were counted with.
    Changed without a rebuild, approvals and closing a profile still work (no counter goes
    below zero), the dashboard and verify say a rebuild is due, and a rebuild puts it right."""
    from tests.reports.conftest import Service
    with app.app_context():
        s = Service(world)
        entry_id = s.manual(world.a_manager, site.project_id, world.b_volunteer, date(2027, 3, 1), 90,
                            decide_by=world.city_admin).id
    monkeypatch.setitem(app.config, "YEARLY_EXPECTED_HOURS", 1)
    monkeypatch.setitem(app.config, "STAR_THRESHOLDS_HOURS", (1, 2))
    with app.app_context():
        s.correct(db.session.get(LedgerEntry, entry_id), 30)  # below both new lines, which nothing had counted her above
        assert any("reports rebuild" in problem for problem in direct.verify())
    page = signed_in(world.city_admin).get("/reports/", query_string={"organisation": "LX"}).get_data(as_text=True)
    assert 'data-testid="settings-changed"' in page
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.display_name == "李小红"))
        close_account(user, password=PASSWORD, now=utcnow())
        db.session.commit()
        direct.rebuild()
        db.session.commit()
        assert direct.verify() == []
    page = signed_in(world.city_admin).get("/reports/", query_string={"organisation": "LX"}).get_data(as_text=True)
    assert 'data-testid="settings-changed"' not in page
