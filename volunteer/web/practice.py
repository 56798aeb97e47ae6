"""返家乡 practice programmes: the league admins' list of their programmes with the form that sets
one up, and a programme's page with the moves of its lifecycle."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.core import permissions
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.organisations import services as organisations
from volunteer.practice import lifecycle
from volunteer.practice import services as practice
from volunteer.practice.forms import ProgrammeForm
from volunteer.web.helpers import submit

bp = Blueprint("practice", __name__)


@bp.route("/practice/", methods=["GET", "POST"])
@login_required
def index():
    permissions.ensure_any_scope(current_user, "programme.run")
    form = ProgrammeForm()
    form.organisation.choices = [(o.code, o.name) for o in permissions.scope_roots(current_user, "programme.run")]
    made = submit(form, lambda: practice.create_programme(
        current_user, organisations.get_visible(current_user, form.organisation.data, "programme.run"),
        {**form.data, "areas": (form.areas.data or "").split()}, now=utcnow()))
    if made:
        flash(_("The programme is set up: start collecting posts when it is ready."), "success")
        return redirect(url_for("practice.detail", programme_id=made.id))
    page = paginate(practice.programmes_of(current_user), request.args.get("page", 1), 20)
    return render_template("practice/index.html", page=page, form=form)


@bp.route("/practice/<int:programme_id>")
@login_required
def detail(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    return render_template("practice/detail.html", programme=programme, moves=lifecycle.next_moves(programme.state),
                           form=ConfirmForm())


@bp.route("/practice/<int:programme_id>/move", methods=["POST"])
@login_required
def move(programme_id: int):
    programme = practice.get_programme_for(current_user, programme_id)
    target = request.form.get("target", "")
    if submit(ConfirmForm(), lambda: practice.transition_programme(current_user, programme, target, now=utcnow())):
        flash(_("The programme is now: %(state)s.", state=programme.state_label), "success")
    return redirect(url_for("practice.detail", programme_id=programme.id))
