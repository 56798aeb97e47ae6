"""Certificates: the admins' register, issuing and revoking, seals, the volunteer's own
certificates and requests, and the public verification page."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.certificates import batches as batch_service
from volunteer.certificates import limits, services
from volunteer.certificates.forms import BatchForm, IssueForm, ReasonForm, RequestForm, SealForm
from volunteer.certificates.vocabulary import CertificateStatus
from volunteer.core import jobs, permissions
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import limiter
from volunteer.organisations import services as organisations
from volunteer.web.helpers import flash_form_errors, submit

bp = Blueprint("certificates", __name__)


def _base_url() -> str:
    return request.url_root


# --- public -------------------------------------------------------------------------------------

@bp.route("/verify", methods=["GET"])
@bp.route("/verify/<serial>", methods=["GET"])
@limits.verification_limits(limiter)
def verify(serial: str | None = None):
    """Anyone checks a certificate: the QR code's link, or a serial and code typed in."""
    serial = serial or (request.args.get("serial") or "").strip()
    code = request.args.get("c") or request.args.get("code")
    result = services.verify(serial, code) if serial else None
    return render_template("certificates/verify.html", serial=serial, code=code or "", result=result,
                           revoked=bool(result) and result.get("status") == CertificateStatus.REVOKED)


# --- volunteers ---------------------------------------------------------------------------------

@bp.route("/certificates/mine")
@login_required
def mine():
    volunteer = current_user.volunteer
    if volunteer is None:
        return redirect(url_for("accounts.profile"))
    form = RequestForm()
    form.project_id.choices = services.project_choices(volunteer_id=volunteer.id)
    page = paginate(services.certificates_of(volunteer.id), request.args.get("page", 1), 20)
    return render_template("certificates/mine.html", page=page, form=form, requests=services.requests_of(volunteer.id))


@bp.route("/certificates/request", methods=["POST"])
@login_required
def request_one():
    form = RequestForm()
    form.project_id.choices = services.project_choices(volunteer_id=getattr(current_user.volunteer, "id", None))
    if submit(form, lambda: services.request_certificate(current_user, {
            "project_id": form.project_id.data, "period_from": form.period_from.data,
            "period_to": form.period_to.data, "note": form.note.data}, now=utcnow())):
        flash(_("Your request has been sent to the league admin."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("certificates.mine"))


@bp.route("/certificates/<serial>.pdf")
@login_required
def download(serial: str):
    certificate = services.get_certificate_for(current_user, serial)
    return Response(services.pdf_of(certificate), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={certificate.serial}.pdf",
                             "Cache-Control": "private, no-store"})


# --- admins -------------------------------------------------------------------------------------

@bp.route("/certificates/")
@login_required
def register():
    permissions.ensure_any_scope(current_user, "certificate.issue")
    form = IssueForm()
    form.project_id.choices = services.project_choices(current_user)
    search = (request.args.get("q") or "").strip()
    page = paginate(services.register_in_scope(current_user, search), request.args.get("page", 1), 30)
    pending = services.requests_waiting_for(current_user)
    # Issuing by hand: the volunteer is found by name or number within the admin's scope, then picked.
    who = (request.args.get("who") or "").strip()
    candidates, more_candidates = services.volunteers_to_certify(current_user, who)
    return render_template("certificates/register.html", page=page, form=form, pending=pending,
                           reason_form=ReasonForm(), search=search, who=who,
                           candidates=candidates, more_candidates=more_candidates,
                           roots=permissions.scope_roots(current_user, "certificate.issue"))


@bp.route("/certificates/issue", methods=["POST"])
@login_required
def issue():
    permissions.ensure_any_scope(current_user, "certificate.issue")
    form = IssueForm()
    form.project_id.choices = services.project_choices(current_user)
    certificate = submit(form, lambda: services.issue_for_number(
        current_user, form.volunteer_no.data, base_url=_base_url(), project_id=form.project_id.data,
        period_from=form.period_from.data, period_to=form.period_to.data, now=utcnow()))
    if certificate:
        flash(_("Certificate %(serial)s issued.", serial=certificate.serial), "success")
        return redirect(url_for("certificates.register", q=certificate.serial))
    flash_form_errors(form)
    # back to the volunteers the search found, to pick again
    return redirect(url_for("certificates.register", who=(form.who.data or "").strip()[:80] or None,
                            _anchor="issuing"))


@bp.route("/certificates/<serial>/revoke", methods=["POST"])
@login_required
def revoke(serial: str):
    certificate = services.get_for_admin(current_user, serial)
    form = ReasonForm()
    if submit(form, lambda: services.revoke(current_user, certificate, form.reason.data, now=utcnow())):
        flash(_("Certificate %(serial)s revoked; it now verifies as revoked.", serial=serial), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("certificates.register"))


@bp.route("/certificates/<serial>/reissue", methods=["POST"])
@login_required
def reissue(serial: str):
    """A new certificate with the same scope as a revoked one, from today's approved hours."""
    old = services.get_for_admin(current_user, serial)
    form = ReasonForm()
    certificate = submit(form, lambda: services.reissue(current_user, old, base_url=_base_url(), now=utcnow()))
    if certificate:
        flash(_("Certificate %(serial)s issued.", serial=certificate.serial), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("certificates.register"))


@bp.route("/certificates/requests/<int:request_id>", methods=["POST"])
@login_required
def decide_request(request_id: int):
    found = services.get_request_for(current_user, request_id)
    form = ReasonForm()
    if submit(form, lambda: services.decide_request(current_user, found, form.decision.data, base_url=_base_url(),
                                                    reason=form.reason.data, now=utcnow())):
        flash(_("The request has been answered."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("certificates.register"))


@bp.route("/certificates/seal/<code>", methods=["GET", "POST"])
@login_required
def seal(code: str):
    organisation, current = services.seal_settings_for(current_user, code)
    form = SealForm(person_in_charge=current.person_in_charge if current else None)
    upload = request.files.get("seal")
    if submit(form, lambda: services.set_seal(current_user, organisation, upload.read() if upload else None,
                                              form.person_in_charge.data, now=utcnow())):
        flash(_("The seal and signature are saved; new certificates carry them."), "success")
        return redirect(url_for("certificates.seal", code=code))
    return render_template("certificates/seal.html", form=form, organisation=organisation, current=current)


@bp.route("/certificates/seal/<code>.png")
@login_required
def seal_image(code: str):
    """Served from the database, to the organisation's admins only."""
    return Response(services.seal_png_for(current_user, code), mimetype="image/png", headers={"Cache-Control": "private, no-store",
                                                                 "X-Content-Type-Options": "nosniff"})


# --- batches ------------------------------------------------------------------------------------

@bp.route("/certificates/batches", methods=["GET", "POST"])
@login_required
def batches():
    permissions.ensure_any_scope(current_user, "certificate.issue")
    form = BatchForm()
    form.organisation_code.choices = organisations.choices_for(current_user, "certificate.issue")
    job = submit(form, lambda: batch_service.start_batch(
        current_user, organisations.get_by_code(form.organisation_code.data),
        {"min_hours": form.min_hours.data, "period_from": form.period_from.data,
         "period_to": form.period_to.data}, base_url=_base_url(), now=utcnow()))
    if job:
        jobs.enqueue(job.id)
        return redirect(url_for("certificates.batch", job_id=job.id))
    page = paginate(batch_service.batches_in_scope(current_user), request.args.get("page", 1), 20)
    return render_template("certificates/batches.html", form=form, page=page, skipped_in=batch_service.skipped_in)


@bp.route("/certificates/batches/<int:job_id>")
@login_required
def batch(job_id: int):
    job, now = batch_service.get_batch_for(current_user, job_id), utcnow()
    return render_template("certificates/batch.html", job=job, form=ReasonForm(), resumable=job.is_resumable(now),
                           under_way=job.is_under_way(now), skipped=batch_service.skipped_in(job))


@bp.route("/certificates/batches/<int:job_id>.json")
@login_required
def batch_status(job_id: int):
    job = batch_service.get_batch_for(current_user, job_id)
    return {**jobs.status_of(job, now=utcnow()), "skipped": batch_service.skipped_in(job)}


@bp.route("/certificates/batches/<int:job_id>/resume", methods=["POST"])
@login_required
def batch_resume(job_id: int):
    job = batch_service.get_batch_for(current_user, job_id)
    form = ReasonForm()
    if submit(form, lambda: batch_service.resume(current_user, job, now=utcnow())):
        jobs.enqueue(job.id)
        flash(_("The batch goes on from where it stopped."), "success")
    return redirect(url_for("certificates.batch", job_id=job.id))


@bp.route("/certificates/batches/<int:job_id>.zip")
@login_required
def batch_zip(job_id: int):
    job = batch_service.get_batch_for(current_user, job_id)
    return send_file(batch_service.zip_of(job), mimetype="application/zip", as_attachment=True,
                     download_name=f"certificates-batch-{job.id}.zip", max_age=0)
