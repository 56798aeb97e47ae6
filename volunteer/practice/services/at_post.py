"""At the post: a placed student writes a log for each week of their practice, with photos; the
unit's contact (for its supervisor) comments on it, and evaluates the student while the practice
runs or is evaluated; the unit's seal stamps that evaluation in the practice certificate. The caller commits."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.certificates import services as certificates
from volunteer.certificates.models import Certificate
from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import Conflict, FieldErrors, NotFound
from volunteer.core.images import clean_photo
from volunteer.core.time import day_from, local_date
from volunteer.extensions import db
from volunteer.practice.at_post import LogPhoto, PracticeLog, UnitEvaluation
from volunteer.practice.errors import NotInStage
from volunteer.practice.models import HostUnit, Post, Programme, StudentApplication
from volunteer.practice.services.applications import ensure_own
from volunteer.practice.services.checks import text_field
from volunteer.practice.services.units import ensure_speaks_for
from volunteer.practice.vocabulary import (
    LOG_PHOTOS,
    PracticeRating,
    ProgrammeEvent,
    StudentApplicationState,
)

# an evaluation's comments fit the practice certificate's box
LOG_TEXT, COMMENT, EVALUATION = 5000, 2000, 300


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_to_log(application: StudentApplication, today: date) -> list[date]:
    """The Mondays of the weeks of the student's post that have begun by ``today``, newest first."""
    post = application.placed_post
    if post is None:
        return []
    last = min(post.ends_on, today)
    weeks, week = [], monday_of(post.starts_on)
    while week <= last:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks[::-1]


def _ensure_placed(application: StudentApplication, in_stage: bool) -> None:
    if not application.is_placed:
        raise Conflict(_l("This comes once you have accepted a post."))
    if not in_stage:
        raise NotInStage()


def write_log(actor, application: StudentApplication, data: dict, *, now: datetime) -> PracticeLog:
    """The student's log of one week of their post (new, or changed while nobody has commented on
    it), with up to LOG_PHOTOS photos in all; the unit's contact is told."""
    ensure_own(actor, application)
    _ensure_placed(application, application.programme.takes_logs)
    errors = FieldErrors()
    begun = _l("Please choose a week of your practice that has begun.")
    week = day_from(errors, "week_of", data.get("week_of"), begun)
    if week is not None and week not in weeks_to_log(application, local_date(now)):
        errors.add("week_of", begun)
    text = text_field(errors, data, "log_text", LOG_TEXT, required=True, message=_l("Please write what you did this week."))
    log = None
    if week is not None and "week_of" not in errors:
        log = db.session.scalar(sa.select(PracticeLog).where(PracticeLog.application_id == application.id,
                                                             PracticeLog.week_of == week).with_for_update())
    kept = len(log.photos) if log is not None else 0
    uploads = [upload for upload in (data.get("photos") or []) if upload]
    photos = []
    if kept + len(uploads) > LOG_PHOTOS:  # counted before any is decoded
        errors.add("photos", _l("At most %(n)s photos on a week's log.", n=LOG_PHOTOS))
    else:
        photos = [clean_photo(errors, upload, "photos") for upload in uploads]
    errors.raise_if_any()
    if log is not None and not log.is_editable:
        raise Conflict(_l("The supervisor has commented on this week's log: it can no longer be changed."))
    if log is None:
        log = PracticeLog(application_id=application.id, week_of=week, text=text, created_at=now, updated_at=now)
        db.session.add(log)
        flush_unique(Conflict(_l("This week's log was written just now. Please reload.")))
    else:  # only while uncommented, whatever the supervisor does at the same moment
        changed = db.session.execute(sa.update(PracticeLog).where(PracticeLog.id == log.id,
                                                                  PracticeLog.commented_at.is_(None))
                                     .values(text=text, updated_at=now).execution_options(synchronize_session=False))
        if changed.rowcount != 1:
            raise Conflict(_l("The supervisor has commented on this week's log: it can no longer be changed."))
        db.session.expire(log)
    for jpeg, width, height in photos:
        db.session.add(LogPhoto(log_id=log.id, jpeg=jpeg, sha256=hashlib.sha256(jpeg).hexdigest(), width=width,
                                height=height, created_at=now))
    db.session.flush()
    db.session.expire(log, ["photos"])
    record_event(actor, ProgrammeEvent.LOG_WRITTEN, log, organisation=application.programme.organisation,
                 after={"week_of": week.isoformat(), "photos": kept + len(photos)}, now=now)
    return log


def comment_on_log(actor, log: PracticeLog, comment: str, *, read: str | None = None, now: datetime) -> PracticeLog:
    """The supervisor's comment, written by the unit's contact; the student is told. From then on
    the log is as the supervisor read it: ``read`` (the log's ``version``, from the page) refuses
    a comment on a text the student has changed since."""
    application = log.application
    ensure_speaks_for(actor, application.placed_post.unit)
    programme = application.programme
    _ensure_placed(application, programme.takes_logs or programme.takes_evaluations)
    errors = FieldErrors()
    comment = text_field(errors, {"comment": comment}, "comment", COMMENT, required=True,
                         message=_l("Please write the supervisor's comment."))
    errors.raise_if_any()
    changed = Conflict(_l("The student changed this log since you read it: please read it again."))
    if read is not None and read != log.version:
        raise changed
    done = db.session.execute(sa.update(PracticeLog).where(PracticeLog.id == log.id,
                                                           PracticeLog.updated_at == log.updated_at)
                              .values(comment=comment, commented_by_id=actor.id, commented_at=now)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise changed
    db.session.expire(log)
    record_event(actor, ProgrammeEvent.LOG_COMMENTED, log, organisation=application.programme.organisation,
                 note=comment, now=now)
    return log


def get_log_for(user, log_id) -> PracticeLog:
    """A log its student reads, and those who speak for their unit (its contact, the league
    admins over it: 属地管理) and the programme's league admins."""
    log = get_by_id(PracticeLog, log_id)
    if log is None:
        raise NotFound()
    application, unit = log.application, log.application.placed_post.unit
    own = getattr(getattr(user, "volunteer", None), "id", None) == application.volunteer_id
    if not (own or unit.is_contact(user) or permissions.can(user, "unit.register", unit)):
        permissions.ensure(user, "programme.run", application.programme)
    return log


def log_photo_for(user, photo_id) -> bytes:
    photo = get_by_id(LogPhoto, photo_id)
    if photo is None:
        raise NotFound()
    get_log_for(user, photo.log_id)
    return photo.jpeg


def logs_of(application: StudentApplication) -> list[PracticeLog]:
    return db.session.scalars(sa.select(PracticeLog).where(PracticeLog.application_id == application.id)
                              .options(sa.orm.selectinload(PracticeLog.photos))
                              .order_by(PracticeLog.week_of.desc())).all()


def students_at(unit: HostUnit) -> list[StudentApplication]:
    """The students placed on the unit's posts, with their logs and the unit's evaluation."""
    return db.session.scalars(
        sa.select(StudentApplication).join(Post, Post.id == StudentApplication.placed_post_id)
        .where(Post.unit_id == unit.id, StudentApplication.state == StudentApplicationState.PLACED)
        .options(sa.orm.joinedload(StudentApplication.volunteer), sa.orm.joinedload(StudentApplication.programme))
        .order_by(Post.title, Post.id, StudentApplication.id)).all()


def placed_students(programme: Programme) -> list[StudentApplication]:
    """The programme's placed students, by unit and post."""
    return db.session.scalars(
        sa.select(StudentApplication).join(Post, Post.id == StudentApplication.placed_post_id)
        .join(HostUnit, HostUnit.id == Post.unit_id)
        .where(StudentApplication.programme_id == programme.id, StudentApplication.is_placed)
        .options(sa.orm.joinedload(StudentApplication.volunteer),
                 sa.orm.joinedload(StudentApplication.placed_post).joinedload(Post.unit))
        .order_by(HostUnit.name, Post.title, StudentApplication.id)).all()


def students_with_records(unit: HostUnit) -> list[tuple]:
    """(application, its logs, its evaluation or None) of each student placed with the unit."""
    return [(a, logs_of(a), evaluation_of(a)) for a in students_at(unit)]


def evaluation_of(application: StudentApplication) -> UnitEvaluation | None:
    return db.session.scalar(sa.select(UnitEvaluation).where(UnitEvaluation.application_id == application.id))


def evaluations_in(programme: Programme) -> dict[int, UnitEvaluation]:
    """The programme's evaluations by application, with their certificates, in one query."""
    return {e.application_id: e for e in db.session.scalars(
        sa.select(UnitEvaluation).join(StudentApplication, StudentApplication.id == UnitEvaluation.application_id)
        .where(StudentApplication.programme_id == programme.id)
        .options(sa.orm.joinedload(UnitEvaluation.certificate)))}


def practice_certificate_of(application: StudentApplication) -> Certificate | None:
    """The student's valid practice certificate of this programme, if the league issued one."""
    evaluation = evaluation_of(application)
    return evaluation.valid_certificate if evaluation is not None else None


def evaluate(actor, application: StudentApplication, data: dict, *, now: datetime) -> UnitEvaluation:
    """The unit's evaluation of a student placed with it: a rating, the days present (at most the
    post's days) and comments; changed until the league certifies it; the student is told."""
    post = application.placed_post
    if post is None:
        raise NotFound()
    ensure_speaks_for(actor, post.unit)
    _ensure_placed(application, application.programme.takes_evaluations)
    errors = FieldErrors()
    rating = str(data.get("rating") or "")
    if rating not in PracticeRating.values():
        errors.add("rating", _l("Please choose a rating."))
    raw = str(data.get("days_present") if data.get("days_present") is not None else "").strip()
    days = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else None
    if days is None or days > post.days:
        errors.add("days_present", _l("Give the days present, from 0 to the post's %(n)s days.", n=post.days))
    comments = text_field(errors, data, "comments", EVALUATION, required=True,
                          message=_l("Please write the unit's comments."))
    errors.raise_if_any()
    # locked as the league's certifying locks it: a certified evaluation is never changed after
    evaluation = db.session.scalar(sa.select(UnitEvaluation).where(UnitEvaluation.application_id == application.id)
                                   .with_for_update().execution_options(populate_existing=True))
    if evaluation is not None and evaluation.is_certified:
        raise Conflict(_l("The league has certified this evaluation: ask it to revoke the certificate first."))
    if evaluation is None:
        evaluation = UnitEvaluation(application_id=application.id)
        db.session.add(evaluation)
    evaluation.rating, evaluation.days_present, evaluation.comments = rating, days, comments
    evaluation.evaluated_by_id, evaluation.evaluated_at = actor.id, now
    flush_unique(Conflict(_l("Someone else evaluated this student just now. Please reload.")))
    record_event(actor, ProgrammeEvent.EVALUATED, evaluation, organisation=application.programme.organisation,
                 after={"rating": rating, "days_present": days}, now=now)
    return evaluation


def set_unit_seal(actor, unit: HostUnit, upload: bytes | None, *, now: datetime) -> HostUnit:
    """The unit's seal image (a PNG with transparency, checked as an organisation's is)."""
    ensure_speaks_for(actor, unit)
    errors = FieldErrors()
    cleaned = certificates.clean_seal(errors, upload)
    if cleaned is None and "seal" not in errors:
        errors.add("seal", _l("Please choose the seal image."))
    errors.raise_if_any()
    unit.seal_png, unit.seal_sha256 = cleaned[0], hashlib.sha256(cleaned[0]).hexdigest()
    db.session.flush()
    record_event(actor, ProgrammeEvent.UNIT_SEAL_SET, unit, after={"seal_sha256": unit.seal_sha256}, now=now)
    return unit
