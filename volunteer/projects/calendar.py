"""A volunteer's calendar feed: a private link that calendar apps fetch without signing in
(accounts.models.CalendarToken), listing the positions the volunteer was accepted for, with their
times in the station's zone, the place, the contact person and the project's page, as iCalendar
(RFC 5545) written by the icalendar package.

The token is an HMAC of a random seed under a key derived from DATA_ENCRYPTION_KEY: the profile
page can show the same link again, while the database keeps only the seed and the token's SHA-256
(a copy of the database alone opens no feed). Making a new link revokes the old one.

A position without times is an all-day event over the project's dates (the volunteer did commit
to serve in it, and leaving it out would hide that); without dates either, it is left out (there is
no day to put it on). Shifts (a later issue) will add their own events beside these."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vDuration
from icalendar.enums import STATUS

from volunteer.accounts.models import CalendarToken, User, Volunteer
from volunteer.accounts.services import volunteer_of
from volunteer.accounts.vocabulary import AccountEvent
from volunteer.core import flush_unique, signals
from volunteer.core.audit import record_event
from volunteer.core.crypto import keyed_hash, token_digest
from volunteer.core.errors import Conflict, NotFound
from volunteer.extensions import db
from volunteer.projects.models import Application, Position, Project
from volunteer.projects.vocabulary import ProjectState

PURPOSE = b"calendar-feed"  # the HKDF purpose of the key the tokens are made with
PRODID = "-//Volunteer Service//Calendar feed//ZH"
# Calendar apps fetch the feed again about this often (those that read REFRESH-INTERVAL).
REFRESH = timedelta(hours=1)
# A token is 64 hex characters; anything much longer is not worth a lookup.
LONGEST_TOKEN = 128


class CalendarLinkRace(Conflict):
    """Another request made a new link for the same volunteer at the same moment."""

    code = "calendar_link_race"


# --- the link -------------------------------------------------------------------------------------

def _token(row: CalendarToken) -> str:
    return keyed_hash(row.seed, PURPOSE)


def _live_row(volunteer: Volunteer) -> CalendarToken | None:
    return db.session.scalar(sa.select(CalendarToken).where(CalendarToken.volunteer_id == volunteer.id,
                                                            CalendarToken.revoked_at.is_(None)))


def calendar_token_of(volunteer: Volunteer) -> str | None:
    """The token of the volunteer's live link, or None: none made yet, or made under another key
    (it would not open, so the page offers a new one rather than show a dead link)."""
    row = _live_row(volunteer)
    if row is None:
        return None
    token = _token(row)
    return token if token_digest(token) == row.digest else None


def make_calendar_link(actor: User, *, now: datetime) -> str:
    """A new link to the actor's own calendar (their first, or one replacing the old, which stops
    working at once); its token."""
    volunteer = volunteer_of(actor)
    db.session.execute(
        sa.update(CalendarToken).where(CalendarToken.volunteer_id == volunteer.id, CalendarToken.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))
    row = CalendarToken(volunteer_id=volunteer.id, seed=secrets.token_hex(16), created_at=now)
    token = _token(row)
    row.digest = token_digest(token)
    db.session.add(row)
    flush_unique(CalendarLinkRace())
    record_event(actor, AccountEvent.CALENDAR_LINK_MADE, actor, organisation=volunteer.organisation, now=now)
    return token


def _base(base_url: str) -> str:
    """PUBLIC_URL where it is set, else the address the request was made at."""
    return (current_app.config.get("PUBLIC_URL") or base_url).rstrip("/")


def feed_url(token: str, *, base_url: str) -> str:
    return _base(base_url) + url_for("calendar.feed", token=token)


def webcal_url(url: str) -> str:
    """The same address for "add to calendar": webcal:// makes phones and desktops subscribe."""
    return "webcal://" + url.split("://", 1)[-1]


# --- the feed -------------------------------------------------------------------------------------

def _owner_of(token: str) -> Volunteer:
    if not token or len(token) > LONGEST_TOKEN:
        raise NotFound()
    row = db.session.scalar(sa.select(CalendarToken).where(CalendarToken.digest == token_digest(token),
                                                           CalendarToken.revoked_at.is_(None)))
    volunteer = row.volunteer if row is not None else None
    if volunteer is None or not volunteer.is_active or volunteer.user is None or not volunteer.user.is_active:
        raise NotFound()
    return volunteer


def _accepted(volunteer: Volunteer) -> list[Application]:
    """The volunteer's accepted applications, but not in a cancelled project (it will not happen)."""
    return db.session.scalars(
        sa.select(Application).join(Application.position).join(Position.project)
        .where(Application.volunteer_id == volunteer.id, Application.is_accepted,
               Project.state != ProjectState.CANCELLED)
        .options(sa.orm.contains_eager(Application.position).contains_eager(Position.project)
                 .selectinload(Project.stations))
        .order_by(Application.id)).all()


def _when(position: Position, project: Project) -> dict | None:
    """The event's start and end: the position's times in the project's zone (its stations'), else
    the project's dates as whole days (DTEND is the day after the last, RFC 5545), else None."""
    if position.starts_at is not None:
        zone = project.zone
        times = {"start": position.starts_at.astimezone(zone)}
        if position.ends_at is not None:
            times["end"] = position.ends_at.astimezone(zone)
        return times
    if project.starts_on is None:
        return None
    return {"start": project.starts_on, "end": (project.ends_on or project.starts_on) + timedelta(days=1)}


def _location(project: Project) -> str:
    parts = [project.place] if project.place else []
    for station in project.stations:
        parts.append(_("%(station)s (%(address)s)", station=station.name, address=station.address)
                     if station.address else station.name)
    return " · ".join(parts)


def _description(position: Position, project: Project, url: str) -> str:
    lines = [_("Position: %(position)s", position=position.title)]
    if project.contact_name or project.contact_phone:
        contact = " ".join(part for part in (project.contact_name, project.contact_phone) if part)
        lines.append(_("Contact: %(contact)s", contact=contact))
    if position.requirements:
        lines.append(_("Requirements: %(text)s", text=position.requirements))
    lines.append(url)
    return "\n".join(lines)


def _event(application: Application, *, base: str, host: str, now: datetime) -> Event | None:
    position = application.position
    project = position.project
    when = _when(position, project)
    if when is None:
        return None
    url = base + url_for("projects.detail", project_id=project.id)
    # TENTATIVE while the project is suspended: it may resume or be cancelled.
    status = STATUS.TENTATIVE if project.state == ProjectState.SUSPENDED else STATUS.CONFIRMED
    return Event.new(uid=f"application-{application.id}@{host}", stamp=now, **when,
                     summary=_("%(project)s: %(position)s", project=project.title, position=position.title),
                     location=_location(project) or None, description=_description(position, project, url),
                     url=url, status=status)


def calendar_feed(token: str, *, base_url: str, now: datetime) -> bytes:
    """The iCalendar text of the feed the token opens (NotFound for an unknown or revoked one), in
    the volunteer's language."""
    volunteer = _owner_of(token)
    base = _base(base_url)
    host = urlsplit(base).hostname or "localhost"  # in the UIDs: stable while the site's address is
    with force_locale(volunteer.user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        calendar = Calendar.new(prodid=PRODID, name=_("My volunteer service"), method="PUBLISH",
                                refresh_interval=REFRESH, uid=f"volunteer-{volunteer.id}@{host}")
        calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 requires it said
        calendar.add("x-published-ttl", vDuration(REFRESH))  # REFRESH-INTERVAL as Outlook reads it
        for application in _accepted(volunteer):
            event = _event(application, base=base, host=host, now=now)
            if event is not None:
                calendar.add_component(event)
        for _receiver, events in signals.calendar_events_requested.send(volunteer, base=base, host=host, now=now):
            for event in events:
                calendar.add_component(event)
    calendar.add_missing_timezones()  # a VTIMEZONE for each TZID the events name
    return calendar.to_ical()
