"""The approval queue of station leads and staff."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.core import database
from volunteer.core.database import retried
from volunteer.core.errors import Conflict, ValidationFailed
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.core.vocabulary import MIMETYPES, ExportFormat
from volunteer.extensions import db
from volunteer.ledger import exports, services
from volunteer.ledger.forms import DecisionForm, DisputeForm
from volunteer.ledger.vocabulary import EntrySource, EntryState, Flag
from volunteer.web.helpers import flash_form_errors, query_url, submit

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.route("/")
@login_required
def index():
    """Every entry the user looks after, filtered; the exports give the same rows."""
    services.ensure_decides_somewhere(current_user)
    _filters, errors, stmt = services.staff_ledger(current_user, request.args, now=utcnow())
    page = paginate(services.with_details(stmt), request.args.get("page", 1), 50)
    projects, stations = services.filter_choices(current_user)
    return render_template("ledger/index.html", page=page, errors=errors.fields,
                           raw={key: request.args.get(key, "") for key in services.FILTER_KEYS},
                           projects=projects, stations=stations, states=EntryState.choices(),
                           sources=EntrySource.choices())


@bp.route("/export.<kind>")
@login_required
@database.writes  # it logs who exported what
def export(kind: str):
    services.ensure_decides_somewhere(current_user)
    if kind not in ExportFormat.values():
        abort(404)
    now = utcnow()
    filters, errors, stmt = services.staff_ledger(current_user, request.args, now=now)
    try:
        words = exports.start_export(current_user, kind, filters, errors, stmt, now=now)
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(query_url(url_for("ledger.index")))
    db.session.commit()
    name = f"ledger-{now:%Y%m%d-%H%M}.{kind}"
    headers = {"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"}
    if kind == ExportFormat.CSV:
        return Response(stream_with_context(exports.csv_chunks(stmt, words)), mimetype=MIMETYPES[ExportFormat(kind)], headers=headers)
    return Response(exports.xlsx_bytes(stmt, words), mimetype=MIMETYPES[ExportFormat(kind)], headers=headers)


@bp.route("/queue")
@login_required
def queue():
    return render_template("ledger/queue.html", batch_form=ConfirmForm(), form=DecisionForm(),
                           flag_labels=Flag.labels(),
                           **services.queue_page(current_user, page=request.args.get("page", 1), now=utcnow()))


@bp.route("/queue/approve", methods=["POST"])
@login_required
@retried
def approve_selected():
    services.ensure_decides_somewhere(current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        ids = [int(i) for i in request.form.getlist("entry_ids") if i.isdigit()]
        if not ids:
            flash(_("Select the entries to approve."), "error")
        else:
            approved, problems = services.approve_many(current_user, ids, now=utcnow())
            db.session.commit()
            flash(_("%(n)s entries approved.", n=approved), "success")
            for problem in problems:
                flash(problem, "error")
    return redirect(url_for("ledger.queue"))


@bp.route("/<int:entry_id>/decide", methods=["POST"])
@login_required
@retried
def decide(entry_id: int):
    entry = services.get_entry_for(current_user, entry_id)
    form = DecisionForm()
    if submit(form, lambda: services.decide(current_user, entry, form.decision.data, minutes=form.minutes.data,
                                            reason=form.reason.data, now=utcnow())):
        flash(_("Approved.") if entry.state == EntryState.APPROVED else _("Rejected."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("ledger.queue"))


@bp.route("/disputes/<int:dispute_id>/uphold", methods=["POST"])
@login_required
@retried
def uphold(dispute_id: int):
    dispute = services.get_dispute_for(current_user, dispute_id)
    form = DecisionForm()
    if submit(form, lambda: services.uphold(current_user, dispute, form.reason.data, now=utcnow())):
        flash(_("The entry stays as it is; the volunteer sees your reason."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("ledger.queue"))


@bp.route("/<int:entry_id>/correct", methods=["POST"])
@login_required
@retried
def correct(entry_id: int):
    entry = services.get_entry_for(current_user, entry_id)
    form = DecisionForm()
    if submit(form, lambda: services.correct(current_user, entry, form.minutes.data, form.reason.data, now=utcnow())):
        flash(_("The entry has been corrected; the original stays in the record."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("ledger.queue"))


@bp.route("/mine")
@login_required
def mine():
    """The volunteer's own hours: totals, by year and project, and every entry."""
    volunteer = current_user.volunteer
    if volunteer is None:
        return redirect(url_for("accounts.profile"))
    return render_template("ledger/mine.html", form=DisputeForm(),
                           **services.hours_page(volunteer.id, page=request.args.get("page", 1)))


@bp.route("/<int:entry_id>/dispute", methods=["POST"])
@login_required
def dispute(entry_id: int):
    form = DisputeForm()
    if submit(form, lambda: services.open_dispute(current_user, entry_id, form.note.data, now=utcnow())):
        flash(_("Your note has gone to the station lead."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("ledger.mine"))
