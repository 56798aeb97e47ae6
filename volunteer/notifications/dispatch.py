"""Once a transaction that wrote deliveries commits, they are sent in the background (the
certificates' job mechanism: RQ, or a thread); `flask --app run notifications send` from cron
picks up whatever that missed (a queue down, a process stopped) and the retries that come due."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, has_app_context

from volunteer.core import jobs
from volunteer.core.time import utcnow
from volunteer.notifications.services import DUE_FLAG, send_due

TASK = "notifications.send"


@jobs.task(TASK)
def send_now() -> None:
    send_due(now=utcnow())


def _after_commit(session) -> None:
    if session.info.pop(DUE_FLAG, False) and has_app_context() and current_app.config["NOTIFY_IN_BACKGROUND"]:
        jobs.background(TASK)


def connect() -> None:
    if not sa.event.contains(sa.orm.Session, "after_commit", _after_commit):
        sa.event.listen(sa.orm.Session, "after_commit", _after_commit)
