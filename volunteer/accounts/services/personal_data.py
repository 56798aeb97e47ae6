"""Everything held about a person, unmasked, for their own download (the right to see and export
one's data). Other domains add what they hold through ``signals.personal_data_requested``."""
from __future__ import annotations

import sqlalchemy as sa

from volunteer.accounts.models import ApiToken, User
from volunteer.core import signals
from volunteer.core.models import Event
from volunteer.core.time import iso
from volunteer.extensions import db


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
    data = {
        "account": {
            "id": user.id, "phone": user.phone, "email": user.email,
            "display_name": user.display_name, "locale": user.locale,
            "created_at": iso(user.created_at),
        },
        "volunteer": None if volunteer is None else {
            "id": volunteer.id,
            "volunteer_no": volunteer.volunteer_no,
            "name": volunteer.name,
            "id_type": volunteer.id_type,
            "id_number": volunteer.id_number,
            "birth_date": iso(volunteer.birth_date),
            "gender": volunteer.gender,
            "political_status": volunteer.political_status,
            "school_or_employer": volunteer.school_or_employer,
            "skills": volunteer.skills,
            "organisation_code": volunteer.organisation.code,
            "consent_version": volunteer.consent_version,
            "consent_at": iso(volunteer.consent_at),
            "guardian": None if not volunteer.guardian_name else {
                "name": volunteer.guardian_name,
                "phone": volunteer.guardian_phone,
                "consent_at": iso(volunteer.guardian_consent_at),
                "sensitive_consent_at": iso(volunteer.guardian_sensitive_consent_at),
            },
            "created_at": iso(volunteer.created_at),
        },
        "roles": [{"role": m.role, "organisation_code": m.organisation.code,
                   "since": iso(m.created_at)} for m in user.memberships],
        "stations_led": [{"id": s.id, "name": s.name} for s in getattr(user, "led_stations", [])],
        "api_tokens": [{"created_at": iso(t.created_at), "expires_at": iso(t.expires_at),
                        "revoked_at": iso(t.revoked_at)} for t in tokens],
        "events": [{"occurred_at": iso(e.occurred_at), "action": e.action,
                    "subject_type": e.subject_type, "subject_id": e.subject_id} for e in events],
    }
    # What other domains hold of them (check-in sessions and scans, …), each section named by its domain.
    for _receiver, sections in signals.personal_data_requested.send(user, volunteer=volunteer):
        data.update(sections)
    return data
