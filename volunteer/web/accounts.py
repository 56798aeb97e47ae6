"""Sign-in, registration, the volunteer's own pages, and the staff list of volunteers."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts import limits, privacy, services
from volunteer.accounts.errors import CodeNotSent, ResetCodeRefused, ResetWaits
from volunteer.accounts.forms import (
    CloseAccountForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
)
from volunteer.accounts.vocabulary import CodeChannel
from volunteer.certificates import services as certificates
from volunteer.core import permissions
from volunteer.core.errors import InvalidCredentials, NotFound, ValidationFailed
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db, limiter
from volunteer.ledger import services as ledger
from volunteer.organisations import services as organisations
from volunteer.projects import services as projects
from volunteer.web.helpers import form_failed, safe_next, sign_in, sign_out, submit

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limits.login_limits(limiter)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = limits.authenticate_throttled(limiter, form.login.data, form.password.data)
        except InvalidCredentials as exc:
            flash(str(exc.message), "error")
        else:
            sign_in(user)
            return redirect(safe_next(form.next.data, url_for("main.home")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit():
        sign_out()
        flash(_("You have signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/me/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of the account, this browser's, the other browsers' and the app's tokens."""
    if ConfirmForm().validate_on_submit():
        user = current_user._get_current_object()
        services.sign_out_everywhere(user, user, now=utcnow())
        sign_out()
        flash(_("You have signed out on every device."), "success")
        return redirect(url_for("main.home"))
    return redirect(url_for("accounts.profile"))


# The login a code was asked for, to fill in the page that takes the code (not in its URL).
RESET_LOGIN = "reset_login"


@bp.route("/password-reset", methods=["GET", "POST"])
@limits.reset_limits(limiter)
def forgot_password():
    """Ask for a code: the same answer whether or not the account exists."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        limits.count_code_request(limiter, form.login.data)
        services.request_password_reset(form.login.data, now=utcnow())
        db.session.commit()
        session[RESET_LOGIN] = form.login.data.strip()
        flash(services.code_sent_message(), "success")
        return redirect(url_for("accounts.reset_password"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password-reset/new", methods=["GET", "POST"])
@limits.reset_limits(limiter)
def reset_password():
    """Set a new password with the code (typed, or in the e-mail's link); this browser is then
    signed in with a new session, every other one ended."""
    form = ResetPasswordForm(login=request.args.get("login") or session.get(RESET_LOGIN, ""),
                             code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            user = services.reset_password(form.login.data, form.code.data, form.new_password.data, now=utcnow())
        except ResetCodeRefused as exc:
            db.session.commit()  # the wrong try counts against the code
            form_failed(form, exc)
        except ValidationFailed as exc:
            db.session.rollback()
            form_failed(form, exc)
        else:
            db.session.commit()
            session.pop(RESET_LOGIN, None)
            sign_in(user)
            flash(_("Your password has been reset. Every other device has been signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/reset.html", form=form, minutes=services.code_minutes())


def _organisation_choices():
    return [("", "—")] + organisations.registration_choices()


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(limits.registration_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm(next=request.args.get("next", ""))
    form.organisation_code.choices = _organisation_choices()
    notice = privacy.current_notice()

    def register_from_form():
        data = {key: form[key].data for key in (
            "name", "phone", "id_number", "password", "organisation_code", "email",
            "political_status", "school_or_employer", "skills")}
        data["consent_version"] = form.consent_version.data if form.consent.data else None
        data["guardian"] = {"name": form.guardian_name.data, "phone": form.guardian_phone.data,
                            "consent": form.guardian_consent.data,
                            "sensitive_consent": form.guardian_sensitive_consent.data}
        return services.register_volunteer(data, now=utcnow())

    volunteer = submit(form, register_from_form, field_map={"consent_version": "consent"})
    if volunteer:
        sign_in(volunteer.user)
        flash(_("Welcome! Your volunteer number is %(no)s.", no=volunteer.volunteer_no), "success")
        return redirect(safe_next(form.next.data, url_for("accounts.profile")))
    form.consent_version.data = notice["version"]
    return render_template("accounts/register.html", form=form, notice=notice,
                           adult_age=services.ADULT_AGE, sensitive_age=services.SENSITIVE_AGE)


@bp.route("/me")
@login_required
def profile():
    return render_template("accounts/profile.html", user=current_user,
                           volunteer=current_user.volunteer, logout_form=ConfirmForm())


@bp.route("/me/edit", methods=["GET", "POST"])
@login_required
def edit_profile():
    volunteer = current_user.volunteer
    if volunteer is None:
        raise NotFound()
    form = ProfileForm(obj=volunteer) if request.method == "GET" else ProfileForm()
    if request.method == "GET":
        form.email.data = current_user.email
    if submit(form, lambda: services.update_profile(current_user, {k: form[k].data for k in (
            "email", "current_password", "political_status", "school_or_employer", "skills")}, now=utcnow())):
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/edit_profile.html", form=form, volunteer=volunteer)


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if submit(form, lambda: services.change_password(
            current_user, current=form.current_password.data, new=form.new_password.data, now=utcnow())):
        sign_in(current_user._get_current_object())  # a new session for the new password
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


@bp.route("/me/export")
@login_required
def export_data():
    body = json.dumps(services.export_personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=my-volunteer-data.json"})


@bp.route("/me/close", methods=["GET", "POST"])
@login_required
def close_account():
    form = CloseAccountForm()
    if submit(form, lambda: services.close_account(current_user, password=form.password.data, now=utcnow())):
        sign_out()
        flash(_("Your account has been closed and your personal data erased."), "success")
        return redirect(url_for("main.home"))
    return render_template("accounts/close.html", form=form)


@bp.route("/volunteers")
@login_required
def volunteer_list():
    permissions.ensure_any_scope(current_user, "volunteer.view")
    page = paginate(services.volunteers_in_scope(current_user, request.args.get("q")),
                    request.args.get("page", 1), request.args.get("per_page", 20))
    return render_template("accounts/volunteer_list.html", page=page, q=request.args.get("q", ""))


@bp.route("/volunteers/<int:volunteer_id>")
@login_required
def volunteer_detail(volunteer_id: int):
    volunteer = services.get_volunteer_for(current_user, volunteer_id)
    may_reset = volunteer.is_active and permissions.can(current_user, "volunteer.reset_password", volunteer)
    return render_template("accounts/volunteer_detail.html", volunteer=volunteer, may_reset=may_reset,
                           **_service_record(volunteer))


@bp.route("/volunteers/<int:volunteer_id>/password-reset", methods=["POST"])
@login_required
def start_password_reset(volunteer_id: int):
    """A league admin has a code sent to the volunteer's own phone or e-mail (never shown here)."""
    volunteer = services.volunteer_to_reset(current_user, volunteer_id)
    if ConfirmForm().validate_on_submit():
        try:
            limits.count_code_request(limiter, (volunteer.user.phone or volunteer.user.email) if volunteer.user else "")
            channel = services.start_password_reset(current_user, volunteer, now=utcnow())
        except (CodeNotSent, ResetWaits) as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(_("A code to set a new password was sent to the volunteer by %(channel)s.",
                    channel=CodeChannel.label_of(channel)), "success")
    return redirect(url_for("accounts.volunteer_detail", volunteer_id=volunteer.id))


RECENT_PROJECTS = 10
RECENT_CERTIFICATES = 10


def _service_record(volunteer) -> dict:
    """What staff over the volunteer see of their service: the hours the ledger keeps for them
    (their whole record, the total a certificate for them states), the projects most recently
    served, each named only where the viewer may open the project (another town's closed project
    shows its organisation, not its title), and their certificates, which staff over the
    volunteer may open (certificates.get_certificate_for)."""
    totals = ledger.totals_of(volunteer.id)
    recent, served_count = ledger.projects_served(totals, RECENT_PROJECTS)
    found = projects.projects_by_id(project_id for project_id, _ in recent)
    rows = [{**figures, "project": found[project_id], "visible": projects.is_visible_to(current_user, found[project_id])}
            for project_id, figures in recent if project_id in found]
    listed = certificates.certificates_of(volunteer.id)
    return {"totals": totals, "served": rows, "served_count": served_count,
            "certificates": db.session.scalars(listed.limit(RECENT_CERTIFICATES)).all(),
            "certificate_count": db.session.scalar(listed.with_only_columns(sa.func.count()).order_by(None)),
            "ledger_link": ledger.decides_somewhere(current_user)}
