"""The temporary league branches (临时团支部) of a programme: its league admins form them, put the
placed students in them (each in one branch; putting a student in another moves them) and record
the secretaries the members elected; a secretary sees the attendance of their branch's members,
each member sees their branch and its secretaries. The caller commits."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import Conflict, FieldErrors, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.practice.branches import Branch, BranchMember
from volunteer.practice.errors import NotInStage
from volunteer.practice.models import Post, Programme, StudentApplication
from volunteer.practice.services.applications import ensure_own
from volunteer.practice.services.checks import text_field
from volunteer.practice.services.sites import Attendance, attendance_of
from volunteer.practice.vocabulary import BRANCH_STAGES, ProgrammeEvent

NAME = 80
STAGE = _l("Branches are formed once students are placed, until the practice has been evaluated.")


def _ensure_stage(programme: Programme) -> None:
    if programme.state not in BRANCH_STAGES:
        raise NotInStage(STAGE)


def form_branch(actor, programme: Programme, name, *, now: datetime) -> Branch:
    permissions.ensure(actor, "programme.run", programme)
    _ensure_stage(programme)
    errors = FieldErrors()
    name = text_field(errors, {"name": name}, "name", NAME, required=True, message=_l("Please name the branch."))
    errors.raise_if_any()
    branch = Branch(programme=programme, name=name, created_by_id=actor.id, created_at=now)
    db.session.add(branch)
    flush_unique(ValidationFailed(fields={"name": [_l("This programme has a branch of that name already.")]}))
    record_event(actor, ProgrammeEvent.BRANCH_CREATED, branch, after={"title": name}, now=now)
    return branch


def get_branch_for(user, branch_id) -> Branch:
    branch = get_by_id(Branch, branch_id)
    if branch is None:
        raise NotFound()
    permissions.ensure(user, "programme.run", branch.programme)
    return branch


def get_member_for(user, member_id) -> BranchMember:
    member = get_by_id(BranchMember, member_id)
    if member is None:
        raise NotFound()
    permissions.ensure(user, "programme.run", member.branch.programme)
    return member


def put_in_branch(actor, branch: Branch, application_ids, *, now: datetime) -> list[BranchMember]:
    """Put placed students of the branch's programme in it (moving them from another branch;
    a secretary moved is no longer one)."""
    permissions.ensure(actor, "programme.run", branch.programme)
    _ensure_stage(branch.programme)
    wanted = {int(i) for i in application_ids or [] if str(i).isdigit()}
    if not wanted:
        raise ValidationFailed(fields={"application_ids": [_l("Choose the students to put in the branch.")]})
    found = db.session.scalars(sa.select(StudentApplication).where(
        StudentApplication.id.in_(wanted), StudentApplication.programme_id == branch.programme_id,
        StudentApplication.is_placed)).all()
    if len(found) != len(wanted):
        raise ValidationFailed(fields={"application_ids": [_l("Choose among this programme's placed students.")]})
    current = {m.application_id: m for m in db.session.scalars(
        sa.select(BranchMember).where(BranchMember.application_id.in_(wanted)).with_for_update())}
    changed = []
    for application in sorted(found, key=lambda a: a.id):
        member = current.get(application.id)
        if member is not None and member.branch_id == branch.id:
            continue
        before = {"branch_id": member.branch_id} if member is not None else None
        if member is None:
            member = BranchMember(branch=branch, application=application, joined_at=now)
            db.session.add(member)
        else:
            member.branch, member.is_secretary, member.joined_at = branch, False, now
        flush_unique(Conflict(_l("Someone changed these branches just now. Please reload.")))
        record_event(actor, ProgrammeEvent.BRANCH_JOINED, member, before=before,
                     after={"branch_id": branch.id, "application_id": application.id}, now=now)
        changed.append(member)
    return changed


def set_secretary(actor, member: BranchMember, is_secretary: bool, *, now: datetime) -> BranchMember:
    """Record whether the member is one of the secretaries their branch elected (a repeat changes nothing)."""
    permissions.ensure(actor, "programme.run", member.branch.programme)
    _ensure_stage(member.branch.programme)
    if member.is_secretary == bool(is_secretary):
        return member
    member.is_secretary = bool(is_secretary)
    db.session.flush()
    record_event(actor, ProgrammeEvent.SECRETARY_CHOSEN, member, before={"is_secretary": not member.is_secretary},
                 after={"is_secretary": member.is_secretary, "branch_id": member.branch_id}, now=now)
    return member


def branches_of(programme: Programme) -> list[Branch]:
    return db.session.scalars(sa.select(Branch).where(Branch.programme_id == programme.id).options(
        sa.orm.selectinload(Branch.members).joinedload(BranchMember.application)
        .joinedload(StudentApplication.volunteer)).order_by(Branch.name, Branch.id)).all()


def unbranched(programme: Programme) -> list[StudentApplication]:
    """The placed students in no branch yet, by name."""
    in_one = sa.select(BranchMember.application_id)
    return db.session.scalars(sa.select(StudentApplication).join(Post, Post.id == StudentApplication.placed_post_id)
                              .where(StudentApplication.programme_id == programme.id, StudentApplication.is_placed,
                                     StudentApplication.id.not_in(in_one))
                              .options(sa.orm.joinedload(StudentApplication.volunteer))
                              .order_by(StudentApplication.school_name, StudentApplication.id)).all()


def membership_of(application: StudentApplication) -> BranchMember | None:
    return db.session.scalar(sa.select(BranchMember).where(BranchMember.application_id == application.id))


def my_branch(user, application: StudentApplication) -> tuple[Branch, BranchMember, dict[int, Attendance] | None]:
    """The student's branch and their membership; the members' attendance when they are a secretary."""
    ensure_own(user, application)
    member = membership_of(application)
    if member is None:
        raise NotFound()
    branch = member.branch
    members = [m.application for m in branch.members]
    return branch, member, attendance_of(members) if member.is_secretary else None
