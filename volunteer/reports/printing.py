"""The printable period report, made in the background through the certificates' job mechanism
(core.jobs): started by staff, followed on its progress page, its PDF kept with the job.

A rerun (a resumed or repeated job) makes the PDF again from the figures as they are then; the
row that keeps it is written once per job, so two workers never store two."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import get_by_id, jobs, permissions
from volunteer.core.audit import record_event
from volunteer.core.database import insert
from volunteer.core.errors import Conflict, NotFound
from volunteer.core.models import Job
from volunteer.core.time import DEFAULT_ZONE, local_date, utcnow
from volunteer.core.vocabulary import JobState
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.reports import exports, pdf
from volunteer.reports import services as reports
from volunteer.reports.figures import Period
from volunteer.reports.models import ReportPdf
from volunteer.reports.vocabulary import ReportEvent, ReportJob

KIND = ReportJob.PRINTABLE
STEPS = 3  # the figures, the drawing, the keeping


class ReportNotStopped(Conflict):
    code = "job_not_stopped"
    default_message = _l("This report is not stopped.")


def start_report(actor, organisation: Organisation, period: Period, *, now: datetime) -> Job:
    """Record the report as a queued job (the caller commits, then enqueues it)."""
    permissions.ensure(actor, "report.view", organisation)
    job = Job(kind=KIND, organisation_id=organisation.id, state=JobState.QUEUED, done=0, total=STEPS,
              created_by_id=actor.id, created_at=now,
              params={"from": period.start.isoformat(), "to": period.end.isoformat()})
    db.session.add(job)
    db.session.flush()
    record_event(actor, ReportEvent.REPORT_STARTED, job, after={"organisation": organisation.code,
                                                              "period": f"{period.start}/{period.end}"}, now=now)
    return job


def period_of(job: Job, *, now: datetime) -> Period:
    """The job's period as of when it runs: its end is open only if it is still today or later
    (a report resumed after its month ended must not read the whole month)."""
    start, end = date.fromisoformat(job.params["from"]), date.fromisoformat(job.params["to"])
    return Period(start, end, open_end=end >= local_date(now, DEFAULT_ZONE))


@jobs.handler(KIND)
def run_report(job: Job) -> None:
    if db.session.get(ReportPdf, job.id) is not None:
        jobs.progress(job, done=STEPS)
        return
    organisation, now = db.session.get(Organisation, job.organisation_id), utcnow()
    jobs.progress(job, done=0)
    board = reports.dashboard(organisation, period_of(job, now=now), now=now)
    jobs.progress(job, done=1)
    document = pdf.render(board, exports.tables_of(board), generated_at=now)
    jobs.progress(job, done=2)
    db.session.execute(insert(ReportPdf).values(job_id=job.id, pdf=document, created_at=now).on_conflict_do_nothing())
    jobs.progress(job, done=STEPS)


def get_report_for(user, job_id) -> Job:
    job = get_by_id(Job, job_id)
    if job is None or job.kind != KIND:
        raise NotFound()
    permissions.ensure(user, "report.view", job)
    return job


def resume(actor, job: Job, *, now: datetime) -> Job:
    permissions.ensure(actor, "report.view", job)
    if not job.is_resumable(now):
        raise ReportNotStopped()
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(state=JobState.QUEUED, heartbeat_at=now,
                                                                   claim=None))
    return job


def pdf_of(job: Job) -> bytes | None:
    kept = db.session.get(ReportPdf, job.id)
    return kept.pdf if kept is not None and job.is_finished else None

