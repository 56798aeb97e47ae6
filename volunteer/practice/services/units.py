"""Host units and their posts: a league admin registers a unit under an organisation of their
subtree with its contact person, who signs in with a unit account (their own mobile number); the
contact offers the unit's posts to a programme covering its organisation, and the programme's
league admins approve or return each one. The caller commits."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts.services import account_for_phone
from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import Conflict, FieldErrors, Forbidden, NotFound, ValidationFailed
from volunteer.core.time import day_from
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.practice.errors import NotInStage, PostNotEditable
from volunteer.practice.models import HostUnit, Post, PostChoice, Programme
from volunteer.practice.services.checks import text_field
from volunteer.practice.vocabulary import (
    OPEN_CHOICES,
    POST_STAGES,
    PostChoiceState,
    PostKind,
    PostState,
    ProgrammeEvent,
    UnitKind,
)

NAME, ADDRESS, PERSON, TEXT, REASON = 120, 200, 80, 2000, 500
MAX_PLACES = 200


def register_unit(actor, organisation: Organisation, data: dict, *, now: datetime) -> HostUnit:
    """A host unit under ``organisation``; its contact's account is theirs where one signs in with
    that mobile number, else made for them (they set its password by a code sent to the phone)."""
    permissions.ensure(actor, "unit.register", organisation)
    errors = FieldErrors()
    name = text_field(errors, data, "name", NAME, required=True, message=_l("Please enter the unit's name."))
    kind = data.get("unit_kind")
    if kind not in UnitKind.values():
        errors.add("unit_kind", _l("Please choose the kind of unit."))
    address = text_field(errors, data, "address", ADDRESS, required=False)
    contact_name = text_field(errors, data, "contact_name", PERSON, required=True,
                              message=_l("Please enter the contact person's name."))
    if name and "name" not in errors and db.session.scalar(sa.select(HostUnit.id).where(
            HostUnit.organisation_id == organisation.id, HostUnit.name == name)) is not None:
        errors.add("name", _l("A unit of this name is already registered here."))
    errors.raise_if_any()  # before an account is made for the contact
    contact = account_for_phone(errors, "contact_phone", data.get("contact_phone"), contact_name, now=now)
    errors.raise_if_any()
    unit = HostUnit(organisation=organisation, name=name, unit_kind=kind, address=address, contact_name=contact_name,
                    contact_user_id=contact.id, created_by_id=actor.id, created_at=now)
    db.session.add(unit)
    flush_unique(Conflict(_l("A unit of this name is already registered here.")))
    record_event(actor, ProgrammeEvent.UNIT_REGISTERED, unit,
                 after={"title": name, "unit_kind": kind, "contact_user_id": contact.id}, now=now)
    return unit


def units_in_scope(user) -> sa.Select:
    """The host units registered within the user's subtree, by organisation and name."""
    return (sa.select(HostUnit).join(HostUnit.organisation)
            .where(permissions.in_scope(user, "unit.register", HostUnit.organisation_id))
            .order_by(Organisation.path, HostUnit.name))


def units_of_contact(user) -> list[HostUnit]:
    """The units this user signs in for."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return db.session.scalars(sa.select(HostUnit).where(HostUnit.contact_user_id == user.id)
                              .order_by(HostUnit.name)).all()


def is_unit_contact(user) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(HostUnit.contact_user_id == user.id)))


def get_unit_for(user, unit_id) -> HostUnit:
    """A unit its contact or a league admin over it sees (404 for anyone else)."""
    unit = get_by_id(HostUnit, unit_id)
    if unit is None:
        raise NotFound()
    ensure_speaks_for(user, unit)
    return unit


def ensure_speaks_for(actor, unit: HostUnit) -> None:
    """The unit's contact, or a league admin over the unit acting for it."""
    if not unit.is_contact(actor):
        permissions.ensure(actor, "unit.register", unit)


def programmes_open_to(unit: HostUnit) -> list[Programme]:
    """The programmes taking posts now whose areas cover the unit's organisation."""
    taking = db.session.scalars(sa.select(Programme).where(Programme.state.in_(POST_STAGES))
                                .order_by(Programme.applications_open_on, Programme.id)).all()
    return [programme for programme in taking if programme.covers(unit.organisation)]


def _day(errors: FieldErrors, field: str, value) -> date | None:
    return day_from(errors, field, value, _l("Please give a date such as 2027-07-01."))


def _post_fields(errors: FieldErrors, programme: Programme, data: dict) -> dict:
    fields = {"title": text_field(errors, data, "title", NAME, required=True,
                                  message=_l("Please enter the post's title.")),
              "place_of_work": text_field(errors, data, "place_of_work", ADDRESS, required=True,
                                          message=_l("Please say where the work is done.")),
              "duties": text_field(errors, data, "duties", TEXT, required=True,
                                   message=_l("Please describe the duties.")),
              "requirements": text_field(errors, data, "requirements", TEXT, required=False),
              "supervisor_name": text_field(errors, data, "supervisor_name", PERSON, required=True,
                                            message=_l("Please enter the supervisor's name.")),
              "supervisor_phone": text_field(errors, data, "supervisor_phone", 20, required=False)}
    kind = data.get("post_kind")
    if kind not in PostKind.values():
        errors.add("post_kind", _l("Please choose the kind of post."))
    fields["post_kind"] = kind
    try:
        places = int(str(data.get("places") or "").strip())
    except ValueError:
        places = 0
    if not 1 <= places <= MAX_PLACES:
        errors.add("places", _l("Between 1 and %(n)s places.", n=MAX_PLACES))
    fields["places"] = places
    starts = _day(errors, "starts_on", data.get("starts_on") or programme.practice_starts_on)
    ends = _day(errors, "ends_on", data.get("ends_on") or programme.practice_ends_on)
    if starts and not programme.practice_starts_on <= starts <= programme.practice_ends_on:
        errors.add("starts_on", _l("Within the practice period, %(first)s to %(last)s.",
                                   first=programme.practice_starts_on, last=programme.practice_ends_on))
    if ends and not programme.practice_starts_on <= ends <= programme.practice_ends_on:
        errors.add("ends_on", _l("Within the practice period, %(first)s to %(last)s.",
                                 first=programme.practice_starts_on, last=programme.practice_ends_on))
    elif starts and ends and ends < starts:
        errors.add("ends_on", _l("The post ends on or after the day it starts."))
    fields["starts_on"], fields["ends_on"] = starts, ends
    return fields


def submit_post(actor, unit: HostUnit, programme: Programme, data: dict, *, now: datetime) -> Post:
    """A post the unit offers to a programme that covers it, waiting for the league's approval."""
    ensure_speaks_for(actor, unit)
    if not programme.covers(unit.organisation):
        raise Forbidden(_l("This programme does not take posts from units of %(organisation)s.",
                           organisation=unit.organisation.name))
    if not programme.takes_posts:
        raise NotInStage(_l("“%(programme)s” takes no posts now.", programme=programme.name))
    errors = FieldErrors()
    fields = _post_fields(errors, programme, data)
    errors.raise_if_any()
    post = Post(programme=programme, unit=unit, state=PostState.SUBMITTED, filled=0, created_by_id=actor.id,
                created_at=now, updated_at=now, **fields)
    db.session.add(post)
    db.session.flush()
    record_event(actor, ProgrammeEvent.POST_SUBMITTED, post, organisation=unit.organisation,
                 after={"title": post.title, "post_kind": post.post_kind, "places": post.places}, now=now)
    return post


def edit_post(actor, post: Post, data: dict, *, now: datetime) -> Post:
    """The unit changes a post waiting or returned, which waits for the league again."""
    ensure_speaks_for(actor, post.unit)
    if not post.is_editable:
        raise PostNotEditable()
    if not post.programme.takes_posts:
        raise NotInStage(_l("“%(programme)s” takes no posts now.", programme=post.programme.name))
    errors = FieldErrors()
    fields = _post_fields(errors, post.programme, data)
    errors.raise_if_any()
    previous = post.state
    for name, value in fields.items():
        setattr(post, name, value)
    post.state, post.return_reason, post.updated_at = PostState.SUBMITTED, None, now
    db.session.flush()
    record_event(actor, ProgrammeEvent.POST_SUBMITTED, post, organisation=post.unit.organisation,
                 before={"state": previous}, after={"title": post.title, "places": post.places}, now=now)
    return post


def _move(post: Post, was: tuple[str, ...], **values) -> None:
    """Change the post only from the states it was read in: two deciding at once make one change."""
    moved = db.session.execute(sa.update(Post).where(Post.id == post.id, Post.state.in_(was))
                               .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(_l("Someone else changed this post just now. Please reload."))
    db.session.expire(post)


def decide_post(actor, post: Post, *, approve: bool, reason: str | None = None, now: datetime) -> Post:
    """The programme's league admins approve a waiting post (students see it) or return it with a
    reason (the unit changes it and submits it again)."""
    permissions.ensure(actor, "programme.run", post.programme)
    if post.state != PostState.SUBMITTED:
        raise Conflict(_l("This post is not waiting for a decision."))
    if not post.programme.takes_posts:
        raise NotInStage(_l("“%(programme)s” takes no posts now.", programme=post.programme.name))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed(fields={"reason": [_l("Please say what the unit should change.")]})
    if "\x00" in reason or len(reason) > REASON:
        raise ValidationFailed(fields={"reason": [_l("At most %(n)s characters.", n=REASON)]})
    target = PostState.APPROVED if approve else PostState.RETURNED
    _move(post, (PostState.SUBMITTED,), state=target, return_reason=None if approve else reason,
          decided_by_id=actor.id, decided_at=now, updated_at=now)
    record_event(actor, ProgrammeEvent.POST_APPROVED if approve else ProgrammeEvent.POST_RETURNED, post,
                 organisation=post.unit.organisation, before={"state": PostState.SUBMITTED},
                 after={"state": target}, note=reason or None, now=now)
    return post


def withdraw_post(actor, post: Post, *, now: datetime) -> Post:
    """The unit withdraws a post nobody has accepted; the students who chose it are told."""
    ensure_speaks_for(actor, post.unit)
    if post.state == PostState.WITHDRAWN:
        return post
    if post.filled:
        raise Conflict(_l("A student has accepted this post: it can no longer be withdrawn."))
    previous = post.state
    withdrawn = db.session.execute(sa.update(Post).where(
        Post.id == post.id, Post.state.in_((PostState.SUBMITTED, PostState.RETURNED, PostState.APPROVED)),
        Post.filled == 0).values(state=PostState.WITHDRAWN, updated_at=now).execution_options(synchronize_session=False))
    if withdrawn.rowcount != 1:  # a student accepted it meanwhile
        raise Conflict(_l("A student has accepted this post: it can no longer be withdrawn."))
    db.session.expire(post)
    withdrawn = []
    for choice in db.session.scalars(sa.select(PostChoice).where(PostChoice.post_id == post.id,
                                                                 PostChoice.state.in_(OPEN_CHOICES))
                                     .order_by(PostChoice.id)):
        choice.state, choice.updated_at = PostChoiceState.WITHDRAWN, now
        withdrawn.append(choice.id)
    db.session.flush()
    record_event(actor, ProgrammeEvent.POST_WITHDRAWN, post, organisation=post.unit.organisation,
                 before={"state": previous}, after={"state": PostState.WITHDRAWN, "withdrawn_choices": withdrawn},
                 now=now)
    return post


def posts_of_unit(unit: HostUnit) -> list[Post]:
    return db.session.scalars(sa.select(Post).where(Post.unit_id == unit.id)
                              .order_by(Post.created_at.desc(), Post.id.desc())).all()


def posts_to_decide(programme: Programme) -> sa.Select:
    """A programme's posts for its league admins, those waiting first."""
    return (sa.select(Post).where(Post.programme_id == programme.id)
            .order_by((Post.state != PostState.SUBMITTED), Post.created_at, Post.id))


def get_post_for(user, post_id) -> Post:
    """A post its unit's contact or the league admins over its unit or programme see."""
    post = get_by_id(Post, post_id)
    if post is None:
        raise NotFound()
    if not post.unit.is_contact(user) and not permissions.can(user, "programme.run", post.programme):
        permissions.ensure(user, "unit.register", post)
    return post
