"""Reminders before an accepted position starts (24 hours and 1 hour before: REMINDERS), written
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


def remind(*, now: datetime) -> int:
    """Write the reminders due now; how many. The caller commits."""
    written = 0
    for kind, after, until in _windows(now):
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
            write_notice(volunteer.user_id, kind, application, words, path_to("projects.detail", project_id=position.project_id),
                         organisation_id=position.project.organisation_id, now=now)
            try:
                flush_unique(_Written())
            except _Written:
                continue
            written += 1
    return written
