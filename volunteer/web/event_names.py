"""The event log's records by name, each a link to its page where it has one: the sentence says
"李强 通过了 张晓青 在 社区助老服务 的 2.5 小时", not "ledger_entries #61". One query per kind of
record on a page, whatever its length."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from volunteer.accounts.models import Membership, User, Volunteer
from volunteer.accounts.vocabulary import Role
from volunteer.certificates.models import Certificate, CertificateRequest
from volunteer.certificates.vocabulary import CertificateJob
from volunteer.checkin.models import ServiceSession
from volunteer.core import audit
from volunteer.core.models import Job
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.models import Organisation
from volunteer.practice.at_post import PracticeLog, UnitEvaluation
from volunteer.practice.branches import Branch, BranchMember
from volunteer.practice.models import Commitment, HostUnit, Post, PostChoice, Programme, StudentApplication
from volunteer.practice.survey import Question, SurveyResponse
from volunteer.practice.vocabulary import PracticeJob
from volunteer.projects.models import Application, Position, Project, Resource
from volunteer.stations.models import Station
from volunteer.web.templating import hours_number


@dataclass(frozen=True)
class Named:
    text: str
    url: str | None = None


def _person(volunteer: Volunteer | None) -> str:
    return (volunteer.name or volunteer.volunteer_no) if volunteer else "—"


def _rows(model, ids, *related):
    """The records, with what their names are made of loaded by the same query."""
    options = [sa.orm.joinedload(path) for path in related]
    return db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(*options)).unique().all()


def _entries(ids):
    return {e.id: Named(_("%(volunteer)s's %(hours)s h on %(project)s", volunteer=_person(e.volunteer),
                          hours=hours_number(e.credited_minutes if e.credited_minutes is not None else e.minutes),
                          project=e.project.title),
                        url_for("ledger.index", volunteer=e.volunteer.volunteer_no, project_id=e.project_id))
            for e in _rows(LedgerEntry, ids, LedgerEntry.volunteer, LedgerEntry.project)}


def _volunteers(ids):
    return {v.id: Named(_person(v), url_for("accounts.volunteer_detail", volunteer_id=v.id))
            for v in _rows(Volunteer, ids)}


def _users(ids):
    return {u.id: Named(u.display_name) for u in _rows(User, ids)}


def _memberships(ids):
    return {m.id: Named(_("%(user)s as %(role)s of %(organisation)s", user=m.user.display_name,
                          role=Role.label_of(m.role), organisation=m.organisation.name),
                        url_for("organisations.detail", code=m.organisation.code))
            for m in _rows(Membership, ids, Membership.user, Membership.organisation)}


def _projects(ids):
    return {p.id: Named(p.title, url_for("projects.detail", project_id=p.id)) for p in _rows(Project, ids)}


def _positions(ids):
    return {p.id: Named(_("the position “%(position)s” of %(project)s", position=p.title, project=p.project.title),
                        url_for("projects.detail", project_id=p.project_id)) for p in _rows(Position, ids, Position.project)}


def _applications(ids):
    return {a.id: Named(_("%(volunteer)s's application for “%(position)s”", volunteer=_person(a.volunteer),
                          position=a.position.title),
                        url_for("projects.detail", project_id=a.position.project_id))
            for a in _rows(Application, ids, Application.volunteer, Application.position)}


def _resources(ids):
    return {r.id: Named(_("a resource of %(project)s", project=r.project.title),
                        url_for("projects.detail", project_id=r.project_id)) for r in _rows(Resource, ids, Resource.project)}


def _organisations(ids):
    return {o.id: Named(o.name, url_for("organisations.detail", code=o.code)) for o in _rows(Organisation, ids)}


def _stations(ids):
    return {s.id: Named(s.name, url_for("stations.detail", station_id=s.id)) for s in _rows(Station, ids)}


def _sessions(ids):
    return {s.id: Named(_("%(volunteer)s's session at %(station)s", volunteer=_person(s.volunteer),
                          station=s.station.name), url_for("stations.detail", station_id=s.station_id))
            for s in _rows(ServiceSession, ids, ServiceSession.volunteer, ServiceSession.station)}


def _certificates(ids):
    return {c.id: Named(_("%(volunteer)s's certificate %(serial)s", volunteer=_person(c.volunteer), serial=c.serial),
                        url_for("certificates.verify", serial=c.serial))
            for c in _rows(Certificate, ids, Certificate.volunteer)}


def _requests(ids):
    return {r.id: Named(_("%(volunteer)s's certificate request", volunteer=_person(r.volunteer)),
                        url_for("certificates.register"))
            for r in _rows(CertificateRequest, ids, CertificateRequest.volunteer)}


def _jobs(ids):
    found = {}
    for job in _rows(Job, ids, Job.organisation):
        if job.kind == CertificateJob.BATCH:
            found[job.id] = Named(_("a certificate batch of %(organisation)s", organisation=job.organisation.name),
                                  url_for("certificates.batch", job_id=job.id))
        elif job.kind == PracticeJob.CERTIFICATES:
            found[job.id] = Named(_("a practice programme's certificates (job #%(id)s)", id=job.id),
                                  url_for("practice.certifying", job_id=job.id))
        else:
            found[job.id] = Named(_("a period report of %(organisation)s", organisation=job.organisation.name),
                                  url_for("reports.report_job", job_id=job.id))
    return found


def _programmes(ids):
    return {p.id: Named(p.name, url_for("practice.detail", programme_id=p.id)) for p in _rows(Programme, ids)}


def _host_units(ids):
    return {u.id: Named(u.name) for u in _rows(HostUnit, ids)}


def _posts(ids):
    return {p.id: Named(_("the post “%(post)s” of %(unit)s", post=p.title, unit=p.unit.name),
                        url_for("practice.posts", programme_id=p.programme_id)) for p in _rows(Post, ids, Post.unit)}


def _student_applications(ids):
    return {a.id: Named(_("%(volunteer)s's application to %(programme)s", volunteer=_person(a.volunteer),
                          programme=a.programme.name), url_for("practice.detail", programme_id=a.programme_id))
            for a in _rows(StudentApplication, ids, StudentApplication.volunteer, StudentApplication.programme)}


def _post_choices(ids):
    rows = db.session.scalars(sa.select(PostChoice).where(PostChoice.id.in_(ids)).options(
        sa.orm.joinedload(PostChoice.post),
        sa.orm.joinedload(PostChoice.application).joinedload(StudentApplication.volunteer))).all()
    return {c.id: Named(_("%(volunteer)s's choice of “%(post)s”", volunteer=_person(c.application.volunteer),
                          post=c.post.title)) for c in rows}


def _commitments(ids):
    return {c.id: Named(_("the commitment letter of %(programme)s", programme=c.programme.name),
                        url_for("practice.detail", programme_id=c.programme_id))
            for c in _rows(Commitment, ids, Commitment.programme)}


def _logs(ids):
    return {g.id: Named(_("%(volunteer)s's log of the week of %(week)s", volunteer=_person(g.application.volunteer),
                          week=g.week_of.isoformat()))
            for g in db.session.scalars(sa.select(PracticeLog).where(PracticeLog.id.in_(ids)).options(
                sa.orm.joinedload(PracticeLog.application).joinedload(StudentApplication.volunteer)))}


def _evaluations(ids):
    return {e.id: Named(_("the unit's evaluation of %(volunteer)s", volunteer=_person(e.application.volunteer)),
                        url_for("practice.evaluations", programme_id=e.application.programme_id))
            for e in db.session.scalars(sa.select(UnitEvaluation).where(UnitEvaluation.id.in_(ids)).options(
                sa.orm.joinedload(UnitEvaluation.application).joinedload(StudentApplication.volunteer)))}


def _questions(ids):
    return {q.id: Named(_("the question “%(prompt)s”", prompt=q.prompt),
                        url_for("practice.survey", programme_id=q.programme_id)) for q in _rows(Question, ids)}


def _responses(ids):
    return {r.id: Named(_("%(volunteer)s's answers", volunteer=_person(r.application.volunteer)))
            for r in db.session.scalars(sa.select(SurveyResponse).where(SurveyResponse.id.in_(ids)).options(
                sa.orm.joinedload(SurveyResponse.application).joinedload(StudentApplication.volunteer)))}


def _branches(ids):
    return {b.id: Named(_("the temporary branch “%(branch)s”", branch=b.name),
                        url_for("practice.branches", programme_id=b.programme_id)) for b in _rows(Branch, ids)}


def _branch_members(ids):
    return {m.id: Named(_("%(volunteer)s of the branch “%(branch)s”", volunteer=_person(m.application.volunteer),
                          branch=m.branch.name), url_for("practice.branches", programme_id=m.branch.programme_id))
            for m in db.session.scalars(sa.select(BranchMember).where(BranchMember.id.in_(ids)).options(
                sa.orm.joinedload(BranchMember.branch),
                sa.orm.joinedload(BranchMember.application).joinedload(StudentApplication.volunteer)))}


NAMERS: dict[str, Callable] = {
    "ledger_entries": _entries, "volunteers": _volunteers, "users": _users, "memberships": _memberships,
    "projects": _projects, "positions": _positions, "applications": _applications, "project_resources": _resources,
    "organisations": _organisations, "stations": _stations, "service_sessions": _sessions,
    "certificates": _certificates, "certificate_requests": _requests, "jobs": _jobs,
    "practice_programmes": _programmes, "practice_host_units": _host_units, "practice_posts": _posts,
    "practice_applications": _student_applications, "practice_choices": _post_choices,
    "practice_commitments": _commitments, "practice_logs": _logs, "practice_evaluations": _evaluations,
    "practice_questions": _questions, "practice_survey_responses": _responses,
    "practice_branches": _branches, "practice_branch_members": _branch_members,
}


def names_of(refs) -> dict[tuple[str, int], Named]:
    """(table, id) → its name and page, for every record ``refs`` holds; a record no longer found
    is named by its kind."""
    by_table: dict[str, set[int]] = {}
    for table, record_id in refs:
        by_table.setdefault(table, set()).add(record_id)
    found: dict[tuple[str, int], Named] = {}
    for table, ids in by_table.items():
        namer = NAMERS.get(table)
        named = namer(ids) if namer else {}
        for record_id in ids:
            found[(table, record_id)] = named.get(record_id) or Named(audit.subject_label(table))
    return found


def page_names(events) -> dict[tuple[str, int], Named]:
    """Every record a page of events names: their subjects and what their fields point to."""
    refs = {(e.subject_type, e.subject_id) for e in events}
    for event in events:
        refs.update(audit.references_of(event))
    return names_of(refs)
