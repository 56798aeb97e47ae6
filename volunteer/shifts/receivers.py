"""What shifts answer when other domains ask (core.signals): a volunteer's calendar feed holds
their confirmed shifts."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from icalendar import Event

from volunteer.core import signals
from volunteer.extensions import db
from volunteer.shifts.models import Shift, Signup
from volunteer.shifts.vocabulary import SignupState


def calendar_events(volunteer, *, base: str, host: str, now, **_extra) -> list[Event]:
    """One event per confirmed shift that is not cancelled, in its station's zone."""
    signups = db.session.scalars(
        sa.select(Signup).join(Signup.shift)
        .where(Signup.volunteer_id == volunteer.id, Signup.state == SignupState.CONFIRMED, Shift.cancelled_at.is_(None))
        .order_by(Shift.starts_at)).all()
    events = []
    for signup in signups:
        shift = signup.shift
        project, url = shift.position.project, base + url_for("shifts.detail", shift_id=shift.id)
        place = shift.station.name if shift.station else (project.place or "")
        if shift.station and shift.station.address:
            place = _("%(station)s (%(address)s)", station=shift.station.name, address=shift.station.address)
        lines = [_("Position: %(position)s", position=shift.position.title)] + ([shift.note] if shift.note else []) + [url]
        events.append(Event.new(uid=f"shift-signup-{signup.id}@{host}", stamp=now,
                                start=shift.starts_at.astimezone(shift.zone), end=shift.ends_at.astimezone(shift.zone),
                                summary=_("%(project)s: %(position)s", project=project.title, position=shift.position.title),
                                location=place or None, description="\n".join(lines), url=url))
    return events


def connect() -> None:
    signals.calendar_events_requested.connect(calendar_events)
