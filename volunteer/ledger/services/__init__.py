"""Use cases of the ledger, by module: who may decide (access), what an entry may be credited
(crediting), how entries come to be (recording), deciding and correcting (decisions), disputes
(disputes), the totals kept and their verification (totals), the counts of what waits
(waiting), reading the ledger (listing), what a manual entry is chosen from (choosing) and
the photo behind it (photos).
Callers import them from here."""
from volunteer.ledger.services.access import (
    decides_somewhere,
    ensure_decides_somewhere,
    entries_in_scope,
    get_entry_for,
    may_decide,
)
from volunteer.ledger.services.choosing import candidates, recordable_project, recordable_projects
from volunteer.ledger.services.crediting import (
    MAX_MINUTES,
    OVERDUE_WORKING_DAYS,
    credit_rule,
    overdue_cutoff,
    uncredited_reason,
)
from volunteer.ledger.services.decisions import approve_many, correct, decide, hold_volunteer, may_correct
from volunteer.ledger.services.disputes import disputes_in_scope, disputes_of, get_dispute_for, open_dispute, uphold
from volunteer.ledger.services.listing import (
    FILTER_KEYS,
    corrected_among,
    entries_of,
    filter_choices,
    filter_entries,
    flags,
    flags_for,
    parse_filters,
    project_titles,
    staff_ledger,
    waiting_counts,
    with_details,
)
from volunteer.ledger.services.pages import hours_page, queue_page
from volunteer.ledger.services.photos import photo_for
from volunteer.ledger.services.recording import record_manual, record_session, span_minutes
from volunteer.ledger.services.totals import (
    project_figures,
    projects_served,
    rebuild_totals,
    recompute,
    totals_of,
    verify,
)
from volunteer.ledger.services.waiting import waiting_under

__all__ = [
    "FILTER_KEYS", "MAX_MINUTES", "OVERDUE_WORKING_DAYS", "approve_many", "candidates", "correct", "corrected_among",
    "credit_rule", "decide", "decides_somewhere", "disputes_in_scope", "disputes_of", "ensure_decides_somewhere", "entries_in_scope",
    "entries_of", "filter_choices", "filter_entries", "flags", "flags_for", "get_dispute_for", "get_entry_for",
    "hold_volunteer", "hours_page", "may_correct", "may_decide", "open_dispute", "overdue_cutoff", "parse_filters", "photo_for",
    "project_figures", "project_titles", "projects_served", "queue_page", "rebuild_totals", "recompute", "recordable_project",
    "recordable_projects", "record_manual", "record_session", "span_minutes", "staff_ledger",
    "totals_of", "uncredited_reason", "uphold", "verify", "waiting_counts", "waiting_under", "with_details",
]
