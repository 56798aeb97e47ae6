"""Shapes of the ledger: entries with their flags, decisions, corrections, manual entries,
disputes."""
from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from volunteer.api.schemas.base import (
    BaseSchema,
    NamedRefSchema,
    PageArgsSchema,
    ProjectRefSchema,
    Text,
    WholeNumber,
    enum,
    max_length,
    one_of,
    page_of,
    record_id,
)
from volunteer.core.time import utcnow
from volunteer.ledger import services
from volunteer.ledger.vocabulary import Decision, DisputeState, EntrySource, EntryState, Flag, Resolution


def with_page_details(entries: list, *, now, disputes: dict | None = None) -> list:
    """Remember, for this request, the flags (and the caller's disputes) of a page of entries,
    found in one query each, so that dumping the page costs no query per entry."""
    g.ledger_flags = services.flags_for(entries, now=now)
    g.ledger_disputes = disputes
    return entries


def _flags(entry) -> list[str]:
    known = g.get("ledger_flags")
    return known[entry.id] if known is not None and entry.id in known else services.flags(entry, now=utcnow())


class LedgerArgsSchema(PageArgsSchema):
    state = one_of(EntryState, _l("pending, approved or rejected."))
    station_id = record_id()
    project_id = record_id()
    volunteer_id = record_id()


class LedgerEntrySchema(BaseSchema):
    id = WholeNumber()
    volunteer_id = WholeNumber()
    project = fields.Nested(ProjectRefSchema)
    station = fields.Nested(NamedRefSchema, allow_none=True)
    session_id = WholeNumber(allow_none=True)
    minutes = WholeNumber()
    recorded_minutes = WholeNumber(allow_none=True)
    credited_minutes = WholeNumber(allow_none=True)
    state = enum(EntryState)
    source = enum(EntrySource)
    served_on = fields.Date()
    decided_by = WholeNumber(attribute="decided_by_id", allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    corrects_id = WholeNumber(allow_none=True)
    flags = fields.List(enum(Flag), metadata={"description": "why a lead should look twice at it"})

    def get_attribute(self, entry, attr, default):
        if attr == "flags":
            return _flags(entry)
        return super().get_attribute(entry, attr, default)


class DisputeSchema(BaseSchema):
    id = WholeNumber()
    entry_id = WholeNumber()
    note = fields.String()
    state = enum(DisputeState)
    resolution = enum(Resolution, allow_none=True)
    resolution_note = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class DisputeRequestSchema(BaseSchema):
    note = Text(required=True, blank=False, validate=max_length(2000))


class MyLedgerEntrySchema(LedgerEntrySchema):
    disputes = fields.List(fields.Nested(DisputeSchema), metadata={"description": "the caller's, newest first"})

    def get_attribute(self, entry, attr, default):
        if attr == "disputes":
            return (g.get("ledger_disputes") or {}).get(entry.id, [])
        return super().get_attribute(entry, attr, default)


MyLedgerPageSchema = page_of(MyLedgerEntrySchema, "MyLedgerPageSchema")
LedgerPageSchema = page_of(LedgerEntrySchema, "LedgerPageSchema")


def entry_minutes(**options) -> WholeNumber:
    """Minutes of one entry, which the service checks (in its own words) against a day's."""
    return WholeNumber(metadata={"minimum": 0, "maximum": services.MAX_MINUTES}, **options)


class ManualEntrySchema(BaseSchema):
    volunteer_id = WholeNumber(required=True)
    project_id = WholeNumber(required=True)
    minutes = entry_minutes(required=True)
    served_on = fields.Date(required=True)
    reason = Text(required=True, blank=False, validate=max_length(2000))
    activity = Text(validate=max_length(200))
    activity_minutes = entry_minutes(allow_none=True)


class LedgerDecisionSchema(BaseSchema):
    decision = one_of(Decision, _l("Choose approve or reject."), required=True)
    minutes = entry_minutes(allow_none=True, load_default=None)
    reason = Text(allow_none=True, load_default=None, validate=max_length(2000),
                  metadata={"description": "required to reject, or to approve other minutes"})


class CorrectionSchema(BaseSchema):
    minutes = entry_minutes(required=True)
    reason = Text(required=True, blank=False, validate=max_length(2000))
