"""The ledger's closed sets: entries' states and sources, decisions, disputes, the flags a lead
looks twice at, the levels that approve a day's hours."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary


class EntryState(Vocabulary):
    PENDING = "pending", _l("Awaiting approval")
    APPROVED = "approved", _l("Approved")
    REJECTED = "rejected", _l("Rejected")


class EntrySource(Vocabulary):
    CHECKIN = "checkin", _l("Check-in")
    MANUAL = "manual", _l("Manual entry")      # 补录: service done without a scan
    CORRECTION = "correction", _l("Correction")


class Decision(Vocabulary):
    """What a lead or staff member answers a pending entry with."""

    APPROVE = "approve", _l("Approve")
    REJECT = "reject", _l("Reject")


class DisputeState(Vocabulary):
    OPEN = "open", _l("waiting for the lead")
    RESOLVED = "resolved", _l("answered")


class Resolution(Vocabulary):
    """How a dispute was answered."""

    DECIDED = "decided", _l("decided")
    CORRECTED = "corrected", _l("corrected")
    UPHELD = "upheld", _l("kept as it was")


class Flag(Vocabulary):
    """Why a lead should look twice at an entry."""

    AUTO_CLOSED = "auto_closed", _l("closed by the system")
    OUTSIDE_RADIUS = "outside_radius", _l("outside the station")
    TYPED = "typed_number", _l("volunteer number typed at the kiosk: no card shown")
    BELOW_MINIMUM = "below_minimum", _l("below the project's minimum attendance: credits nothing")
    OVER_DAILY_LIMIT = "over_daily_limit", _l("over 8 hours that day")
    OVERDUE = "overdue", _l("over 10 working days old")


class ApprovalLevel(Vocabulary):
    """Who may approve a day's credited total (rules.approval_level)."""

    LEAD = "lead", _l("A station lead or staff")
    PARENT_ADMIN = "parent_admin", _l("An admin of the organisation above")
    TOP_ADMIN = "top_admin", _l("An admin of the top organisation")


class LedgerEvent(Vocabulary):
    APPROVED = "ledger.approved", _l("Hours approved")
    REJECTED = "ledger.rejected", _l("Hours rejected")
    CORRECTED = "ledger.corrected", _l("Hours corrected")
    MANUAL_RECORDED = "ledger.manual_recorded", _l("Hours recorded without a scan")
    DISPUTED = "ledger.disputed", _l("Hours disputed")
    DISPUTE_UPHELD = "ledger.dispute_upheld", _l("Dispute answered: the entry stays")
    EXPORTED = "ledger.exported", _l("Ledger exported")


EVENT_LOG = Glossary(
    actions=LedgerEvent,
    name=_l("Hours"),
    verbs={LedgerEvent.APPROVED: lazy_pgettext("event", "approved"), LedgerEvent.REJECTED: lazy_pgettext("event", "rejected"),
           LedgerEvent.CORRECTED: lazy_pgettext("event", "corrected"), LedgerEvent.MANUAL_RECORDED: lazy_pgettext("event", "recorded without a scan"),
           LedgerEvent.DISPUTED: lazy_pgettext("event", "disputed"),
           LedgerEvent.DISPUTE_UPHELD: lazy_pgettext("event", "answered the dispute and kept"), LedgerEvent.EXPORTED: lazy_pgettext("event", "exported the hours ledger")},
    alone=frozenset({LedgerEvent.EXPORTED}),
    references={"volunteer_id": "volunteers", "entry": "ledger_entries"},
    minutes=frozenset({"minutes", "credited"}),
    subjects={"ledger_entries": _l("Hours entry")},
    fields={"minutes": _l("Minutes"), "credited": _l("Credited minutes"), "entry": _l("Entry"),
            "served_on": _l("Service date"), "photo": _l("Photo of the sign-in sheet"), "format": _l("Format"), "rows": _l("Rows"), "filters": _l("Filter")},
)
