"""The hours ledger: the queue in scope, decisions, corrections, manual entries, one's own entries."""
from __future__ import annotations

from flask_smorest import Blueprint

from volunteer.accounts.models import Volunteer
from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.base import PageArgsSchema
from volunteer.api.schemas.ledger import (
    CorrectionSchema,
    DisputeRequestSchema,
    DisputeSchema,
    LedgerArgsSchema,
    LedgerDecisionSchema,
    LedgerEntrySchema,
    LedgerPageSchema,
    ManualEntrySchema,
    MyLedgerPageSchema,
    with_page_details,
)
from volunteer.core import get_by_id
from volunteer.core.database import retried
from volunteer.core.errors import NotFound
from volunteer.core.pagination import Page, paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger import services
from volunteer.projects.models import Project

blp = Blueprint("ledger_api", __name__, url_prefix="/api/v1", description="Ledger")


@blp.route("/ledger", methods=["GET"])
@login_required
@blp.arguments(LedgerArgsSchema, location="query")
@blp.response(200, LedgerPageSchema)
@blp.doc(security=BEARER)
def list_entries(args):
    """Entries in the caller's scope (their stations as lead, their projects as staff)."""
    user = api_user()
    services.ensure_decides_somewhere(user)
    now = utcnow()
    stmt = services.filter_entries(services.entries_in_scope(user), args, now=now)
    page = paginate(services.with_details(stmt), args["page"], args["per_page"])
    with_page_details(page.items, now=now)
    return page


@blp.route("/ledger", methods=["POST"])
@login_required
@blp.arguments(ManualEntrySchema)
@blp.response(201, LedgerEntrySchema)
@blp.alt_response(422, schema="Error")
@blp.doc(security=BEARER)
def manual_entry(body):
    """Record service done without a scan (补录); pending until someone else approves it."""
    project = get_by_id(Project, body.pop("project_id"))
    if project is None:
        raise NotFound()
    volunteer = get_by_id(Volunteer, body.pop("volunteer_id"))
    entry = services.record_manual(api_user(), project, volunteer, body, now=utcnow())
    db.session.commit()
    return entry


@blp.route("/ledger/<int:entry_id>/decision", methods=["POST"])
@login_required
@blp.arguments(LedgerDecisionSchema)
@blp.response(200, LedgerEntrySchema)
@blp.alt_response(409, schema="Error", description="`already_decided`")
@blp.alt_response(403, schema="Error", description="`own_hours` (nobody decides on their own hours), "
                                                   "`needs_higher_approval` (over the day's limit)")
@blp.doc(security=BEARER)
@retried
def decide(body, entry_id):
    """Approve (optionally with adjusted minutes and a reason) or reject (with a reason)."""
    user = api_user()
    entry = services.get_entry_for(user, entry_id)
    services.decide(user, entry, body["decision"], minutes=body["minutes"], reason=body["reason"], now=utcnow())
    db.session.commit()
    return entry


@blp.route("/ledger/<int:entry_id>/corrections", methods=["POST"])
@login_required
@blp.arguments(CorrectionSchema)
@blp.response(201, LedgerEntrySchema)
@blp.alt_response(409, schema="Error", description="`not_decided`, `already_corrected`")
@blp.doc(security=BEARER)
@retried
def correct(body, entry_id):
    """Correct a decided entry (an approved one's newest figure, or a rejected one) with a new
    entry; the original stays."""
    user = api_user()
    entry = services.get_entry_for(user, entry_id)
    correction = services.correct(user, entry, body["minutes"], body["reason"], now=utcnow())
    db.session.commit()
    return correction


@blp.route("/me/ledger", methods=["GET"])
@login_required
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, MyLedgerPageSchema)
@blp.doc(security=BEARER)
def my_ledger(args):
    """The caller's own entries, newest first, a page at a time, each with the caller's disputes
    and their answers."""
    volunteer = api_user().volunteer
    if volunteer is None:
        return Page(items=[], page=1, per_page=args["per_page"], total=0)
    page = paginate(services.with_details(services.entries_of(volunteer.id)), args["page"], args["per_page"])
    with_page_details(page.items, now=utcnow(),
                      disputes=services.disputes_of(volunteer.id, [e.id for e in page.items]))
    return page


@blp.route("/ledger/<int:entry_id>/disputes", methods=["POST"])
@login_required
@blp.arguments(DisputeRequestSchema)
@blp.response(201, DisputeSchema)
@blp.alt_response(409, schema="Error", description="`already_disputed`")
@blp.doc(security=BEARER)
def dispute(body, entry_id):
    """The caller disputes one of their own entries with a note; it goes back to the lead's queue
    and is answered by a decision, a correction, or the entry kept with a reason."""
    found = services.open_dispute(api_user(), entry_id, body["note"], now=utcnow())
    db.session.commit()
    return found
