"""The staff ledger as CSV or XLSX: the rows the filter shows, with ID numbers and phones masked."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from openpyxl import Workbook
from sqlalchemy.orm import joinedload

from volunteer.accounts.models import Volunteer
from volunteer.core import spreadsheet
from volunteer.core.audit import record_event
from volunteer.core.errors import ValidationFailed
from volunteer.core.time import DEFAULT_ZONE
from volunteer.extensions import db
from volunteer.ledger.errors import ExportTooLarge
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.vocabulary import EntrySource, EntryState, LedgerEvent

CHUNK = 1000


def labels() -> dict:
    """Every translated word an export needs, read before the rows stream out (the request's
    user and locale are not to be looked up again while streaming)."""
    return {"headers": headers(), "states": EntryState.labels(), "sources": EntrySource.labels(),
            "sheet": _("Ledger")}


def headers() -> list[str]:
    return [_("Entry"), _("Service date"), _("Volunteer number"), pgettext("person", "Name"), _("ID number"), _("Phone"),
            _("Project"), _("Station"), _("Source"), _("Minutes"), _("Credited minutes"), _("State"),
            _("Decided by"), _("Decided at"), _("Reason"), _("Corrects entry")]


def start_export(actor, kind: str, filters: dict, errors, stmt: sa.Select, *, now: datetime) -> dict:
    """Check an export of what the filter shows and log it (who exported which personal data);
    the translated words it needs, read now, before the rows stream out."""
    if errors.fields:
        raise ValidationFailed(_l("Correct the filter before exporting."), fields=errors.fields)
    rows, limit = count(stmt), current_app.config["LEDGER_EXPORT_MAX_ROWS"]
    if rows > limit:
        raise ExportTooLarge(_l("%(n)s entries match: narrow the filter to at most %(limit)s to export.", n=rows,
                                limit=limit))
    record_event(actor, LedgerEvent.EXPORTED, actor, after={"format": kind, "rows": rows,
                                                            "filters": {k: str(v) for k, v in filters.items()}},
                 now=now)
    return labels()


def count(stmt: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0


def rows(stmt: sa.Select, words: dict) -> Iterator[list]:
    """Entries in chunks, with what each row needs loaded alongside (no query per row)."""
    stmt = stmt.options(joinedload(LedgerEntry.volunteer).joinedload(Volunteer.user),
                        joinedload(LedgerEntry.project), joinedload(LedgerEntry.station),
                        joinedload(LedgerEntry.decided_by))
    for entry in db.session.scalars(stmt.execution_options(yield_per=CHUNK)):
        volunteer = entry.volunteer
        yield [entry.id, entry.served_on, volunteer.volunteer_no, volunteer.display_name,
               volunteer.id_number_masked, volunteer.phone_masked, entry.project.title,
               entry.station.name if entry.station else "", words["sources"][entry.source], entry.minutes,
               entry.credited_minutes, words["states"][entry.state],
               entry.decided_by.display_name if entry.decided_by else "",
               local_time(entry.decided_at) if entry.decided_at else None,
               entry.reason or "", entry.corrects_id]


def local_time(moment):
    """As the pages show it: the default zone's wall-clock time (spreadsheets hold no zone)."""
    return moment.astimezone(DEFAULT_ZONE).replace(tzinfo=None, microsecond=0)


def csv_chunks(stmt: sa.Select, words: dict) -> Iterator[str]:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right; sent in
    chunks as the rows are read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(words["headers"])
    yield spreadsheet.CSV_BOM + _drain(buffer)
    for n, row in enumerate(rows(stmt, words), 1):
        writer.writerow(["" if v is None else spreadsheet.cell(v) for v in row])
        if n % CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def xlsx_bytes(stmt: sa.Select, words: dict) -> bytes:
    """A write-only workbook: rows go straight to the file instead of a sheet kept in memory."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(words["sheet"])
    sheet.append(words["headers"])
    for row in rows(stmt, words):
        sheet.append([spreadsheet.cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
