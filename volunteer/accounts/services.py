"""Use cases of accounts: sign-in, passwords, tokens, staff roles, volunteer registration,
the volunteer's own data (see, export, correct, close)."""
from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from volunteer.accounts import privacy
from volunteer.accounts.identity import (
    InvalidIdNumber,
    is_valid_phone,
    mask_email,
    mask_phone,
    parse_id_number,
)
from volunteer.accounts.models import (
    POLITICAL_STATUSES,
    ROLES,
    ApiToken,
    Membership,
    User,
    Volunteer,
)
from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import changes, record_event
from volunteer.core.counters import next_value
from volunteer.core.crypto import encrypt_text, keyed_hash, token_digest
from volunteer.core.errors import (
    Conflict,
    FieldErrors,
    Forbidden,
    InvalidCredentials,
    NotFound,
    ValidationFailed,
)
from volunteer.core.models import Event
from volunteer.core.time import DEFAULT_ZONE, local_date, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation

ADULT_AGE = 18
SENSITIVE_AGE = 14  # under this, all data is sensitive and needs the guardian's separate consent


# --- passwords and sign-in --------------------------------------------------------------------

def hash_password(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD")
    return generate_password_hash(password, method=method) if method else generate_password_hash(password)


def password_problem(password: str):
    """The reason a new password is refused, or None."""
    if len(password or "") < 8:
        return _l("At least 8 characters.")
    if len(password) > 128:
        return _l("At most %(n)s characters.", n=128)
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return _l("Use both letters and digits.")
    return None


def normalise_login(login: str) -> str:
    login = (login or "").strip()
    return login.lower() if "@" in login else login.replace(" ", "")


def find_user_by_login(login: str) -> User | None:
    login = normalise_login(login)
    if not login:
        return None
    column = User.email if "@" in login else User.phone
    return db.session.scalar(sa.select(User).where(column == login))


_DUMMY_HASH = None


def authenticate(login: str, password: str) -> User:
    """The user with this phone or e-mail and password; the same error whichever is wrong."""
    global _DUMMY_HASH
    user = find_user_by_login(login)
    if user is None or not user.is_active:
        # Spend the same time as a real check, so timing does not tell which logins exist.
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASH, password or "")
        raise InvalidCredentials()
    if not check_password_hash(user.password_hash, password or ""):
        raise InvalidCredentials()
    return user


def change_password(user: User, *, current: str, new: str, now: datetime | None = None) -> None:
    errors = FieldErrors()
    if not check_password_hash(user.password_hash, current or ""):
        errors.add("current_password", _l("The current password is wrong."))
    problem = password_problem(new)
    if problem:
        errors.add("new_password", problem)
    errors.raise_if_any()
    user.password_hash = hash_password(new)
    # A new password ends every API session that the old one opened.
    revoke_all_tokens(user, now=now)
    record_event(user, "user.password_changed", user, organisation=_home_organisation(user), now=now)


def _home_organisation(user: User) -> Organisation | None:
    if user.volunteer is not None:
        return user.volunteer.organisation
    return user.memberships[0].organisation if user.memberships else None


# --- API tokens ---------------------------------------------------------------------------------

def issue_api_token(user: User, *, now: datetime | None = None) -> tuple[str, ApiToken]:
    now = now or utcnow()
    raw = secrets.token_urlsafe(32)
    row = ApiToken(user=user, digest=token_digest(raw), created_at=now,
                   expires_at=now + timedelta(days=current_app.config["API_TOKEN_TTL_DAYS"]))
    db.session.add(row)
    return raw, row


def user_for_token(raw: str, *, now: datetime | None = None) -> tuple[User, ApiToken] | None:
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.digest == token_digest(raw)))
    if row is None or not row.is_valid(now or utcnow()):
        return None
    return row.user, row


def revoke_api_token(row: ApiToken, *, now: datetime | None = None) -> None:
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()


def revoke_all_tokens(user: User, *, now: datetime | None = None) -> None:
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


# --- staff accounts and roles -----------------------------------------------------------------

def _check_phone_email(errors: FieldErrors, phone: str | None, email: str | None,
                       *, require_one: bool = True, exclude_user: User | None = None):
    phone = (phone or "").strip().replace(" ", "") or None
    email = (email or "").strip().lower() or None
    if require_one and not phone and not email:
        errors.add("phone", _l("Please enter a mobile number or an e-mail address."))
    if phone is not None:
        if not is_valid_phone(phone):
            errors.add("phone", _l("A mobile number is 11 digits starting with 13 to 19."))
        else:
            other = db.session.scalar(sa.select(User).where(User.phone == phone))
            if other is not None and other is not exclude_user:
                errors.add("phone", _l("This mobile number is already registered."))
    if email is not None:
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors.add("email", _l("This is not a valid e-mail address."))
        else:
            other = db.session.scalar(sa.select(User).where(User.email == email))
            if other is not None and other is not exclude_user:
                errors.add("email", _l("This e-mail address is already registered."))
    return phone, email


def create_user(*, phone: str | None, email: str | None, password: str, display_name: str,
                actor=None, now: datetime | None = None) -> User:
    errors = FieldErrors()
    phone, email = _check_phone_email(errors, phone, email)
    problem = password_problem(password)
    if problem:
        errors.add("password", problem)
    # Names are shown to other staff and in the log: never fall back to the full phone or e-mail.
    display_name = (display_name or "").strip() or mask_phone(phone) or mask_email(email)
    errors.raise_if_any()
    user = User(phone=phone, email=email, password_hash=hash_password(password),
                display_name=display_name[:80], created_at=now or utcnow())
    db.session.add(user)
    db.session.flush()
    return user


def grant_role(actor, user: User, organisation: Organisation, role: str,
               *, now: datetime | None = None) -> Membership:
    """Give ``user`` a staff role on ``organisation``; ``actor`` None is the command line."""
    if actor is not None:
        permissions.ensure(actor, "membership.manage", organisation)
    if role not in ROLES:
        raise ValidationFailed(fields={"role": [_l("Please choose a role.")]})
    already = Conflict(_l("This person already has this role here."), code="already_member")
    if db.session.scalar(sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id,
            Membership.role == role)) is not None:
        raise already
    membership = Membership(user=user, organisation=organisation, role=role,
                            granted_by_id=getattr(actor, "id", None), created_at=now or utcnow())
    db.session.add(membership)
    flush_unique(already)  # two admins granting the same role at once
    record_event(actor, "membership.granted", membership,
                 after={"user_id": user.id, "role": role, "organisation": organisation.code}, now=now)
    return membership


def grant_role_by_login(actor, login: str, organisation: Organisation, role: str,
                        *, now: datetime | None = None) -> Membership:
    """Grant a role to the registered person with this phone or e-mail."""
    user = find_user_by_login(login)
    if user is None or not user.is_active:
        raise ValidationFailed(fields={"login": [
            _l("Nobody is registered with this mobile number or e-mail.")]})
    return grant_role(actor, user, organisation, role, now=now)


def revoke_role(actor, membership: Membership, *, now: datetime | None = None) -> None:
    permissions.ensure(actor, "membership.manage", membership)
    if membership.user_id == actor.id and membership.role == "league_admin":
        # An admin removing their own admin role could lock an organisation out; ask another.
        raise Forbidden(_l("Ask another admin to remove your own admin role."))
    record_event(actor, "membership.revoked", membership,
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


def memberships_in_scope(user) -> sa.Select:
    return (sa.select(Membership).join(Membership.organisation)
            .where(permissions.in_scope(user, "membership.view", Membership.organisation_id))
            .order_by(Organisation.path, Membership.role, Membership.id))


# --- volunteers -----------------------------------------------------------------------------

def _clean_name(errors: FieldErrors, field: str, raw: str | None, *, required: bool = True) -> str | None:
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if not name:
        if required:
            errors.add(field, _l("Please enter a name."))
        return None
    if len(name) > 40:
        errors.add(field, _l("At most %(n)s characters.", n=40))
    elif any(unicodedata.category(c)[0] in "CN" or c in "<>@/\\" for c in name):
        errors.add(field, _l("A name has letters only (any script), no digits or symbols."))
    return name


def _optional_text(data: dict, key: str, limit: int) -> str | None:
    value = (data.get(key) or "").strip()
    return value[:limit] or None


def register_volunteer(data: dict, *, now: datetime | None = None) -> Volunteer:
    """Self-registration. ``data`` holds name, phone, id_number, password, organisation_code,
    consent_version, optional email, political_status, school_or_employer, skills, and for
    minors ``guardian`` = {name, phone, consent, sensitive_consent}. Every problem is reported
    at once, per field; nothing is written unless all is well."""
    now = now or utcnow()
    today = local_date(now, DEFAULT_ZONE)
    errors = FieldErrors()

    name = _clean_name(errors, "name", data.get("name"))
    phone = (data.get("phone") or "").strip()
    if not phone:
        errors.add("phone", _l("Please enter your mobile number."))
    phone, email = _check_phone_email(errors, phone or None, data.get("email"), require_one=False)

    resident = None
    try:
        resident = parse_id_number(data.get("id_number") or "", today=today)
    except InvalidIdNumber as exc:
        errors.add("id_number", exc.message if data.get("id_number") else _l("Please enter your ID number."))
    if resident is not None and db.session.scalar(
            sa.select(Volunteer.id).where(Volunteer.id_number_hash == keyed_hash(resident.number))):
        errors.add("id_number", _l("A volunteer with this ID number is already registered."))

    problem = password_problem(data.get("password") or "")
    if problem:
        errors.add("password", problem)

    organisation = db.session.scalar(sa.select(Organisation).where(
        Organisation.code == (data.get("organisation_code") or "").strip().upper()))
    if organisation is None:
        errors.add("organisation_code", _l("Please choose your organisation."))

    if data.get("consent_version") != privacy.CURRENT_VERSION:
        errors.add("consent_version", _l("Please read and agree to the current privacy notice."))

    political_status = data.get("political_status") or None
    if political_status is not None and political_status not in POLITICAL_STATUSES:
        errors.add("political_status", _l("Please choose from the list."))

    guardian = data.get("guardian") or {}
    age = resident.age_on(today) if resident else None
    guardian_name = guardian_phone = None
    if age is not None and age < ADULT_AGE:
        guardian_name = _clean_name(errors, "guardian.name", guardian.get("name"))
        guardian_phone = (guardian.get("phone") or "").strip()
        if not is_valid_phone(guardian_phone):
            errors.add("guardian.phone", _l("Please enter the guardian's mobile number (11 digits)."))
        if guardian.get("consent") is not True:
            errors.add("guardian.consent",
                       _l("Volunteers under 18 need their guardian's consent to register."))
        if age < SENSITIVE_AGE and guardian.get("sensitive_consent") is not True:
            errors.add("guardian.sensitive_consent",
                       _l("Under 14, the guardian must also consent separately to the processing "
                          "of sensitive personal data."))
    errors.raise_if_any()

    user = User(phone=phone, email=email, password_hash=hash_password(data["password"]),
                display_name=name, created_at=now)
    minor_least_data = age is not None and age < SENSITIVE_AGE
    volunteer = Volunteer(
        user=user,
        organisation=organisation,
        volunteer_no=f"{organisation.code}-{next_value('volunteer_no:' + organisation.code):06d}",
        name=name,
        id_number_encrypted=encrypt_text(resident.number),
        id_number_hash=keyed_hash(resident.number),
        birth_date=resident.birth_date,
        gender=resident.gender,
        # Under 14 we collect the least: nothing beyond what registration needs.
        political_status=None if minor_least_data else political_status,
        school_or_employer=None if minor_least_data else _optional_text(data, "school_or_employer", 120),
        skills=None if minor_least_data else _optional_text(data, "skills", 400),
        consent_version=privacy.CURRENT_VERSION,
        consent_at=now,
        guardian_name=guardian_name,
        guardian_phone=guardian_phone,
        guardian_consent_at=now if guardian_name else None,
        guardian_sensitive_consent_at=now if minor_least_data else None,
        created_at=now,
    )
    db.session.add_all([user, volunteer])
    # Someone may have registered the same phone, e-mail or ID number at the same moment.
    flush_unique(ValidationFailed(fields={"id_number": [
        _l("A volunteer with this ID number or mobile number is already registered.")]}))
    record_event(user, "volunteer.registered", volunteer,
                 after={"volunteer_no": volunteer.volunteer_no, "organisation": organisation.code,
                        "consent_version": volunteer.consent_version, "minor": age < ADULT_AGE},
                 now=now)
    return volunteer


PROFILE_FIELDS = ("political_status", "school_or_employer", "skills")


def update_profile(user: User, data: dict, *, now: datetime | None = None) -> Volunteer:
    """The volunteer corrects what they may change themselves (identity comes from the ID)."""
    volunteer = user.volunteer
    if volunteer is None:
        raise NotFound()
    errors = FieldErrors()
    _phone, email = _check_phone_email(errors, None, data.get("email"), require_one=False,
                                       exclude_user=user)
    political_status = data.get("political_status") or None
    if political_status is not None and political_status not in POLITICAL_STATUSES:
        errors.add("political_status", _l("Please choose from the list."))
    errors.raise_if_any()
    minor_least_data = volunteer.guardian_sensitive_consent_at is not None
    values = {
        "political_status": political_status,
        "school_or_employer": _optional_text(data, "school_or_employer", 120),
        "skills": _optional_text(data, "skills", 400),
    }
    if minor_least_data:
        values = dict.fromkeys(values)
    before, after = changes(volunteer, list(PROFILE_FIELDS), values)
    for key, value in values.items():
        setattr(volunteer, key, value)
    if user.email != email:
        before["email_changed"], after["email_changed"] = False, True
        user.email = email
    if after:
        record_event(user, "volunteer.profile_updated", volunteer, before=before, after=after, now=now)
    return volunteer


def _iso(value):
    return value.isoformat() if value is not None else None


def export_personal_data(user: User) -> dict:
    """Everything held about ``user``, unmasked, for the owner's own download."""
    volunteer = user.volunteer
    events = db.session.scalars(
        sa.select(Event).where(sa.or_(
            Event.actor_id == user.id,
            sa.and_(Event.subject_type == "users", Event.subject_id == user.id),
            sa.and_(Event.subject_type == "volunteers", Event.subject_id == (volunteer.id if volunteer else -1)),
        )).order_by(Event.occurred_at, Event.id)).all()
    tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).all()
    return {
        "account": {
            "id": user.id, "phone": user.phone, "email": user.email,
            "display_name": user.display_name, "locale": user.locale,
            "created_at": _iso(user.created_at),
        },
        "volunteer": None if volunteer is None else {
            "id": volunteer.id,
            "volunteer_no": volunteer.volunteer_no,
            "name": volunteer.name,
            "id_type": volunteer.id_type,
            "id_number": volunteer.id_number,
            "birth_date": _iso(volunteer.birth_date),
            "gender": volunteer.gender,
            "political_status": volunteer.political_status,
            "school_or_employer": volunteer.school_or_employer,
            "skills": volunteer.skills,
            "organisation_code": volunteer.organisation.code,
            "consent_version": volunteer.consent_version,
            "consent_at": _iso(volunteer.consent_at),
            "guardian": None if not volunteer.guardian_name else {
                "name": volunteer.guardian_name,
                "phone": volunteer.guardian_phone,
                "consent_at": _iso(volunteer.guardian_consent_at),
                "sensitive_consent_at": _iso(volunteer.guardian_sensitive_consent_at),
            },
            "created_at": _iso(volunteer.created_at),
        },
        "roles": [{"role": m.role, "organisation_code": m.organisation.code,
                   "since": _iso(m.created_at)} for m in user.memberships],
        "stations_led": [{"id": s.id, "name": s.name} for s in getattr(user, "led_stations", [])],
        "api_tokens": [{"created_at": _iso(t.created_at), "expires_at": _iso(t.expires_at),
                        "revoked_at": _iso(t.revoked_at)} for t in tokens],
        "events": [{"occurred_at": _iso(e.occurred_at), "action": e.action,
                    "subject_type": e.subject_type, "subject_id": e.subject_id} for e in events],
        **_checkin_records(user, volunteer),
    }


def _checkin_records(user: User, volunteer) -> dict:
    """Their sessions, and the scans they made or that were made of them."""
    from volunteer.checkin.models import Scan, ServiceSession
    volunteer_id = volunteer.id if volunteer else -1
    sessions = db.session.scalars(sa.select(ServiceSession).where(ServiceSession.volunteer_id == volunteer_id)
                                  .order_by(ServiceSession.id)).all()
    scans = db.session.scalars(sa.select(Scan).where(sa.or_(Scan.volunteer_id == volunteer_id, Scan.user_id == user.id))
                               .order_by(Scan.id)).all()
    return {
        "service_sessions": [{
            "id": s.id, "station": s.station.name, "project": s.project.title, "state": s.state, "source": s.source,
            "checked_in_at": _iso(s.checked_in_at), "checked_out_at": _iso(s.checked_out_at), "minutes": s.minutes,
            "auto_closed": s.auto_closed, "distance_m": s.distance_m} for s in sessions],
        "scans": [{"received_at": _iso(c.received_at), "scanned_at": _iso(c.scanned_at), "station_id": c.station_id,
                   "outcome": c.outcome, "reason": c.reason, "source": c.source} for c in scans],
    }


def close_account(user: User, *, password: str, now: datetime | None = None) -> None:
    """Erase the person's data and end every session. The volunteer row stays under its number
    so the hours it holds are kept against a pseudonym."""
    now = now or utcnow()
    if not check_password_hash(user.password_hash, password or ""):
        raise ValidationFailed(fields={"password": [_l("The password is wrong.")]})
    volunteer = user.volunteer
    organisation = _home_organisation(user)
    if volunteer is not None:
        for attr in ("name", "id_number_encrypted", "id_number_hash", "birth_date", "gender",
                     "political_status", "school_or_employer", "skills", "guardian_name",
                     "guardian_phone"):
            setattr(volunteer, attr, None)
        volunteer.closed_at = now
        volunteer.user_id = None
        # The log keeps that the profile changed, not what it said.
        db.session.execute(
            sa.update(Event).where(Event.subject_type == "volunteers", Event.subject_id == volunteer.id,
                                   Event.action == "volunteer.profile_updated")
            .values(before=None, after=None))
    for membership in list(user.memberships):
        db.session.delete(membership)
    revoke_all_tokens(user, now=now)
    user.phone = None
    user.email = None
    user.display_name = "-"
    user.password_hash = "!closed"
    user.active = False
    user.closed_at = now
    record_event(user, "account.closed", volunteer or user, organisation=organisation, now=now)


def volunteers_in_scope(user, search: str | None = None) -> sa.Select:
    stmt = (sa.select(Volunteer)
            .where(permissions.in_scope(user, "volunteer.view", Volunteer.organisation_id))
            .order_by(Volunteer.id.desc()))
    search = (search or "").strip()
    if search:
        stmt = stmt.where(sa.or_(Volunteer.volunteer_no == search.upper(),
                                 Volunteer.name.contains(search, autoescape=True)))
    return stmt


def get_volunteer_for(user, volunteer_id: int) -> Volunteer:
    volunteer = get_by_id(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound()
    permissions.ensure(user, "volunteer.view", volunteer)
    return volunteer


def set_locale(user: User | None, locale: str) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        user.locale = locale
