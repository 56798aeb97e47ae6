"""Practice programmes' use cases: a league admin sets one up for their organisation (season,
application window, practice period, the organisations whose units may offer posts, its rules)
and moves it through its lifecycle; each change is in the event log. The caller commits."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import FieldErrors, NotFound
from volunteer.core.time import day_from
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.practice import lifecycle
from volunteer.practice.models import Programme
from volunteer.practice.services import sites
from volunteer.practice.vocabulary import ProgrammeEvent, ProgrammeState, Season
from volunteer.projects.errors import InvalidTransition

NAME_LENGTH, RULES_LENGTH = 120, 5000


def _day(errors: FieldErrors, field: str, value) -> date | None:
    return day_from(errors, field, value, _l("Please give a date such as 2027-07-01."))


def _areas(errors: FieldErrors, organisation: Organisation, codes) -> list[Organisation]:
    """The organisations whose units may offer posts: within the programme's own subtree (itself
    when none is named)."""
    codes = [str(c).strip() for c in (codes or []) if str(c).strip()]
    if not codes:
        return [organisation]
    found = db.session.scalars(sa.select(Organisation).where(Organisation.code.in_(codes))).all()
    inside = [o for o in found if organisation.contains(o)]
    if len(inside) != len(set(codes)):
        errors.add("areas", _l("Choose organisations within %(organisation)s.", organisation=organisation.name))
    return inside


def create_programme(actor, organisation: Organisation, data: dict, *, now: datetime) -> Programme:
    permissions.ensure(actor, "programme.run", organisation)
    errors = FieldErrors()
    name = str(data.get("name") or "").strip()
    if not name:
        errors.add("name", _l("Please enter a name."))
    elif len(name) > NAME_LENGTH:
        errors.add("name", _l("At most %(n)s characters.", n=NAME_LENGTH))
    season = data.get("season")
    if season not in Season.values():
        errors.add("season", _l("Choose the summer or the winter holidays."))
    opens, closes = _day(errors, "applications_open_on", data.get("applications_open_on")), \
        _day(errors, "applications_close_on", data.get("applications_close_on"))
    starts, ends = _day(errors, "practice_starts_on", data.get("practice_starts_on")), \
        _day(errors, "practice_ends_on", data.get("practice_ends_on"))
    if opens and closes and closes < opens:
        errors.add("applications_close_on", _l("Applications close on or after the day they open."))
    if starts and ends and ends < starts:
        errors.add("practice_ends_on", _l("The practice ends on or after the day it starts."))
    if closes and starts and starts < closes:
        errors.add("practice_starts_on", _l("The practice starts once applications have closed."))
    rules = str(data.get("rules") or "").strip() or None
    if rules and len(rules) > RULES_LENGTH:
        errors.add("rules", _l("At most %(n)s characters.", n=RULES_LENGTH))
    areas = _areas(errors, organisation, data.get("areas"))
    errors.raise_if_any()
    programme = Programme(organisation=organisation, name=name, season=season, applications_open_on=opens,
                          applications_close_on=closes, practice_starts_on=starts, practice_ends_on=ends, rules=rules,
                          state=ProgrammeState.DRAFT, areas=areas, created_by_id=actor.id, created_at=now, updated_at=now)
    db.session.add(programme)
    db.session.flush()
    record_event(actor, ProgrammeEvent.CREATED, programme, after={"title": name, "season": season}, now=now)
    return programme


def get_programme_for(user, programme_id) -> Programme:
    """A programme its runners see (404 outside their scope)."""
    programme = get_by_id(Programme, programme_id)
    if programme is None:
        raise NotFound()
    permissions.ensure(user, "programme.run", programme)
    return programme


def programmes_of(user) -> sa.Select:
    """The programmes of the organisations within the user's scope, newest first."""
    return (sa.select(Programme).where(permissions.in_scope(user, "programme.run", Programme.organisation_id))
            .order_by(Programme.created_at.desc(), Programme.id.desc()))


def transition_programme(actor, programme: Programme, target: str, *, now: datetime) -> Programme:
    """One move of the lifecycle's table; a repeat changes nothing; two at once make one."""
    permissions.ensure(actor, "programme.run", programme)
    previous = programme.state
    if target == previous:
        return programme
    if not lifecycle.allows(previous, target):
        raise InvalidTransition(_l("A programme that is “%(state)s” cannot move to that state.",
                                   state=programme.state_label))
    moved = db.session.execute(sa.update(Programme).where(Programme.id == programme.id, Programme.state == previous)
                               .values(state=target, updated_at=now).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise InvalidTransition(_l("Someone else changed this programme just now. Please reload."))
    db.session.expire(programme)
    record_event(actor, ProgrammeEvent.TRANSITION, programme, before={"state": previous}, after={"state": target},
                 now=now)
    if target == ProgrammeState.RUNNING:
        sites.open_sites(actor, programme, now=now)
    else:
        sites.follow_programme(actor, programme, target, now=now)
    return programme
