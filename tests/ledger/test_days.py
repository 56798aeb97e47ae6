"""Which day hours count on: a session across midnight counts on the day it began, and a station
in another time zone counts by its own calendar, for crediting and for the daily limits."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.checkin.fixtures import DAY, local
from tests.checkin.test_rules import set_station
from tests.ledger.test_decisions import decide, served  # noqa: F401 (served is a fixture)
from volunteer.core.time import utcnow

LONDON = ZoneInfo("Europe/London")


def sessions(scan, code, site, person, *spans):
    """Check ``person`` in and out for each (start, end) span; the session ids."""
    ids = []
    for start, end in spans:
        scan(person, code(site.station_id), start)
        out = scan(person, code(site.station_id), end)
        assert out.action == "checked_out", out
        ids.append(out.session_id)
    return ids


def test_a_session_across_midnight_is_credited_on_the_day_it_began(app, world, site, code, scan):
    set_station(app, site.station_id, opens_at=None, closes_at=None)
    night, morning = sessions(scan, code, site, world.a_volunteer,
                              (local(21), local(4, 0, day=DAY + timedelta(days=1))),          # 7 h on DAY
                              (local(9, day=DAY + timedelta(days=1)), local(13, 10, day=DAY + timedelta(days=1))))
    error, entry = decide(app, site.lead, night)
    assert error is None and (entry.served_on, entry.credited_minutes) == (DAY, 420)
    # 4 h 10 on the next day: with the night's 7 h it would be over 8 h, but that was another day
    error, entry = decide(app, site.lead, morning)
    assert error is None and (entry.served_on, entry.credited_minutes) == (DAY + timedelta(days=1), 240)


def test_a_session_across_midnight_still_counts_towards_its_own_days_limit(app, world, site, code, scan):
    set_station(app, site.station_id, opens_at=None, closes_at=None)
    day, night = sessions(scan, code, site, world.a_volunteer,
                          (local(8), local(12)),                                          # 4 h on DAY
                          (local(20), local(1, 0, day=DAY + timedelta(days=1))))          # 5 h, begun on DAY
    assert decide(app, site.lead, day)[0] is None
    error, entry = decide(app, site.lead, night)
    assert error == "needs_higher_approval" and entry.state == "pending"
    assert decide(app, world.city_admin, night)[0] is None  # the organisation above LX-A


def test_a_station_in_another_time_zone_counts_by_its_own_calendar(app, world, site, code, scan):
    set_station(app, site.station_id, timezone="Europe/London", opens_at=None, closes_at=None)
    # In Shanghai both fall on the 16th (02:00-07:30 and 08:30-11:30), 8 h 30 together; in London
    # the first is on the 15th and the second on the 16th.
    evening, early = sessions(scan, code, site, world.a_volunteer,
                              (local(18, 0, zone=LONDON), local(23, 30, zone=LONDON)),
                              (local(0, 30, day=DAY + timedelta(days=1), zone=LONDON),
                               local(3, 30, day=DAY + timedelta(days=1), zone=LONDON)))
    first = decide(app, site.lead, evening)
    second = decide(app, site.lead, early)
    assert first[0] is None and second[0] is None
    assert (first[1].served_on, first[1].credited_minutes) == (DAY, 330)
    assert (second[1].served_on, second[1].credited_minutes) == (DAY + timedelta(days=1), 180)


def test_daily_limits_at_the_rounded_boundaries_of_8_and_12_hours(app, world, factory):
    """A village project: its lead level is the village's manager, the organisation above is the
    town (LX-A), the top is the city (LX). Credits round before the limits apply: 494 minutes
    credit 8 h, 495 credit 8 h 30; 734 credit 12 h, 735 credit 12 h 30."""
    from datetime import date

    from volunteer.accounts.models import User, Volunteer
    from volunteer.core.errors import DomainError
    from volunteer.extensions import db
    from volunteer.ledger import services as ledger
    from volunteer.organisations.services import get_by_code
    from volunteer.projects import services as projects
    from volunteer.projects.models import Project

    village = factory.staff("manager", "LX-A-1", name="甲村负责人")
    author = factory.staff("manager", "LX-A-1", name="甲村录入员")
    with app.app_context():
        project = projects.create_project(db.session.get(User, village.id), get_by_code("LX-A-1"), {
            "title": "村口值守", "category": "community", "starts_on": date(2027, 1, 1)}, now=utcnow())
        db.session.flush()
        project.state = "running"
        db.session.commit()
        project_id = project.id

    later = local(20, day=DAY + timedelta(days=30))

    def approve(minutes, day, *people):
        """Record ``minutes`` on ``day``; who of ``people`` in turn may approve it (error codes)."""
        with app.app_context():
            entry = ledger.record_manual(
                db.session.get(User, author.id), db.session.get(Project, project_id),
                db.session.get(Volunteer, world.a_volunteer.id),
                {"minutes": minutes, "served_on": DAY + timedelta(days=day), "reason": "未扫码"}, now=later)
            db.session.commit()
            answers = []
            for person in people:
                try:
                    ledger.decide(db.session.get(User, person.id), entry, "approve", now=later)
                    db.session.commit()
                    answers.append(None)
                    break
                except DomainError as exc:
                    db.session.rollback()
                    answers.append(exc.code)
            return answers

    assert approve(494, 0, village) == [None]
    assert approve(495, 1, village, world.a_admin) == ["needs_higher_approval", None]
    assert approve(734, 2, village, world.a_admin) == ["needs_higher_approval", None]
    assert approve(735, 3, village, world.a_admin, world.city_admin) == ["needs_higher_approval",
                                                                         "needs_higher_approval", None]
