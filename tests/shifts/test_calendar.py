"""A volunteer's calendar feed holds their confirmed shifts at the station's time, with its
place, note and page; not a place they wait for, nor a cancelled shift, nor another's shift."""
from __future__ import annotations

from datetime import timedelta

from tests.accounts.test_calendar_feed import fetch, make_link
from tests.shifts.conftest import NOW, signed_up
from volunteer.accounts.models import User
from volunteer.extensions import db
from volunteer.shifts import services as shifts
from volunteer.shifts.models import Shift
from volunteer.shifts.vocabulary import SignupState


def test_the_feed_holds_confirmed_shifts_only(app, client, world, plan, factory, signed_in):
    mine = plan(starts_in=48, hours=4)
    full, called_off = plan(starts_in=72, hours=2, capacity=1), plan(starts_in=96, hours=2)
    others = plan(starts_in=120, hours=2)
    me, someone = world.a_volunteer, factory.volunteer("LX-A-1")
    place = signed_up(app, me, mine)
    signed_up(app, someone, full)
    assert signed_up(app, me, full).state == SignupState.WAITING
    signed_up(app, me, called_off)
    signed_up(app, someone, others)
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        shifts.cancel_shift(manager, db.session.get(Shift, called_off), "暴雨停课", now=NOW)
        db.session.commit()
        shift = db.session.get(Shift, mine)
        station, zone = shift.station.name, shift.zone.key
        shift.note = "请提前 10 分钟到岗"
        db.session.commit()
    calendar = fetch(client, make_link(signed_in(me)))
    shift_events = [e for e in calendar.events if str(e["UID"]).startswith("shift-")]
    assert [str(e["UID"]) for e in shift_events] == [f"shift-signup-{place.id}@localhost"]
    event = shift_events[0]
    assert event.start == NOW + timedelta(hours=48) and event.end == NOW + timedelta(hours=52)
    assert event.start.tzinfo.key == zone and f"DTSTART;TZID={zone}:" in calendar.to_ical().decode()
    assert str(event["SUMMARY"]).endswith("：助老陪护") and station in str(event["LOCATION"])
    assert "请提前 10 分钟到岗" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://localhost/shifts/{mine}"
