"""The approval queue of station leads and staff."""
from __future__ import annotations

from types import SimpleNamespace

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
from volunteer.accounts.models import Volunteer
from volunteer.core import database, permissions
from volunteer.core.database import retried
from volunteer.core.errors import Conflict, ValidationFailed
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.core.vocabulary import MIMETYPES, ExportFormat
from volunteer.extensions import db
from volunteer.ledger import exports, services
from volunteer.ledger.forms import DecisionForm, DisputeForm, ManualEntryForm
from volunteer.ledger.vocabulary import EntrySource, EntryState, Flag
from volunteer.projects import services as project_services
from volunteer.web.helpers import flash_form_errors, query_url, submit
from volunteer.web.templating import duration_text

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.route("/")
@login_required
def index():
    """Every entry the user looks after, filtered; the exports give the same rows."""
    services.ensure_decides_somewhere(current_user)
    _filters, errors, stmt = services.staff_ledger(current_user, request.args, now=utcnow())
    page = paginate(services.with_details(stmt), request.args.get("page", 1), 50)
    projects, stations = services.filter_choices(current_user)
    organisations = project_services.organisation_choices(current_user, view="staff",
                                                          selected=request.args.get("organisation"))
    return render_template("ledger/index.html", page=page, errors=errors.fields, organisations=organisations,
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
    return _queue_page()


def _queue_page(failed=None, status=200):
    """The queue; after a refused decision, the same page with the entry open, the reason beside
    it and what was typed still in its fields (``failed``: the entry, its errors and values)."""
    return render_template("ledger/queue.html", batch_form=ConfirmForm(), form=DecisionForm(),
                           flag_labels=Flag.labels(), failed_entry=failed,
                           records=bool(permissions.scope_roots(current_user, "project.manage")),
                           **services.queue_page(current_user, page=request.args.get("page", 1), now=utcnow())), status


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
        flash(_("Approved: %(name)s, %(time)s.", name=entry.volunteer.display_name, time=duration_text(entry.minutes))
              if entry.state == EntryState.APPROVED else
              _("Rejected: %(name)s, %(time)s.", name=entry.volunteer.display_name, time=duration_text(entry.minutes)),
              "success")
        return redirect(url_for("ledger.queue"))
    errors = [str(message) for field in form for message in field.errors]
    if not errors or not entry.is_pending:  # decided meanwhile, or a refusal of the whole request
        return redirect(url_for("ledger.queue", page=request.args.get("page", 1)))
    flash(_("Not saved: %(name)s's entry of %(day)s, see below.", name=entry.volunteer.display_name,
            day=entry.served_on), "error")
    return _queue_page(SimpleNamespace(id=entry.id, errors=errors, minutes=request.form.get("minutes"),
                                       reason=request.form.get("reason", "")), 422)


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


@bp.route("/record", methods=["GET", "POST"])
@login_required
@retried
def record():
    """Service without a scan (补录): choose the project and find the volunteer, then say when and
    why; the entry waits for someone else's approval."""
    projects = services.recordable_projects(current_user)
    if not projects and not permissions.scope_roots(current_user, "project.manage"):
        abort(403)
    form = ManualEntryForm()
    chosen = form.project_id.data if request.method == "POST" else request.args.get("project")
    project = services.recordable_project(current_user, int(chosen) if (chosen or "").isdigit() else None)
    search = request.values.get("q", "").strip()
    found = services.candidates(current_user, project, search) if project is not None else []
    form.volunteer_id.choices = [(v.id, v.name or v.volunteer_no) for v in found]
    if request.method == "POST":
        if project is None:
            abort(404)
        volunteer = db.session.get(Volunteer, form.volunteer_id.data) if form.volunteer_id.data else None
        upload = form.photo.data.read() if form.photo.data else None
        entry = submit(form, lambda: services.record_manual(current_user, project, volunteer, {
            "minutes": form.minutes.data, "served_on": form.served_on.data, "service_from": form.service_from.data,
            "service_to": form.service_to.data, "activity": form.activity.data, "reason": form.reason.data,
            "photo": upload}, now=utcnow()))
        if entry:
            flash(_("Recorded: %(minutes)s minutes for %(name)s, waiting for someone else to approve them.",
                    minutes=entry.minutes, name=entry.volunteer.name or entry.volunteer.volunteer_no), "success")
            return redirect(url_for("ledger.record", project=project.id))
    elif project is not None:
        form.project_id.data = project.id
    return render_template("ledger/record.html", form=form, projects=projects, project=project, q=search,
                           found=found)


@bp.route("/<int:entry_id>/photo")
@login_required
def photo(entry_id: int):
    return Response(services.photo_for(current_user, entry_id), mimetype="image/jpeg",
                    headers={"Cache-Control": "private, no-store", "Content-Disposition": "inline"})


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
    dispute = submit(form, lambda: services.open_dispute(current_user, entry_id, form.note.data, now=utcnow()))
    if dispute:
        flash(_("Your note has gone to the station lead.") if dispute.entry.answered_by_lead
              else _("Your note has gone to the project's staff."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("ledger.mine"))
