"""Volunteers: registration (with the ID check and a guardian's consent for minors), the profile
they correct themselves, closing an account, and the staff's list of volunteers."""
from __future__ import annotations

import unicodedata
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from volunteer.accounts import privacy
from volunteer.accounts.errors import NotAVolunteer
from volunteer.accounts.identity import InvalidIdNumber, identifier, is_valid_phone, normalise_phone, parse_id_number
from volunteer.accounts.models import User, Volunteer
from volunteer.accounts.services.sessions import end_all_sessions
from volunteer.accounts.services.signin import (
    check_logins,
    hash_password,
    home_organisation,
    password_problem,
)
from volunteer.accounts.vocabulary import AccountEvent, PoliticalStatus
from volunteer.core import flush_unique, get_by_id, permissions, signals
from volunteer.core.audit import changes, record_event
from volunteer.core.counters import next_value
from volunteer.core.crypto import encrypt_text, keyed_hash
from volunteer.core.errors import FieldErrors, NotFound, ValidationFailed
from volunteer.core.models import Event
from volunteer.core.time import DEFAULT_ZONE, local_date
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code

ADULT_AGE = 18
SENSITIVE_AGE = 14  # under this, all data is sensitive and needs the guardian's separate consent


def _clean_name(errors: FieldErrors, field: str, raw: str | None, *, required: bool = True) -> str | None:
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if not name:
        if required:
            errors.add(field, _l("Please enter a full name."))  # a person's: 姓名, not a thing's 名称
        return None
    if len(name) > 40:
        errors.add(field, _l("At most %(n)s characters.", n=40))
    elif any(unicodedata.category(c)[0] in "CN" or c in "<>@/\\" for c in name):
        errors.add(field, _l("A name has letters only (any script), no digits or symbols."))
    return name


def _optional_text(data: dict, key: str, limit: int) -> str | None:
    value = (data.get(key) or "").strip()
    return value[:limit] or None


def register_volunteer(data: dict, *, now: datetime) -> Volunteer:
    """Self-registration. ``data`` holds name, phone, id_number, password, organisation_code,
    consent_version, optional email, political_status, school_or_employer, skills, and for
    minors ``guardian`` = {name, phone, consent, sensitive_consent}. Every problem is reported
    at once, per field; nothing is written unless all is well."""
    today = local_date(now, DEFAULT_ZONE)
    errors = FieldErrors()

    name = _clean_name(errors, "name", data.get("name"))
    phone = normalise_phone(data.get("phone"))
    if not phone:
        errors.add("phone", _l("Please enter your mobile number."))
    phone, email = check_logins(errors, phone or None, data.get("email"), require_one=False)

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

    organisation = get_by_code(data.get("organisation_code"))
    if organisation is None:
        errors.add("organisation_code", _l("Please choose your organisation."))

    if data.get("consent_version") != privacy.CURRENT_VERSION:
        errors.add("consent_version", _l("Please read and agree to the current privacy notice."))

    political_status = data.get("political_status") or None
    if political_status is not None and political_status not in PoliticalStatus.values():
        errors.add("political_status", _l("Please choose from the list."))

    guardian = data.get("guardian") or {}
    age = resident.age_on(today) if resident else None
    guardian_name = guardian_phone = None
    if age is not None and age < ADULT_AGE:
        guardian_name = _clean_name(errors, "guardian.name", guardian.get("name"))
        guardian_phone = normalise_phone(guardian.get("phone"))
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
    record_event(user, AccountEvent.REGISTERED, volunteer,
                 after={"volunteer_no": volunteer.volunteer_no, "organisation": organisation.code,
                        "consent_version": volunteer.consent_version, "minor": age < ADULT_AGE},
                 now=now)
    signals.registration_counted.send(volunteer, count=1)
    return volunteer


PROFILE_FIELDS = ("political_status", "school_or_employer", "skills")


def update_profile(user: User, data: dict, *, now: datetime) -> Volunteer:
    """The volunteer corrects what they may change themselves (identity comes from the ID)."""
    volunteer = user.volunteer
    if volunteer is None:
        raise NotFound()
    errors = FieldErrors()
    _phone, email = check_logins(errors, None, data.get("email"), require_one=False, exclude_user=user)
    if email != user.email and not check_password_hash(user.password_hash, data.get("current_password") or ""):
        # a login is changed only by someone who knows the password, not by whoever finds the browser open
        errors.add("current_password", _l("Enter your current password to change the e-mail."))
    political_status = data.get("political_status") or None
    if political_status is not None and political_status not in PoliticalStatus.values():
        errors.add("political_status", _l("Please choose from the list."))
    errors.raise_if_any()
    values = {
        "political_status": political_status,
        "school_or_employer": _optional_text(data, "school_or_employer", 120),
        "skills": _optional_text(data, "skills", 400),
    }
    if volunteer.is_minor_with_least_data:
        values = dict.fromkeys(values)
    before, after = changes(volunteer, list(PROFILE_FIELDS), values)
    for key, value in values.items():
        setattr(volunteer, key, value)
    if user.email != email:
        before["email_changed"], after["email_changed"] = False, True
        user.email = email
    if after:
        record_event(user, AccountEvent.PROFILE_UPDATED, volunteer, before=before, after=after, now=now)
    return volunteer


def close_account(user: User, *, password: str, now: datetime) -> None:
    """Erase the person's data and end every session. The volunteer row stays under its number
    so the hours it holds are kept against a pseudonym."""
    if not check_password_hash(user.password_hash, password or ""):
        raise ValidationFailed(fields={"password": [_l("The password is wrong.")]})
    volunteer = user.volunteer
    organisation = home_organisation(user)
    if volunteer is not None:
        # held, as the ledger's decisions hold it: an approval in flight counts the profile open
        # or sees it closed, and two closings at once count it out once
        db.session.execute(sa.select(Volunteer.id).where(Volunteer.id == volunteer.id).with_for_update(key_share=True))
        db.session.refresh(volunteer)
        if volunteer.is_active:
            signals.registration_counted.send(volunteer, count=-1)
        for attr in ("name", "id_number_encrypted", "id_number_hash", "birth_date", "gender",
                     "political_status", "school_or_employer", "skills", "guardian_name",
                     "guardian_phone"):
            setattr(volunteer, attr, None)
        volunteer.closed_at = now
        volunteer.user_id = None
        # The log keeps that the profile changed, not what it said.
        db.session.execute(
            sa.update(Event).where(Event.subject_type == "volunteers", Event.subject_id == volunteer.id,
                                   Event.action == AccountEvent.PROFILE_UPDATED)
            .values(before=None, after=None))
    for membership in list(user.memberships):
        db.session.delete(membership)
    end_all_sessions(user, now=now)
    user.phone = None
    user.email = None
    user.display_name = "-"
    user.password_hash = "!closed"
    user.active = False
    user.closed_at = now
    record_event(user, AccountEvent.CLOSED, volunteer or user, organisation=organisation, now=now)


# How many volunteers a search offers to pick from, where staff find one by name or number.
VOLUNTEERS_OFFERED = 20


def matching(search: str) -> sa.ColumnElement[bool]:
    """Staff find a volunteer by a part of the name or by the whole volunteer number (any case,
    full-width characters too): the one question every finder asks."""
    search = identifier(search).strip()[:80]
    return sa.or_(Volunteer.volunteer_no == search.upper(), Volunteer.name.contains(search, autoescape=True))


def volunteers_in_scope(user, search: str | None = None) -> sa.Select:
    stmt = (sa.select(Volunteer)
            .where(permissions.in_scope(user, "volunteer.view", Volunteer.organisation_id))
            .order_by(Volunteer.id.desc()))
    if (search or "").strip():
        stmt = stmt.where(matching(search))
    return stmt


def get_volunteer_for(user, volunteer_id: int) -> Volunteer:
    volunteer = get_by_id(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound()
    permissions.ensure(user, "volunteer.view", volunteer)
    return volunteer


def volunteer_of(user, message=None) -> Volunteer:
    """The user's volunteer profile, if they have one and have not closed it; else NotAVolunteer."""
    volunteer = getattr(user, "volunteer", None) if getattr(user, "is_authenticated", False) else None
    if volunteer is None or not volunteer.is_active:
        raise NotAVolunteer(message)
    return volunteer


def set_locale(user: User | None, locale: str) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        user.locale = locale
