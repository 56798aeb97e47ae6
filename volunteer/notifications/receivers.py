"""The notices the domains' changes call for, written from the event log's rows in the same
transaction as the change (core.signals.event_recorded): nobody is told of their own action, and
a change rolled back takes its notices with it."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from volunteer.accounts.models import Membership
from volunteer.accounts.vocabulary import Role
from volunteer.certificates.vocabulary import CertificateEvent, CertificateKind
from volunteer.core import signals
from volunteer.core.time import iso, local_time_text
from volunteer.extensions import db
from volunteer.ledger.vocabulary import LedgerEvent
from volunteer.notifications import direct, dispatch
from volunteer.notifications.models import ChannelChoice, Notice, PushSubscription
from volunteer.notifications.services.writing import path_to, write_notice
from volunteer.notifications.vocabulary import Channel, NoticeKind
from volunteer.practice.models import PostChoice
from volunteer.practice.vocabulary import PostChoiceState, PostState, ProgrammeEvent
from volunteer.projects.vocabulary import ProjectEvent, ProjectState
from volunteer.shifts.vocabulary import ShiftEvent


def _hours(minutes) -> str:
    return f"{(minutes or 0) / 60:.1f}"


def _volunteer_user(volunteer) -> int | None:
    return volunteer.user_id if volunteer is not None else None


def _application(event, application, kind):
    position, project = application.position, application.position.project
    words = {"position": position.title, "project": project.title}
    link = path_to("projects.detail", project_id=project.id)
    if kind == NoticeKind.VOLUNTEER_APPLIED:
        words["volunteer"] = application.volunteer.display_name
        return [(project.created_by_id, kind, words, link)]
    return [(_volunteer_user(application.volunteer), kind, words, link)]


def _enrolled(event, application):
    """A programme put a student on its project's roster (their unit's, or the training's)."""
    project = application.position.project
    words = {"project": project.title, "place": "、".join(s.name for s in project.stations)}
    return [(_volunteer_user(application.volunteer), NoticeKind.PUT_ON_ROSTER, words,
             path_to("projects.detail", project_id=project.id))]


def _branch(event, member):
    branch = member.branch
    words = {"branch": branch.name, "programme": branch.programme.name}
    link = path_to("practice.my_branch", application_id=member.application_id)
    if event.action == ProgrammeEvent.BRANCH_JOINED:
        return [(_volunteer_user(member.application.volunteer), NoticeKind.BRANCH_JOINED, words, link)]
    return [(_volunteer_user(member.application.volunteer), NoticeKind.BRANCH_SECRETARY, words, link)] \
        if member.is_secretary else []


def _nearest_admins(organisation) -> list[int]:
    """The league admins nearest above a record: its organisation's, else the next one up's (who
    screen its projects and issue its certificates)."""
    while organisation is not None:
        found = db.session.scalars(sa.select(Membership.user_id).where(
            Membership.organisation_id == organisation.id, Membership.role == Role.LEAGUE_ADMIN)).all()
        if found:
            return list(found)
        organisation = organisation.parent
    return []


def _transition(event, project):
    target = (event.after or {}).get("state")
    words = {"project": project.title, "organisation": project.organisation.name,
             "state": str(ProjectState.label_of(target)) if target in ProjectState.values() else ""}
    link = path_to("projects.detail", project_id=project.id)
    if target == ProjectState.SUBMITTED:
        return [(user_id, NoticeKind.PROJECT_WAITING, words, link) for user_id in _nearest_admins(project.organisation)]
    if target in (ProjectState.APPROVED, ProjectState.REJECTED):
        return [(project.created_by_id, NoticeKind.PROJECT_SCREENED, words, link)]
    return []


def _entry(event, entry, kind):
    minutes = entry.credited_minutes if entry.credited_minutes is not None else entry.minutes
    words = {"project": entry.project.title, "day": entry.served_on.isoformat(), "hours": _hours(minutes)}
    return [(_volunteer_user(entry.volunteer), kind, words, path_to("ledger.mine"))]


def _certificate(event, certificate, kind):
    if certificate.kind == CertificateKind.PRACTICE and kind == NoticeKind.CERTIFICATE_ISSUED:
        kind = NoticeKind.PRACTICE_CERTIFIED  # it states a post, not hours
    words = {"serial": certificate.serial, "hours": _hours(certificate.minutes),
             "post": certificate.snapshot.get("post", ""), "unit": certificate.snapshot.get("unit", "")}
    return [(_volunteer_user(certificate.volunteer), kind, words, path_to("certificates.mine"))]


def _flagged(event, certificate):
    words = {"serial": certificate.serial, "volunteer": certificate.snapshot.get("name", "")}
    link = path_to("certificates.register", q=certificate.serial)
    return [(user_id, NoticeKind.CERTIFICATE_FLAGGED, words, link)
            for user_id in _nearest_admins(certificate.organisation)]


def _shift_words(signup) -> dict:
    shift = signup.shift
    return {"position": shift.position.title, "project": shift.position.project.title,
            "time": local_time_text(shift.starts_at, shift.zone)}


def _signup(event, signup, kind):
    words = _shift_words(signup)
    until = (event.after or {}).get("offered_until") or (event.before or {}).get("offered_until")
    if until:
        words["until"] = local_time_text(datetime.fromisoformat(until), signup.shift.zone)
    words["reason"] = event.note or ""
    return [(_volunteer_user(signup.volunteer), kind, words, path_to("shifts.detail", shift_id=signup.shift_id))]


def _leave_asked(event, leave):
    signup, shift = leave.signup, leave.signup.shift
    words = _shift_words(signup) | {"volunteer": signup.volunteer.display_name, "reason": leave.reason}
    link = path_to("shifts.roster", shift_id=shift.id)
    deciders = {shift.position.project.created_by_id} | {lead.id for lead in (shift.station.leads if shift.station else [])}
    return [(user_id, NoticeKind.LEAVE_ASKED, words, link) for user_id in sorted(d for d in deciders if d)]


def _leave_decided(event, leave, kind):
    return [(_volunteer_user(leave.signup.volunteer), kind, _shift_words(leave.signup),
             path_to("shifts.detail", shift_id=leave.signup.shift_id))]


def _request(event, request, kind):
    return [(_volunteer_user(request.volunteer), kind, {}, path_to("certificates.mine"))]


def _unit_contact(event, unit):
    return [(unit.contact_user_id, NoticeKind.UNIT_CONTACT, {"unit": unit.name}, path_to("practice.unit_home"))]


def _post_words(post) -> dict:
    return {"post": post.title, "unit": post.unit.name, "programme": post.programme.name,
            "state": str(PostState.label_of(post.state))}


def _post_submitted(event, post):
    link = path_to("practice.posts", programme_id=post.programme_id)
    return [(user_id, NoticeKind.POST_WAITING, _post_words(post), link)
            for user_id in _nearest_admins(post.programme.organisation)]


def _post_decided(event, post):
    words = _post_words(post) | {"reason": event.note or ""}
    return [(post.unit.contact_user_id, NoticeKind.POST_DECIDED, words, path_to("practice.unit_home"))]


def _choice_words(choice) -> dict:
    words = {"post": choice.post.title, "unit": choice.post.unit.name, "state": str(PostChoiceState.label_of(choice.state)),
             "student": choice.application.volunteer.display_name, "interview": ""}
    if choice.state == PostChoiceState.INTERVIEW and choice.interview_at:
        words["interview"] = f"{local_time_text(choice.interview_at)} · {choice.interview_place or ''}"
    return words


def _to_student(event, choice, kind):
    return [(_volunteer_user(choice.application.volunteer), kind, _choice_words(choice),
             path_to("practice.my_application", application_id=choice.application_id))]


def _to_unit(event, choice, kind):
    return [(choice.post.unit.contact_user_id, kind, _choice_words(choice), path_to("practice.unit_home"))]


def _withdrawn_choices(event) -> list:
    ids = (event.after or {}).get("withdrawn_choices") or []
    return db.session.scalars(sa.select(PostChoice).where(PostChoice.id.in_(ids)).order_by(PostChoice.id)).all() \
        if ids else []


def _others_told(event) -> list:
    """The units whose choices of the student ended when the student was placed elsewhere."""
    return [told for other in _withdrawn_choices(event) for told in _to_unit(event, other, NoticeKind.PLACED_ELSEWHERE)]


def _accepted(event, choice):
    return _to_unit(event, choice, NoticeKind.OFFER_ANSWERED) + _others_told(event)


def _placed(event, choice):
    return (_to_student(event, choice, NoticeKind.STUDENT_PLACED) + _to_unit(event, choice, NoticeKind.STUDENT_PLACED)
            + _others_told(event))


def _post_withdrawn(event, post):
    """The students who chose the post: that choice is no longer pursued."""
    return [told for choice in _withdrawn_choices(event)
            for told in _to_student(event, choice, NoticeKind.SELECTION_STEP)]


def _log_words(log) -> dict:
    application = log.application
    return {"student": application.volunteer.display_name, "post": application.placed_post.title,
            "week": log.week_of.isoformat(), "comment": log.comment or ""}


def _log_written(event, log):
    return [(log.application.placed_post.unit.contact_user_id, NoticeKind.LOG_WAITING, _log_words(log),
             path_to("practice.unit_students"))]


def _log_commented(event, log):
    return [(_volunteer_user(log.application.volunteer), NoticeKind.LOG_COMMENTED, _log_words(log),
             path_to("practice.my_logs", application_id=log.application_id))]


def _evaluated(event, evaluation):
    post = evaluation.application.placed_post
    words = {"unit": post.unit.name, "post": post.title, "rating": str(evaluation.rating_label)}
    return [(_volunteer_user(evaluation.application.volunteer), NoticeKind.PRACTICE_EVALUATED, words,
             path_to("practice.my_application", application_id=evaluation.application_id))]


# The event log's actions that tell someone, and who is told what.
NOTIFIED = {
    ProjectEvent.ACCEPTED: lambda e, s: _application(e, s, NoticeKind.APPLICATION_ACCEPTED),
    ProjectEvent.DECLINED: lambda e, s: _application(e, s, NoticeKind.APPLICATION_DECLINED),
    ProjectEvent.APPLIED: lambda e, s: _application(e, s, NoticeKind.VOLUNTEER_APPLIED),
    ProjectEvent.ENROLLED: _enrolled,
    ProjectEvent.TRANSITION: _transition,
    LedgerEvent.APPROVED: lambda e, s: _entry(e, s, NoticeKind.HOURS_APPROVED),
    LedgerEvent.REJECTED: lambda e, s: _entry(e, s, NoticeKind.HOURS_REJECTED),
    LedgerEvent.CORRECTED: lambda e, s: _entry(e, s, NoticeKind.HOURS_CORRECTED),
    LedgerEvent.DISPUTE_UPHELD: lambda e, s: _entry(e, s, NoticeKind.DISPUTE_ANSWERED),
    CertificateEvent.ISSUED: lambda e, s: _certificate(e, s, NoticeKind.CERTIFICATE_ISSUED),
    CertificateEvent.REVOKED: lambda e, s: _certificate(e, s, NoticeKind.CERTIFICATE_REVOKED),
    CertificateEvent.REQUEST_DECLINED: lambda e, s: _request(e, s, NoticeKind.REQUEST_DECLINED),
    CertificateEvent.FLAGGED: _flagged,
    ShiftEvent.OFFERED: lambda e, s: _signup(e, s, NoticeKind.SHIFT_OFFERED),
    ShiftEvent.OFFER_LAPSED: lambda e, s: _signup(e, s, NoticeKind.OFFER_LAPSED),
    ShiftEvent.SHIFT_CALLED_OFF: lambda e, s: _signup(e, s, NoticeKind.SHIFT_CANCELLED),
    ShiftEvent.NO_SHOW: lambda e, s: _signup(e, s, NoticeKind.SHIFT_MISSED),
    ShiftEvent.EXCUSED: lambda e, s: _signup(e, s, NoticeKind.ABSENCE_EXCUSED),
    ShiftEvent.LEAVE_ASKED: _leave_asked,
    ShiftEvent.LEAVE_GRANTED: lambda e, s: _leave_decided(e, s, NoticeKind.LEAVE_GRANTED),
    ShiftEvent.LEAVE_REFUSED: lambda e, s: _leave_decided(e, s, NoticeKind.LEAVE_REFUSED),
    ProgrammeEvent.UNIT_REGISTERED: _unit_contact,
    ProgrammeEvent.POST_SUBMITTED: _post_submitted,
    ProgrammeEvent.POST_APPROVED: _post_decided,
    ProgrammeEvent.POST_RETURNED: _post_decided,
    ProgrammeEvent.SHORTLISTED: lambda e, s: _to_student(e, s, NoticeKind.SELECTION_STEP),
    ProgrammeEvent.INTERVIEW_BOOKED: lambda e, s: _to_student(e, s, NoticeKind.SELECTION_STEP),
    ProgrammeEvent.NOT_CHOSEN: lambda e, s: _to_student(e, s, NoticeKind.SELECTION_STEP),
    ProgrammeEvent.OFFER_MADE: lambda e, s: _to_student(e, s, NoticeKind.OFFER_RECEIVED),
    ProgrammeEvent.OFFER_ACCEPTED: _accepted,
    ProgrammeEvent.POST_WITHDRAWN: _post_withdrawn,
    ProgrammeEvent.OFFER_DECLINED: lambda e, s: _to_unit(e, s, NoticeKind.OFFER_ANSWERED),
    ProgrammeEvent.PLACED_BY_LEAGUE: _placed,
    ProgrammeEvent.LOG_WRITTEN: _log_written,
    ProgrammeEvent.LOG_COMMENTED: _log_commented,
    ProgrammeEvent.EVALUATED: _evaluated,
    ProgrammeEvent.BRANCH_JOINED: _branch,
    ProgrammeEvent.SECRETARY_CHOSEN: _branch,
}


def on_event_recorded(event, subject=None, **_extra) -> None:
    tell = NOTIFIED.get(event.action)
    if tell is None or subject is None:
        return
    for user_id, kind, words, link in tell(event, subject):
        if user_id is not None and user_id != event.actor_id:
            write_notice(user_id, kind, subject, words, link, organisation_id=event.organisation_id,
                         now=event.occurred_at)


def on_code_to_send(user, *, channel, subject, text, link=None, code="", **_extra) -> bool:
    """A one-time code (accounts' password reset), sent now by the channel asked for; whether it went."""
    return direct.send_text(user, Channel(channel), subject, text, link=link, code=code)


def personal_data(user, volunteer=None) -> dict:
    """Their notices, with how each was delivered, their choices of channels and the push
    services of the browsers they subscribed (not the endpoints: those are keys of a kind)."""
    notices = db.session.scalars(sa.select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)).all()
    choices = db.session.scalars(sa.select(ChannelChoice).where(ChannelChoice.user_id == user.id)).all()
    pushes = db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user.id)).all()
    return {
        "notices": [{"kind": n.kind, "words": n.payload, "link": n.link, "created_at": iso(n.created_at),
                     "read_at": iso(n.read_at), "deliveries": [
                         {"channel": d.channel, "state": d.state, "sent_at": iso(d.sent_at)} for d in n.deliveries]}
                    for n in notices],
        "notification_choices": [{"kind": c.kind, "channel": c.channel, "on": c.enabled} for c in choices],
        "push_subscriptions": [{"push_service": urlsplit(s.endpoint).hostname, "created_at": iso(s.created_at)}
                               for s in pushes],
    }


def connect() -> None:
    signals.event_recorded.connect(on_event_recorded)
    signals.personal_data_requested.connect(personal_data)
    signals.code_to_send.connect(on_code_to_send)
    dispatch.connect()
