"""Batch issuance: every volunteer of an organisation's subtree with at least N approved hours in
a period gets one certificate, as a background job.

Idempotent: a certificate carries its batch's job id, and a unique index allows one per
volunteer and batch; the work skips volunteers who have theirs, commits each certificate on its
own, so a crash loses nothing done and a resumed or repeated run issues only what is missing.

A batch also skips the volunteers who hold a valid certificate stating the same already, from an
earlier batch or an admin's hand (Certificate.states_the_same: the same issuer, all projects, the
same period, the same hours), and says how many; one whose hours changed since gets a new one.
A second certificate of the same hours is only ever an admin's explicit issue or re-issue."""
from __future__ import annotations

import tempfile
import zipfile
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import User, Volunteer
from volunteer.certificates import services
from volunteer.certificates.errors import BatchNotStopped
from volunteer.certificates.models import Certificate, CertificatePdf
from volunteer.certificates.vocabulary import CertificateEvent, CertificateJob
from volunteer.core import get_by_id, jobs, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import FieldErrors, NotFound
from volunteer.core.models import Job
from volunteer.core.time import utcnow
from volunteer.core.vocabulary import JobState
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.models import Organisation

KIND = CertificateJob.BATCH


def _hours(organisation: Organisation, min_minutes: int, period_from: date | None, period_to: date | None) -> sa.Select:
    """Volunteers of the subtree whose approved hours in the period reach the threshold, with
    those hours (the minutes their certificate would state)."""
    minutes = sa.func.sum(LedgerEntry.credited_minutes)
    stmt = (sa.select(LedgerEntry.volunteer_id, minutes.label("minutes"))
            .join(Volunteer, Volunteer.id == LedgerEntry.volunteer_id)
            .join(Organisation, Organisation.id == Volunteer.organisation_id)
            .where(organisation.subtree(), Volunteer.is_active, LedgerEntry.counts_toward_hours)
            .group_by(LedgerEntry.volunteer_id)
            .having(minutes >= max(min_minutes, 1)))
    if period_from:
        stmt = stmt.where(LedgerEntry.served_on >= period_from)
    if period_to:
        stmt = stmt.where(LedgerEntry.served_on <= period_to)
    return stmt


def eligible(organisation: Organisation, min_minutes: int, period_from: date | None,
             period_to: date | None) -> list[int]:
    """Volunteers of the subtree whose approved hours in the period reach the threshold, by id."""
    hours = _hours(organisation, min_minutes, period_from, period_to).subquery()
    return list(db.session.scalars(sa.select(hours.c.volunteer_id).order_by(hours.c.volunteer_id)))


def already_certified(job: Job, issuer: Organisation | None, organisation: Organisation, min_minutes: int,
                      period_from: date | None, period_to: date | None) -> set[int]:
    """The eligible volunteers who hold a valid certificate stating what this batch would, not
    issued by this batch: it skips them."""
    if issuer is None:
        return set()
    hours = _hours(organisation, min_minutes, period_from, period_to).subquery()
    return set(db.session.scalars(
        sa.select(Certificate.volunteer_id).join(hours, hours.c.volunteer_id == Certificate.volunteer_id)
        .where(Certificate.states_the_same(organisation_id=issuer.id, project_id=None, period_from=period_from,
                                           period_to=period_to, minutes=hours.c.minutes),
               sa.or_(Certificate.job_id.is_(None), Certificate.job_id != job.id))))


def skipped_in(job: Job) -> int | None:
    """How many volunteers the batch skipped as already certified of the same hours (None
    until its work has begun)."""
    return (job.params or {}).get("skipped")


def _say_skipped(job: Job, params: dict, skipped: int) -> None:
    # kept in the job's row beside what it was asked (the work's own count, like done and total)
    db.session.execute(sa.update(Job).where(Job.id == job.id, Job.claim == job.held_claim)
                       .values(params={**params, "skipped": skipped}).execution_options(synchronize_session=False))


def start_batch(actor, organisation: Organisation | None, data: dict, *, base_url: str, now: datetime) -> Job:
    """Record the batch as a queued job (the caller commits, then enqueues it)."""
    if organisation is None:
        raise NotFound()
    permissions.ensure(actor, "certificate.issue", organisation)
    errors = FieldErrors()
    try:
        hours = float(str(data.get("min_hours") or "").strip())
        if not 0 < hours <= 100_000:
            raise ValueError
    except ValueError:
        errors.add("min_hours", _l("Give the hours as a number above 0."))
        hours = 0
    period_from, period_to = data.get("period_from"), data.get("period_to")
    if period_from and period_to and period_to < period_from:
        errors.add("period_to", _l("The end date is before the start date."))
    errors.raise_if_any()
    job = Job(kind=KIND, organisation_id=organisation.id, state=JobState.QUEUED, done=0, created_by_id=actor.id,
              created_at=now, params={"min_minutes": round(hours * 60), "base_url": base_url,
                                      "period_from": period_from.isoformat() if period_from else None,
                                      "period_to": period_to.isoformat() if period_to else None})
    db.session.add(job)
    db.session.flush()
    record_event(actor, CertificateEvent.BATCH_STARTED, job, after={"organisation": organisation.code,
                                                                 "min_hours": hours}, now=now)
    return job


@jobs.handler(KIND)
def run_batch(job: Job) -> None:
    params = job.params
    period_from = date.fromisoformat(params["period_from"]) if params.get("period_from") else None
    period_to = date.fromisoformat(params["period_to"]) if params.get("period_to") else None
    actor = db.session.get(User, job.created_by_id)
    organisation = db.session.get(Organisation, job.organisation_id)
    jobs.progress(job)  # alive, before a long read of the eligible volunteers
    wanted = eligible(organisation, params["min_minutes"], period_from, period_to)
    issued = set(db.session.scalars(sa.select(Certificate.volunteer_id).where(Certificate.job_id == job.id)))
    skipped = already_certified(job, services.issuing_root(actor, organisation), organisation,
                                params["min_minutes"], period_from, period_to) - issued
    total = len((set(wanted) - skipped) | issued)
    _say_skipped(job, params, len(skipped))
    jobs.progress(job, done=len(issued), total=total)
    for volunteer_id in wanted:
        if volunteer_id in issued or volunteer_id in skipped:
            continue
        # Each certificate is a transaction of its own: what went before is committed already.
        try:
            services.issue_certificate(actor, db.session.get(Volunteer, volunteer_id), base_url=params["base_url"],
                                       period_from=period_from, period_to=period_to, job_id=job.id,
                                       unless_held=True, now=utcnow())
        except sa.exc.IntegrityError:
            db.session.rollback()  # another worker issued this one meanwhile: the unique index keeps it single
        except services.AlreadyCertified:
            db.session.rollback()  # issued elsewhere since the list was read (another batch, an admin)
            skipped.add(volunteer_id)
            total -= 1
            _say_skipped(job, params, len(skipped))
            jobs.progress(job, total=total)
            continue
        except services.NoApprovedHours:
            db.session.rollback()
            continue  # corrected below the hours since the list was read
        issued.add(volunteer_id)
        jobs.progress(job, done=len(issued))  # commits the certificate with the count


def resume(actor, job: Job, *, now: datetime) -> Job:
    """A failed job, or one whose worker fell silent, runs again from where it stopped."""
    permissions.ensure(actor, "certificate.issue", job)
    if not job.is_resumable(now):
        raise BatchNotStopped(_l("This batch is not stopped: it is %(state)s.", state=job.state_label))
    # queued again, as of now: stale again only if nothing picks it up in time
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(state=JobState.QUEUED, heartbeat_at=now,
                                                                   claim=None))
    record_event(actor, CertificateEvent.BATCH_RESUMED, job, now=now)
    return job


def get_batch_for(user, job_id: int) -> Job:
    job = get_by_id(Job, job_id)
    if job is None or job.kind != KIND:
        raise NotFound()
    permissions.ensure(user, "certificate.issue", job)
    return job


def batches_in_scope(user) -> sa.Select:
    return (sa.select(Job).where(Job.kind == KIND,
                                 permissions.in_scope(user, "certificate.issue", Job.organisation_id))
            .order_by(Job.created_at.desc(), Job.id.desc()))


def zip_of(job: Job):
    """The batch's PDFs in one ZIP, spooled to disk past a few MB; a file object at its start."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        rows = db.session.execute(
            sa.select(Certificate.serial, Volunteer.volunteer_no, CertificatePdf.pdf)
            .join(CertificatePdf, CertificatePdf.certificate_id == Certificate.id)
            .join(Volunteer, Volunteer.id == Certificate.volunteer_id)
            .where(Certificate.job_id == job.id).order_by(Certificate.id)
            .execution_options(yield_per=100))
        for serial, volunteer_no, document in rows:
            archive.writestr(f"{serial}_{volunteer_no}.pdf", document)
    spool.seek(0)
    return spool


def count_in(job: Job) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(Certificate.job_id == job.id))

