"""The approval queue of station leads and staff."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger import services
from volunteer.ledger.forms import DecisionForm
from volunteer.web import submit

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.route("/queue")
@login_required
def queue():
    services.ensure_decides_somewhere(current_user)
    stmt = services.filter_entries(services.entries_in_scope(current_user), {"state": "pending"})
    page = paginate(stmt, request.args.get("page", 1), 50)
    now = utcnow()
    return render_template("ledger/queue.html", page=page, batch_form=ConfirmForm(), form=DecisionForm(),
                           flags={entry.id: services.flags(entry, now) for entry in page.items})


@bp.route("/queue/approve", methods=["POST"])
@login_required
def approve_selected():
    services.ensure_decides_somewhere(current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        ids = [int(i) for i in request.form.getlist("entry_ids") if i.isdigit()]
        if not ids:
            flash(_("Select the entries to approve."), "error")
        else:
            approved, problems = services.approve_many(current_user, ids)
            db.session.commit()
            flash(_("%(n)s entries approved.", n=approved), "success")
            for problem in problems:
                flash(problem, "error")
    return redirect(url_for("ledger.queue"))


@bp.route("/<int:entry_id>/decide", methods=["POST"])
@login_required
def decide(entry_id: int):
    entry = services.get_entry_for(current_user, entry_id)
    form = DecisionForm()
    if submit(form, lambda: services.decide(current_user, entry, form.decision.data, minutes=form.minutes.data,
                                            reason=form.reason.data)):
        flash(_("Approved.") if entry.state == "approved" else _("Rejected."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("ledger.queue"))
