"""Reminders before an accepted position or a confirmed shift starts (24 hours and 1 hour before: REMINDERS), written
by the periodic command: once each (a unique index, so two runs at once write one), never for an
application no longer accepted or a project no longer going ahead, and only the nearest one for a
position signed up to late (an hour before, no "within a day" as well)."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from volunteer.core import flush_unique
from volunteer.core.errors import Conflict
from volunteer.core.time import local_time_text
from volunteer.extensions import db
from volunteer.notifications.models import Notice
from volunteer.notifications.services.writing import path_to, write_notice
from volunteer.notifications.vocabulary import REMINDERS
from volunteer.projects.models import Application, Position, Project
from volunteer.projects.vocabulary import ProjectState
from volunteer.shifts.models import Shift, Signup
from volunteer.shifts.vocabulary import SignupState

GOING_AHEAD = (ProjectState.RECRUITING, ProjectState.RUNNING)


class _Written(Conflict):
    """Another run wrote this reminder first."""


def _windows(now: datetime):
    """(kind, from, to): each reminder's stretch of start times, the nearer ones excluded."""
    ordered = sorted(REMINDERS.items(), key=lambda item: item[1])
    lower = now
    for kind, ahead in ordered:
        upper = now + timedelta(seconds=ahead)
        yield kind, lower, upper
        lower = upper


def _write_once(user_id, kind, subject, words, link, organisation_id, now) -> bool:
    write_notice(user_id, kind, subject, words, link, organisation_id=organisation_id, now=now)
    try:
        flush_unique(_Written())
    except _Written:
        return False
    return True


def _remind_shifts(kind, after, until, now) -> int:
    """The same for confirmed shifts: each sign-up reminded once per reminder."""
    already = sa.select(Notice.id).where(Notice.kind == kind, Notice.subject_type == Signup.__tablename__,
                                         Notice.subject_id == Signup.id)
    due = db.session.scalars(
        sa.select(Signup).join(Signup.shift).join(Shift.position).join(Position.project)
        .where(Signup.state == SignupState.CONFIRMED, Shift.cancelled_at.is_(None), Project.state.in_(GOING_AHEAD),
               Shift.starts_at > after,
               Shift.starts_at <= until, ~sa.exists(already))).all()
    written = 0
    for signup in due:
        shift, user_id = signup.shift, signup.volunteer.user_id
        if user_id is None:
            continue
        words = {"position": shift.position.title, "project": shift.position.project.title,
                 "time": local_time_text(shift.starts_at, shift.zone)}
        written += _write_once(user_id, kind, signup, words, path_to("shifts.detail", shift_id=shift.id),
                               shift.position.project.organisation_id, now)
    return written


def remind(*, now: datetime) -> int:
    """Write the reminders due now, for accepted positions and confirmed shifts; how many. The
    caller commits."""
    written = 0
    for kind, after, until in _windows(now):
        written += _remind_shifts(kind, after, until, now)
        already = sa.select(Notice.id).where(Notice.kind == kind, Notice.subject_type == Application.__tablename__,
                                             Notice.subject_id == Application.id)
        due = db.session.scalars(
            sa.select(Application).join(Application.position).join(Position.project)
            .where(Application.is_accepted, Position.starts_at > after, Position.starts_at <= until,
                   Project.state.in_(GOING_AHEAD), ~sa.exists(already))
            .options(sa.orm.contains_eager(Application.position).contains_eager(Position.project))).all()
        for application in due:
            volunteer, position = application.volunteer, application.position
            if volunteer.user_id is None:
                continue
            words = {"position": position.title, "project": position.project.title,
                     "time": local_time_text(position.starts_at, position.project.zone)}
            written += _write_once(volunteer.user_id, kind, application, words,
                                   path_to("projects.detail", project_id=position.project_id),
                                   position.project.organisation_id, now)
    return written
