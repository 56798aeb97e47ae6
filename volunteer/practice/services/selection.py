"""Two-way selection (双向选择) during a programme's matching stage: a unit's contact shortlists
the students who chose its posts, books interviews and makes offers or says no; a student holds
at most one accepted offer (accepting it withdraws their other choices) and a post's places are
never exceeded, whatever runs at once; the league places the unplaced by hand. The caller commits."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts.services import volunteer_of
from volunteer.core import get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import NotFound, ValidationFailed
from volunteer.core.time import parse_moment
from volunteer.extensions import db
from volunteer.practice.errors import AlreadyPlaced, ChoiceClosed, NotInStage, PostFull
from volunteer.practice.models import HostUnit, Post, PostChoice, Programme, StudentApplication
from volunteer.practice.services import sites
from volunteer.practice.services.units import ensure_speaks_for
from volunteer.practice.vocabulary import (
    OPEN_CHOICES,
    UNIT_MOVES,
    PostChoiceState,
    PostState,
    ProgrammeEvent,
    StudentApplicationState,
)

C = PostChoiceState
PLACE = 200
UNIT_EVENTS = {C.SHORTLISTED: ProgrammeEvent.SHORTLISTED, C.INTERVIEW: ProgrammeEvent.INTERVIEW_BOOKED,
               C.OFFERED: ProgrammeEvent.OFFER_MADE, C.NOT_CHOSEN: ProgrammeEvent.NOT_CHOSEN}


def _ensure_matching(programme: Programme) -> None:
    """Read under a shared lock: the practice cannot start (and its rosters be drawn) while a
    placement is being made."""
    db.session.execute(sa.select(Programme.id).where(Programme.id == programme.id).with_for_update(read=True))
    db.session.refresh(programme)
    if not programme.is_matching:
        raise NotInStage(_l("Units and students choose each other only during two-way selection."))


def _lock_application(application_id: int) -> StudentApplication:
    """The application, read anew under a row lock: one student's steps are taken one at a time."""
    db.session.execute(sa.select(StudentApplication.id).where(StudentApplication.id == application_id)
                       .with_for_update())
    application = db.session.get(StudentApplication, application_id)
    db.session.refresh(application)
    return application


def _set_choice(choice: PostChoice, was, *, now: datetime, **values) -> None:
    moved = db.session.execute(sa.update(PostChoice).where(PostChoice.id == choice.id, PostChoice.state.in_(was))
                               .values(updated_at=now, **values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise ChoiceClosed()
    db.session.expire(choice)


def unit_decides(actor, choice: PostChoice, target: str, *, interview_at=None, interview_place: str | None = None,
                 now: datetime) -> PostChoice:
    """The unit's contact (or a league admin over the unit) moves a student's choice of its post."""
    unit = choice.post.unit
    ensure_speaks_for(actor, unit)
    _ensure_matching(choice.post.programme)
    if target not in UNIT_MOVES:
        raise ValidationFailed(fields={"target": [_l("Please choose what to do.")]})
    application = _lock_application(choice.application_id)
    if application.state != StudentApplicationState.CHOOSING:
        raise ChoiceClosed(_l("The student is placed or has withdrawn."))
    values = {"state": target}
    if target == C.INTERVIEW:
        errors = {}
        moment = parse_moment(interview_at)
        if not isinstance(moment, datetime):
            errors["interview_at"] = [_l("Please give a time such as 2027-06-15 14:00.")]
        elif moment <= now:
            errors["interview_at"] = [_l("The interview is in the future.")]
        place = (interview_place or "").strip()
        if not place or "\x00" in place or len(place) > PLACE:
            errors["interview_place"] = [_l("Please say where (or on which app) the interview is, at most %(n)s "
                                            "characters.", n=PLACE)]
        if errors:
            raise ValidationFailed(fields=errors)
        values |= {"interview_at": moment, "interview_place": place}
    previous = choice.state
    _set_choice(choice, UNIT_MOVES[target], now=now, **values)
    after = {"state": target, "post_id": choice.post_id}
    if target == C.INTERVIEW:
        after |= {"interview_at": values["interview_at"].isoformat(), "interview_place": values["interview_place"]}
    record_event(actor, UNIT_EVENTS[target], choice, organisation=unit.organisation, before={"state": previous},
                 after=after, now=now)
    return choice


def _take_place(post: Post) -> None:
    """One of the post's places, only while one is left (a conditional UPDATE; a CHECK behind it)."""
    moved = db.session.execute(sa.update(Post).where(Post.id == post.id, Post.state == PostState.APPROVED,
                                                     Post.filled < Post.places)
                               .values(filled=Post.filled + 1).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise PostFull()
    db.session.expire(post)


def _place(application: StudentApplication, choice: PostChoice, *, now: datetime) -> list[int]:
    """Place the student on the choice's post; their other open choices are withdrawn, and their
    ids returned (those units are told the student is no longer theirs to choose)."""
    _take_place(choice.post)
    placed = db.session.execute(sa.update(StudentApplication).where(
        StudentApplication.id == application.id, StudentApplication.state == StudentApplicationState.CHOOSING)
        .values(state=StudentApplicationState.PLACED, placed_post_id=choice.post_id, updated_at=now)
        .execution_options(synchronize_session=False))
    if placed.rowcount != 1:
        raise AlreadyPlaced()
    others = sa.and_(PostChoice.application_id == application.id, PostChoice.id != choice.id,
                     PostChoice.state.in_(OPEN_CHOICES))
    withdrawn = list(db.session.scalars(sa.select(PostChoice.id).where(others).order_by(PostChoice.id)))
    db.session.execute(sa.update(PostChoice).where(others)
                       .values(state=C.WITHDRAWN, updated_at=now).execution_options(synchronize_session=False))
    db.session.expire(application)
    return withdrawn


def accept_offer(actor, choice: PostChoice, *, now: datetime) -> PostChoice:
    """The student accepts one offer: placed on that post, their other choices withdrawn."""
    volunteer = volunteer_of(actor)
    if choice.application.volunteer_id != volunteer.id:
        raise NotFound()
    _ensure_matching(choice.post.programme)
    application = _lock_application(choice.application_id)
    if application.is_placed:
        raise AlreadyPlaced(_l("You have already accepted a place."))
    _set_choice(choice, (C.OFFERED,), now=now, state=C.ACCEPTED)
    withdrawn = _place(application, choice, now=now)
    sites.enrol_placed(application, now=now)
    record_event(actor, ProgrammeEvent.OFFER_ACCEPTED, choice, organisation=choice.post.unit.organisation,
                 before={"state": C.OFFERED}, after={"state": C.ACCEPTED, "post_id": choice.post_id,
                                                     "withdrawn_choices": withdrawn}, now=now)
    return choice


def decline_offer(actor, choice: PostChoice, *, now: datetime) -> PostChoice:
    volunteer = volunteer_of(actor)
    if choice.application.volunteer_id != volunteer.id:
        raise NotFound()
    _ensure_matching(choice.post.programme)
    _set_choice(choice, (C.OFFERED,), now=now, state=C.DECLINED)
    record_event(actor, ProgrammeEvent.OFFER_DECLINED, choice, organisation=choice.post.unit.organisation,
                 before={"state": C.OFFERED}, after={"state": C.DECLINED, "post_id": choice.post_id}, now=now)
    return choice


def place_by_hand(actor, application: StudentApplication, post: Post, *, now: datetime) -> PostChoice:
    """The programme's league admins place an unplaced student on a post with room."""
    permissions.ensure(actor, "programme.run", application.programme)
    _ensure_matching(application.programme)
    if post.programme_id != application.programme_id or post.state != PostState.APPROVED:
        raise ValidationFailed(fields={"post": [_l("Choose among the posts this programme offers.")]})
    application = _lock_application(application.id)
    if application.state != StudentApplicationState.CHOOSING:
        raise AlreadyPlaced(_l("The student is placed or has withdrawn."))
    choice = db.session.scalar(sa.select(PostChoice).where(PostChoice.application_id == application.id,
                                                           PostChoice.post_id == post.id))
    if choice is None:
        choice = PostChoice(application=application, post=post, rank=None, state=C.ACCEPTED, updated_at=now)
        db.session.add(choice)
        db.session.flush()
    else:
        choice.state, choice.updated_at = C.ACCEPTED, now
        db.session.flush()
    withdrawn = _place(application, choice, now=now)
    sites.enrol_placed(application, now=now)
    record_event(actor, ProgrammeEvent.PLACED_BY_LEAGUE, choice, organisation=post.unit.organisation,
                 after={"state": C.ACCEPTED, "post_id": post.id, "withdrawn_choices": withdrawn}, now=now)
    return choice


def get_choice_for_unit(user, choice_id) -> PostChoice:
    """A choice of a unit's post, for its contact or a league admin over the unit."""
    choice = get_by_id(PostChoice, choice_id)
    if choice is None:
        raise NotFound()
    ensure_speaks_for(user, choice.post.unit)
    return choice


def get_own_choice(user, choice_id) -> PostChoice:
    choice = get_by_id(PostChoice, choice_id)
    if choice is None or choice.application.volunteer_id != volunteer_of(user).id:
        raise NotFound()
    return choice


def applicants_of(unit: HostUnit) -> list[PostChoice]:
    """The students who chose the unit's posts (withdrawn applications left out), by post and rank."""
    return db.session.scalars(sa.select(PostChoice).join(PostChoice.post).join(PostChoice.application)
                              .where(Post.unit_id == unit.id,
                                     StudentApplication.state != StudentApplicationState.WITHDRAWN)
                              .options(sa.orm.contains_eager(PostChoice.post).joinedload(Post.programme),
                                       sa.orm.contains_eager(PostChoice.application)
                                       .joinedload(StudentApplication.volunteer))
                              .order_by(Post.title, Post.id, PostChoice.rank, PostChoice.id)).all()


def unplaced(programme: Programme) -> list[StudentApplication]:
    return db.session.scalars(sa.select(StudentApplication).where(
        StudentApplication.programme_id == programme.id, StudentApplication.state == StudentApplicationState.CHOOSING)
        .options(sa.orm.joinedload(StudentApplication.volunteer), sa.orm.joinedload(StudentApplication.hometown))
        .order_by(StudentApplication.created_at, StudentApplication.id)).all()


def unfilled(programme: Programme) -> list[Post]:
    return db.session.scalars(sa.select(Post).where(Post.programme_id == programme.id,
                                                    Post.state == PostState.APPROVED, Post.filled < Post.places)
                              .options(sa.orm.joinedload(Post.unit)).order_by(Post.id)).all()
