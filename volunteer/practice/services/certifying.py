"""Practice certificates (实践证明): the league that runs a programme certifies each student's
practice as their unit evaluated it, through the certificates' register (serial, verification
code, stored PDF and its hash, revocation), one by one or for every evaluated student as a
background job that resumes without issuing twice. The caller commits."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import User
from volunteer.certificates import services as certificates
from volunteer.certificates.errors import AlreadyCertified
from volunteer.certificates.models import Certificate, Seal
from volunteer.certificates.vocabulary import CertificateKind, CertificateStatus
from volunteer.core import get_by_id, jobs, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import Conflict, NotFound
from volunteer.core.models import Job
from volunteer.core.time import local_date, utcnow
from volunteer.core.vocabulary import JobState
from volunteer.extensions import db
from volunteer.practice import certificate as layout
from volunteer.practice.at_post import UnitEvaluation
from volunteer.practice.errors import NotInStage
from volunteer.practice.models import HostUnit, Programme, StudentApplication
from volunteer.practice.vocabulary import PracticeJob, ProgrammeEvent


def _ensure_certifies(actor, programme: Programme) -> None:
    permissions.ensure(actor, "programme.run", programme)
    permissions.ensure(actor, "certificate.issue", programme.organisation)
    if not programme.issues_certificates:
        raise NotInStage()


def issue_practice_certificate(actor, application: StudentApplication, *, base_url: str, job_id: int | None = None,
                               now: datetime) -> Certificate:
    """The certificate of one evaluated student's practice, unless a valid one states it already."""
    programme = application.programme
    _ensure_certifies(actor, programme)
    # One at a time per evaluation (a row lock on PostgreSQL, the write lock on SQLite): two
    # admins, or an admin and the batch, do not both find it uncertified.
    evaluation = db.session.scalar(sa.select(UnitEvaluation).where(UnitEvaluation.application_id == application.id)
                                   .with_for_update())
    if evaluation is None:
        raise Conflict(_l("The host unit has not evaluated this student yet."))
    if evaluation.is_certified:
        raise AlreadyCertified(_l("The student already holds a valid practice certificate of this programme."))
    issuer, post, volunteer = programme.organisation, application.placed_post, application.volunteer
    seal = db.session.get(Seal, issuer.id)
    today = local_date(now)
    with force_locale("zh"):  # the certificate is in Chinese, whoever issues it
        post_kind, rating = str(post.post_kind_label), str(evaluation.rating_label)
    snapshot = {
        "name": volunteer.name, "volunteer_no": volunteer.volunteer_no, "issuer": issuer.name,
        "issuer_code": issuer.code, "person_in_charge": (seal.person_in_charge if seal else None) or "—",
        "handled_by": actor.display_name, "date": today.isoformat(),
        "period": [post.starts_on.isoformat(), post.ends_on.isoformat()], "projects": [], "entries": [],
        "programme": programme.name, "school": application.school_name, "student_number": application.student_number,
        "major": application.major, "unit": post.unit.name, "post": post.title, "post_kind": post_kind,
        "days": evaluation.days_present, "rating": rating, "comments": evaluation.comments,
        "evaluated_on": local_date(evaluation.evaluated_at).isoformat(), "application_id": application.id,
    }
    made = Certificate(serial=certificates.next_serial(issuer, today), kind=CertificateKind.PRACTICE,
                       organisation_id=issuer.id, volunteer_id=volunteer.id, period_from=post.starts_on,
                       period_to=post.ends_on, minutes=0, snapshot=snapshot, status=CertificateStatus.VALID,
                       issued_by_id=actor.id, issued_at=now, job_id=job_id)
    unit_seal = db.session.scalar(sa.select(HostUnit.seal_png).where(HostUnit.id == post.unit_id))
    league_seal = db.session.scalar(sa.select(Seal.png).where(Seal.organisation_id == issuer.id))
    made = certificates.store_issued(actor, made, lambda c: render_practice(c, base_url, league_seal, unit_seal),
                                     now=now)
    evaluation.certificate_id = made.id
    db.session.flush()
    return made


def render_practice(certificate: Certificate, base_url: str, league_seal: bytes | None,
                    unit_seal: bytes | None) -> bytes:
    s = certificate.snapshot
    fields = {**s, "serial": certificate.serial, "code": certificates.code_text(certificate),
              "period": certificates.period_text(certificate.period_from, certificate.period_to),
              "date": f"{local_date(certificate.issued_at):%Y年%m月%d日}"}
    return layout.render(fields, certificates.verify_url(base_url, certificate), league_seal, unit_seal)


def to_certify(programme: Programme) -> list[int]:
    """The applications of the programme whose evaluation no valid certificate states yet."""
    return list(db.session.scalars(
        sa.select(UnitEvaluation.application_id)
        .join(StudentApplication, StudentApplication.id == UnitEvaluation.application_id)
        .outerjoin(Certificate, Certificate.id == UnitEvaluation.certificate_id)
        .where(StudentApplication.programme_id == programme.id,
               sa.or_(Certificate.id.is_(None), Certificate.status != CertificateStatus.VALID))
        .order_by(UnitEvaluation.application_id)))


def start_certifying(actor, programme: Programme, *, base_url: str, now: datetime) -> Job:
    """Every evaluated, uncertified student of the programme, as a queued job (the caller commits,
    then enqueues it)."""
    _ensure_certifies(actor, programme)
    if not to_certify(programme):
        raise Conflict(_l("Every evaluated student holds a valid practice certificate already."))
    job = Job(kind=PracticeJob.CERTIFICATES, organisation_id=programme.organisation_id, state=JobState.QUEUED, done=0,
              created_by_id=actor.id, created_at=now, params={"programme_id": programme.id, "base_url": base_url})
    db.session.add(job)
    db.session.flush()
    record_event(actor, ProgrammeEvent.CERTIFYING_STARTED, job, organisation=programme.organisation,
                 after={"programme_id": programme.id}, now=now)
    return job


@jobs.handler(PracticeJob.CERTIFICATES)
def run_certifying(job: Job) -> None:
    """Each certificate a transaction of its own; a rerun finds the certified ones done."""
    actor = db.session.get(User, job.created_by_id)
    programme = db.session.get(Programme, job.params["programme_id"])
    done = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(Certificate.job_id == job.id))
    waiting = to_certify(programme)
    jobs.progress(job, done=done, total=done + len(waiting))
    for application_id in waiting:
        try:
            issue_practice_certificate(actor, db.session.get(StudentApplication, application_id),
                                       base_url=job.params["base_url"], job_id=job.id, now=utcnow())
        except AlreadyCertified:
            db.session.rollback()  # certified by hand since the list was read
            continue
        done += 1
        jobs.progress(job, done=done)


def certifying_jobs(programme: Programme) -> list[Job]:
    return db.session.scalars(sa.select(Job).where(Job.kind == PracticeJob.CERTIFICATES,
                                                   Job.params["programme_id"].as_integer() == programme.id)
                              .order_by(Job.created_at.desc(), Job.id.desc()).limit(5)).all()


def get_certifying_job_for(user, job_id) -> tuple[Job, Programme]:
    """A practice certificates job, and its programme, to those who run the programme."""
    job = get_by_id(Job, job_id)
    if job is None or job.kind != PracticeJob.CERTIFICATES:
        raise NotFound()
    programme = db.session.get(Programme, job.params["programme_id"])
    permissions.ensure(user, "programme.run", programme)
    return job, programme
