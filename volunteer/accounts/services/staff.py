"""Staff accounts and their roles on organisations."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.accounts.errors import AlreadyMember, OwnAdminRole
from volunteer.accounts.identity import is_valid_phone, mask_email, mask_phone
from volunteer.accounts.models import Membership, User
from volunteer.accounts.services.signin import (
    check_logins,
    find_user_by_login,
    hash_password,
    normalise_login,
    password_problem,
)
from volunteer.accounts.vocabulary import AccountEvent
from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import FieldErrors, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.organisations.vocabulary import Role


def create_user(*, phone: str | None, email: str | None, password: str, display_name: str,
                now: datetime) -> User:
    errors = FieldErrors()
    phone, email = check_logins(errors, phone, email)
    problem = password_problem(password)
    if problem:
        errors.add("password", problem)
    # Names are shown to other staff and in the log: never fall back to the full phone or e-mail.
    display_name = (display_name or "").strip() or mask_phone(phone) or mask_email(email)
    errors.raise_if_any()
    user = User(phone=phone, email=email, password_hash=hash_password(password),
                display_name=display_name[:80], created_at=now)
    db.session.add(user)
    db.session.flush()
    return user


def account_for_phone(errors: FieldErrors, field: str, phone: str | None, display_name: str, *,
                      now: datetime) -> User | None:
    """The account signing in with this mobile number: the person's own where they have one, else a
    new one with a password nobody knows (they set theirs with a code sent to that phone, as after
    a forgotten password). None, with the reason in ``errors``, for a number that is not one."""
    normalised = normalise_login(phone or "")
    if not normalised or "@" in normalised or not is_valid_phone(normalised):
        errors.add(field, _l("A mobile number is 11 digits starting with 13 to 19."))
        return None
    user = find_user_by_login(normalised)
    if user is not None:
        if not user.is_active:
            errors.add(field, _l("The account of this mobile number is closed."))
            return None
        return user
    unknown = secrets.token_urlsafe(24) + "a1"
    user = User(phone=normalised, password_hash=hash_password(unknown), display_name=(display_name or "").strip()[:80]
                or mask_phone(normalised), created_at=now)
    try:
        with db.session.begin_nested():  # someone registered this number at the same moment: theirs, then
            db.session.add(user)
            db.session.flush()
    except sa.exc.IntegrityError:
        return find_user_by_login(normalised)
    return user


def grant_role(actor, user: User, organisation: Organisation, role: str, *, now: datetime) -> Membership:
    """Give ``user`` a staff role on ``organisation``; ``actor`` None is the command line."""
    if actor is not None:
        permissions.ensure(actor, "membership.manage", organisation)
    if role not in Role.values():
        raise ValidationFailed(fields={"role": [_l("Please choose a role.")]})
    if db.session.scalar(sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id,
            Membership.role == role)) is not None:
        raise AlreadyMember()
    membership = Membership(user=user, organisation=organisation, role=role,
                            granted_by_id=getattr(actor, "id", None), created_at=now)
    db.session.add(membership)
    flush_unique(AlreadyMember())  # two admins granting the same role at once
    record_event(actor, AccountEvent.ROLE_GRANTED, membership,
                 after={"user_id": user.id, "role": role, "organisation": organisation.code}, now=now)
    return membership


def grant_role_by_login(actor, login: str, organisation: Organisation, role: str, *, now: datetime) -> Membership:
    """Grant a role to the registered person with this phone or e-mail."""
    user = find_user_by_login(login)
    if user is None or not user.is_active:
        raise ValidationFailed(fields={"login": [
            _l("Nobody is registered with this mobile number or e-mail.")]})
    return grant_role(actor, user, organisation, role, now=now)


def revoke_role(actor, membership: Membership, *, now: datetime) -> None:
    permissions.ensure(actor, "membership.manage", membership)
    if membership.user_id == actor.id and membership.role == Role.LEAGUE_ADMIN:
        raise OwnAdminRole()
    record_event(actor, AccountEvent.ROLE_REVOKED, membership,
                 before={"user_id": membership.user_id, "role": membership.role,
                         "organisation": membership.organisation.code}, now=now)
    db.session.delete(membership)


def staff_of(organisation: Organisation) -> list[Membership]:
    return db.session.scalars(sa.select(Membership).where(Membership.organisation_id == organisation.id)
                              .order_by(Membership.role, Membership.id)).all()


def get_membership_of(organisation: Organisation, membership_id: int) -> Membership:
    membership = get_by_id(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        raise NotFound()
    return membership
