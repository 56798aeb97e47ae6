"""The organisation tree for staff: browse within scope, add children, rename, manage staff."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts import services as accounts
from volunteer.accounts.forms import ConfirmForm, GrantRoleForm
from volunteer.core import permissions
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations import services
from volunteer.organisations.forms import OrganisationForm, RenameForm
from volunteer.web.helpers import submit

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.route("/")
@login_required
def index():
    permissions.ensure_any_scope(current_user, "organisation.view")
    page = paginate(services.visible_organisations(current_user), request.args.get("page", 1), 50)
    roots = permissions.scope_roots(current_user, "organisation.view")
    return render_template("organisations/index.html", page=page,
                           base_depth=min(r.depth for r in roots))


@bp.route("/<code>")
@login_required
def detail(code: str):
    org = services.get_visible(current_user, code)
    staff = accounts.staff_of(org)
    return render_template("organisations/detail.html", org=org, staff=staff,
                           can_rename=services.can_rename(current_user, org),
                           can_manage=permissions.can(current_user, "organisation.manage", org),
                           revoke_form=ConfirmForm())


@bp.route("/<code>/children/new", methods=["GET", "POST"])
@login_required
def create_child(code: str):
    parent = services.get_visible(current_user, code, "organisation.manage")
    form = OrganisationForm()
    child = submit(form, lambda: services.create_organisation(
        current_user, parent, code=form.code.data, name=form.name.data, kind=form.kind.data, now=utcnow()))
    if child:
        flash(_("%(name)s has been created.", name=child.name), "success")
        return redirect(url_for("organisations.detail", code=child.code))
    return render_template("organisations/create.html", form=form, parent=parent)


@bp.route("/<code>/rename", methods=["GET", "POST"])
@login_required
def rename(code: str):
    org = services.get_renamable(current_user, code)
    form = RenameForm(name=org.name) if request.method == "GET" else RenameForm()
    if submit(form, lambda: services.rename_organisation(current_user, org, name=form.name.data, now=utcnow())):
        flash(_("The organisation has been renamed."), "success")
        return redirect(url_for("organisations.detail", code=org.code))
    return render_template("organisations/rename.html", form=form, org=org)


@bp.route("/<code>/staff", methods=["GET", "POST"])
@login_required
def grant_role(code: str):
    org = services.get_visible(current_user, code, "membership.manage")
    form = GrantRoleForm()
    if submit(form, lambda: accounts.grant_role_by_login(current_user, form.login.data, org, form.role.data,
                                                         now=utcnow())):
        flash(_("The role has been granted."), "success")
        return redirect(url_for("organisations.detail", code=org.code))
    return render_template("organisations/grant.html", form=form, org=org)


@bp.route("/<code>/staff/<int:membership_id>/revoke", methods=["POST"])
@login_required
def revoke_role(code: str, membership_id: int):
    org = services.get_visible(current_user, code)
    membership = accounts.get_membership_of(org, membership_id)
    if ConfirmForm().validate_on_submit():
        accounts.revoke_role(current_user, membership, now=utcnow())
        db.session.commit()
        flash(_("The role has been removed."), "success")
    return redirect(url_for("organisations.detail", code=org.code))
