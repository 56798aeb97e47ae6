"""Dashboards and reports: the staff's dashboard of their subtree, its tables as CSV and XLSX,
the printable period report (a background job), and an organisation's public figures."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from volunteer.core import jobs
from volunteer.core.errors import ValidationFailed
from volunteer.core.time import utcnow
from volunteer.core.vocabulary import MIMETYPES, ExportFormat
from volunteer.reports import exports, printing
from volunteer.reports import services as reports
from volunteer.reports.forms import JobForm, PrintForm, PublicFiguresForm
from volunteer.reports.vocabulary import Figure, ReportTable
from volunteer.reports.vocabulary import PeriodChoice as PeriodKind
from volunteer.web.helpers import submit

bp = Blueprint("reports", __name__)


def _chosen(args):
    """The organisation and period asked for; a bad custom period falls back to this year, with
    its errors beside the fields."""
    organisation = reports.organisation_for(current_user, args.get("organisation"))
    errors = {}
    try:
        kind, period = reports.period_of(args.get("period"), args.get("from"), args.get("to"), now=utcnow())
    except ValidationFailed as exc:
        errors = {name: [str(m) for m in messages] for name, messages in exc.fields.items()}
        kind, period = reports.period_of(PeriodKind.THIS_YEAR, now=utcnow())
    return organisation, kind, period, errors


def caption(board: dict, table=None) -> str:
    period = board["period"]
    title = f"{board['organisation'].name} · {period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"
    return f"{title} · {table.title}" if table else title


# The unit written after each headline figure.
UNITS = {Figure.REGISTERED_VOLUNTEERS: _l("people"), Figure.ACTIVE_VOLUNTEERS: _l("people"),
         Figure.PERSON_TIMES: _l("person-times"), Figure.APPROVED_HOURS: _l("hours"), Figure.CHECKIN_HOURS: _l("hours"),
         Figure.MANUAL_HOURS: _l("hours"), Figure.PENDING_HOURS: _l("hours"), Figure.STATIONS_ACTIVE: _l("stations"),
         Figure.COVERAGE: ""}


def headline_context() -> dict:
    """What templates/reports/_headline.html needs besides the figures."""
    return {"headline_figures": exports.HEADLINE_FIGURES, "units": UNITS, "change": reports.change}


def _links(organisation, kind, period) -> dict:
    """Links that keep the period: a table's download, a row's organisation one level down."""
    keep = {"period": kind, "from": period.start.isoformat(), "to": period.end.isoformat()}
    return {"export_url": lambda name, fmt: url_for("reports.export", name=name, fmt=fmt,
                                                    organisation=organisation.code, **keep),
            "down_url": lambda code: url_for("reports.dashboard", organisation=code, **keep)}


@bp.route("/reports/")
@login_required
def dashboard():
    organisation, kind, period, errors = _chosen(request.args)
    board = reports.dashboard(organisation, period, now=utcnow())
    return render_template("reports/dashboard.html", board=board, tables=exports.tables_of(board), kind=kind,
                           errors=errors, args=request.args, waiting=reports.waiting_for(current_user, now=utcnow()),
                           **headline_context(), **_links(organisation, kind, period),
                           choices=reports.organisation_choices(current_user, organisation),
                           print_form=PrintForm(organisation=board["organisation"].code, period=kind,
                                                start=period.start.isoformat(), end=period.end.isoformat()))


@bp.route("/reports/<name>.<fmt>")
@login_required
def export(name: str, fmt: str):
    if name not in ReportTable.values() or fmt not in ExportFormat.values():
        abort(404)
    organisation, _kind, period, errors = _chosen(request.args)
    if errors:
        abort(400)
    board = reports.dashboard(organisation, period, now=utcnow())
    table = exports.tables_of(board)[ReportTable(name)]
    filename = f"{organisation.code}-{name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
    write = exports.as_csv if fmt == ExportFormat.CSV else exports.as_xlsx
    return Response(write(table, caption(board, table)), mimetype=MIMETYPES[ExportFormat(fmt)], headers={"Content-Disposition": f"attachment; filename={filename}",
                                                      "Cache-Control": "private, no-store"})


# --- the printable report -----------------------------------------------------------------------

@bp.route("/reports/print", methods=["POST"])
@login_required
def start_print():
    form = PrintForm()
    chosen = {"organisation": form.organisation.data, "period": form.period.data, "from": form.start.data,
              "to": form.end.data}
    organisation, _kind, period, errors = _chosen(chosen)
    if errors:
        flash(_("Please correct the period first."), "error")
        return redirect(url_for("reports.dashboard", **chosen))
    job = submit(form, lambda: printing.start_report(current_user, organisation, period, now=utcnow()))
    if not job:
        abort(400)
    jobs.enqueue(job.id)
    return redirect(url_for("reports.report_job", job_id=job.id))


@bp.route("/reports/jobs/<int:job_id>")
@login_required
def report_job(job_id: int):
    job, now = printing.get_report_for(current_user, job_id), utcnow()
    return render_template("reports/job.html", job=job, form=JobForm(), resumable=job.is_resumable(now),
                           under_way=job.is_under_way(now))


@bp.route("/reports/jobs/<int:job_id>.json")
@login_required
def report_status(job_id: int):
    job, now = printing.get_report_for(current_user, job_id), utcnow()
    return jobs.status_of(job, now=now)


@bp.route("/reports/jobs/<int:job_id>/resume", methods=["POST"])
@login_required
def report_resume(job_id: int):
    job = printing.get_report_for(current_user, job_id)
    if submit(JobForm(), lambda: printing.resume(current_user, job, now=utcnow())):
        jobs.enqueue(job.id)
    return redirect(url_for("reports.report_job", job_id=job.id))


@bp.route("/reports/jobs/<int:job_id>.pdf")
@login_required
def report_pdf(job_id: int):
    job = printing.get_report_for(current_user, job_id)
    pdf = printing.pdf_of(job)
    if pdf is None:
        abort(404)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=report-{job.id}.pdf",
                             "Cache-Control": "private, no-store"})


# --- public figures -----------------------------------------------------------------------------

@bp.route("/organisations/<code>/figures", methods=["GET", "POST"])
@login_required
def figure_settings(code: str):
    organisation = reports.figure_settings_for(current_user, code)
    form = PublicFiguresForm(publishes=organisation.publishes_figures, population=organisation.population)
    if submit(form, lambda: reports.set_public_figures(current_user, organisation, publishes=form.publishes.data,
                                                       population=form.population.data, now=utcnow())):
        flash(_("The settings are saved."), "success")
        return redirect(url_for("reports.figure_settings", code=organisation.code))
    return render_template("reports/figure_settings.html", form=form, organisation=organisation)


@bp.route("/figures/<code>")
def public(code: str):
    """Anyone: an organisation's headline figures and recruiting projects, when it publishes them."""
    organisation = reports.published(code)
    return render_template("reports/public.html", **reports.public_figures(organisation, now=utcnow()),
                           **headline_context())
