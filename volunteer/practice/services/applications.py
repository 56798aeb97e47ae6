"""Students' applications: a volunteer applies to a programme open for applications, within its
window, with their school, student number, major, grade and hometown and up to three ranked
choices among its approved posts (a minor with their guardian's consent); they may change their
choices while applications are open and withdraw until they are placed. The caller commits."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts.services import ADULT_AGE, volunteer_of
from volunteer.core import flush_unique, get_by_id
from volunteer.core.audit import record_event
from volunteer.core.errors import Conflict, FieldErrors, NotFound
from volunteer.core.time import local_date
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.practice.errors import AlreadyApplied, NotInStage
from volunteer.practice.models import HostUnit, Post, PostChoice, Programme, StudentApplication
from volunteer.practice.services.checks import text_field
from volunteer.practice.vocabulary import (
    MAX_CHOICES,
    OPEN_CHOICES,
    PostChoiceState,
    PostState,
    ProgrammeEvent,
    ProgrammeState,
    StudentApplicationState,
)

SCHOOL, NUMBER, MAJOR, GRADE = 120, 40, 80, 20


def open_programmes(now: datetime) -> list[Programme]:
    """The programmes a student may apply to today."""
    today = local_date(now)
    return db.session.scalars(sa.select(Programme).where(
        Programme.state == ProgrammeState.APPLICATIONS_OPEN, Programme.applications_open_on <= today,
        Programme.applications_close_on >= today).order_by(Programme.applications_close_on, Programme.id)).all()


def offered_posts(programme: Programme, *, kind: str | None = None, organisation: Organisation | None = None,
                  search: str | None = None) -> sa.Select:
    """A programme's approved posts, with room or not, filtered by kind, the unit's place and words."""
    query = (sa.select(Post).join(Post.unit).join(HostUnit.organisation)
             .where(Post.programme_id == programme.id, Post.state == PostState.APPROVED))
    if kind:
        query = query.where(Post.post_kind == kind)
    if organisation is not None:
        query = query.where(organisation.subtree())
    if search:
        words = f"%{search.strip()}%"
        query = query.where(sa.or_(Post.title.ilike(words), HostUnit.name.ilike(words), Post.duties.ilike(words)))
    return query.options(sa.orm.contains_eager(Post.unit).contains_eager(HostUnit.organisation)) \
        .order_by(Organisation.path, HostUnit.name, Post.title, Post.id)


def posts_offered(programme: Programme) -> list[Post]:
    """Every approved post of the programme (the choices of an application's form)."""
    return db.session.scalars(offered_posts(programme)).all()


def hometowns(programme: Programme) -> list[Organisation]:
    """The places the programme's students may come home to: its areas and everything under them."""
    return db.session.scalars(sa.select(Organisation).where(sa.or_(*[a.subtree() for a in programme.areas]))
                              .order_by(Organisation.path)).all()


def _choices(errors: FieldErrors, programme: Programme, raw) -> list[Post]:
    """The ranked posts chosen: one to three, distinct, each an approved post of the programme."""
    ids = []
    for value in raw or []:
        value = str(value or "").strip()
        if value:
            ids.append(int(value) if value.isascii() and value.isdigit() and len(value) < 10 else -1)
    if not ids:
        errors.add("choices", _l("Please choose at least one post."))
        return []
    if len(ids) > MAX_CHOICES:
        errors.add("choices", _l("At most %(n)s choices.", n=MAX_CHOICES))
    if len(set(ids)) != len(ids):
        errors.add("choices", _l("Each post can be chosen once."))
    found = {post.id: post for post in db.session.scalars(sa.select(Post).where(
        Post.id.in_(ids), Post.programme_id == programme.id, Post.state == PostState.APPROVED))}
    if any(i not in found for i in ids):
        errors.add("choices", _l("Choose among the posts this programme offers."))
    return [found[i] for i in ids if i in found]


def _student_fields(errors: FieldErrors, programme: Programme, data: dict) -> dict:
    fields = {"school_name": text_field(errors, data, "school_name", SCHOOL, required=True,
                                        message=_l("Please enter your school.")),
              "student_number": text_field(errors, data, "student_number", NUMBER, required=True,
                                           message=_l("Please enter your student number.")),
              "major": text_field(errors, data, "major", MAJOR, required=True, message=_l("Please enter your major.")),
              "grade": text_field(errors, data, "grade", GRADE, required=True, message=_l("Please enter your grade."))}
    code = str(data.get("hometown") or "").strip()
    hometown = db.session.scalar(sa.select(Organisation).where(Organisation.code == code)) \
        if code and "\x00" not in code else None
    if hometown is None or not programme.covers(hometown):
        errors.add("hometown", _l("Choose your hometown among the places this programme covers."))
    fields["hometown"] = hometown
    return fields


def apply(actor, programme: Programme, data: dict, *, now: datetime) -> StudentApplication:
    volunteer = volunteer_of(actor)
    today = local_date(now)
    if not programme.takes_applications(today):
        raise NotInStage(_l("“%(programme)s” takes applications from %(first)s to %(last)s once it opens them.",
                            programme=programme.name, first=programme.applications_open_on,
                            last=programme.applications_close_on))
    errors = FieldErrors()
    fields = _student_fields(errors, programme, data)
    posts = _choices(errors, programme, data.get("choices"))
    age = volunteer.age_on(today)
    minor = age is not None and age < ADULT_AGE
    if minor and data.get("guardian_consent") not in (True, "y", "on", "true"):
        errors.add("guardian_consent", _l("You are under 18: please confirm your guardian agrees to this practice."))
    errors.raise_if_any()
    if db.session.scalar(sa.select(StudentApplication.id).where(StudentApplication.programme_id == programme.id,
                                                                StudentApplication.volunteer_id == volunteer.id)):
        raise AlreadyApplied()
    application = StudentApplication(programme=programme, volunteer=volunteer, state=StudentApplicationState.CHOOSING,
                                     guardian_consent_at=now if minor else None, created_at=now, updated_at=now,
                                     **fields)
    db.session.add(application)
    flush_unique(AlreadyApplied())  # the same student sending twice at once
    for rank, post in enumerate(posts, start=1):
        db.session.add(PostChoice(application=application, post=post, rank=rank, state=PostChoiceState.WAITING,
                                  updated_at=now))
    db.session.flush()
    record_event(actor, ProgrammeEvent.APPLIED, application, organisation=programme.organisation,
                 after={"title": programme.name}, now=now)
    return application


def change_choices(actor, application: StudentApplication, post_ids, *, now: datetime) -> StudentApplication:
    """New ranked choices while applications are open (no unit has acted on any yet)."""
    ensure_own(actor, application)
    if not application.programme.takes_applications(local_date(now)) or \
            application.state != StudentApplicationState.CHOOSING:
        raise NotInStage(_l("Your choices can be changed only while applications are open."))
    errors = FieldErrors()
    posts = _choices(errors, application.programme, post_ids)
    errors.raise_if_any()
    for choice in list(application.choices):
        db.session.delete(choice)
    db.session.flush()
    for rank, post in enumerate(posts, start=1):
        db.session.add(PostChoice(application=application, post=post, rank=rank, state=PostChoiceState.WAITING,
                                  updated_at=now))
    application.updated_at = now
    db.session.flush()
    db.session.expire(application, ["choices"])
    record_event(actor, ProgrammeEvent.CHOICES_CHANGED, application, organisation=application.programme.organisation,
                 after={"title": application.programme.name}, now=now)
    return application


def withdraw_application(actor, application: StudentApplication, *, now: datetime) -> StudentApplication:
    """The student withdraws before they are placed; their open choices end with it."""
    ensure_own(actor, application)
    if application.state == StudentApplicationState.WITHDRAWN:
        return application
    if application.is_placed:
        raise Conflict(_l("You have accepted a place: ask the league to release you."))
    moved = db.session.execute(sa.update(StudentApplication).where(
        StudentApplication.id == application.id, StudentApplication.state == StudentApplicationState.CHOOSING)
        .values(state=StudentApplicationState.WITHDRAWN, updated_at=now).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(_l("Your application changed just now. Please reload."))
    db.session.execute(sa.update(PostChoice).where(PostChoice.application_id == application.id,
                                                   PostChoice.state.in_(OPEN_CHOICES))
                       .values(state=PostChoiceState.WITHDRAWN, updated_at=now).execution_options(synchronize_session=False))
    db.session.expire(application)
    record_event(actor, ProgrammeEvent.APPLICATION_WITHDRAWN, application,
                 organisation=application.programme.organisation,
                 before={"state": StudentApplicationState.CHOOSING},
                 after={"state": StudentApplicationState.WITHDRAWN}, now=now)
    return application


def ensure_own(actor, application: StudentApplication) -> None:
    if volunteer_of(actor).id != application.volunteer_id:
        raise NotFound()


def applications_of(actor) -> list[StudentApplication]:
    """The student's own applications, newest first."""
    volunteer = volunteer_of(actor)
    return db.session.scalars(sa.select(StudentApplication).where(StudentApplication.volunteer_id == volunteer.id)
                              .order_by(StudentApplication.created_at.desc(), StudentApplication.id.desc())).all()


def get_own_application(actor, application_id) -> StudentApplication:
    application = get_by_id(StudentApplication, application_id)
    if application is None:
        raise NotFound()
    ensure_own(actor, application)
    return application


def last_details(actor) -> dict:
    """What the student gave on their last application (a new one starts from it)."""
    volunteer = volunteer_of(actor)
    last = db.session.scalar(sa.select(StudentApplication).where(StudentApplication.volunteer_id == volunteer.id)
                             .order_by(StudentApplication.id.desc()).limit(1))
    if last is None:
        return {"school_name": volunteer.school_or_employer or ""}
    return {"school_name": last.school_name, "student_number": last.student_number, "major": last.major, "grade": last.grade,
            "hometown": last.hometown.code}
