"""Which day hours count on: a session across midnight counts on the day it began, and a station
in another time zone counts by its own calendar, for crediting and for the daily limits."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.checkin.fixtures import DAY, local
from tests.checkin.test_rules import set_station
from tests.ledger.test_decisions import decide, served  # noqa: F401 (served is a fixture)

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
