"""A lead's morning digest: one notice a day, from NOTIFY_MORNING_HOUR, of the entries at their
stations that wait past their deadline, written by the periodic command. (The evening digest of
decided hours is a matter of when their deliveries are due, writing.digest_time, and of sending
them together, delivery.py.)"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from volunteer.accounts.models import User
from volunteer.core.time import local_date
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.services import overdue_cutoff
from volunteer.ledger.vocabulary import EntryState
from volunteer.notifications.models import Notice
from volunteer.notifications.services.writing import at_hour, path_to, write_notice
from volunteer.notifications.vocabulary import NoticeKind
from volunteer.stations.models import station_leads


def tell_leads(*, now: datetime) -> int:
    """From the morning hour on, each lead with entries at their stations pending past the 10
    working days gets one notice for the day (a unique index: two runs at once write one); how
    many were written. The caller commits."""
    if now < at_hour(now, current_app.config["NOTIFY_MORNING_HOUR"]):
        return 0
    today, cutoff = local_date(now), overdue_cutoff(now=now)
    rows = db.session.execute(
        sa.select(station_leads.c.user_id, sa.func.count(LedgerEntry.id), sa.func.min(LedgerEntry.served_on))
        .join(LedgerEntry, LedgerEntry.station_id == station_leads.c.station_id)
        .where(LedgerEntry.state == EntryState.PENDING, LedgerEntry.served_on <= cutoff,
               ~sa.exists(sa.select(Notice.id).where(Notice.user_id == station_leads.c.user_id,
                                                     Notice.kind == NoticeKind.ENTRIES_OVERDUE, Notice.for_day == today)))
        .group_by(station_leads.c.user_id)).all()
    written = 0
    for user_id, count, oldest in rows:
        lead = db.session.get(User, user_id)
        try:
            # A savepoint round the notice and its deliveries: refused, it takes them all back.
            with db.session.begin_nested():
                notice = write_notice(user_id, NoticeKind.ENTRIES_OVERDUE, lead,
                                      {"entries": count, "oldest": oldest.isoformat()}, path_to("ledger.queue"),
                                      organisation_id=None, now=now, for_day=today)
                db.session.flush()
        except sa.exc.IntegrityError:
            continue  # another run wrote it
        written += notice is not None
    return written
