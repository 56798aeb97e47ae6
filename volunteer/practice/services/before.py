"""Before the post: the programme's commitment letter (承诺书), set by its league admins as
versions, acknowledged by each placed student (the version and the time kept); the insurance the
student holds for the practice, confirmed by them. The caller commits."""
from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import Conflict, FieldErrors, NotFound
from volunteer.core.images import clean_photo
from volunteer.extensions import db
from volunteer.practice.models import Commitment, Programme, StudentApplication
from volunteer.practice.services.applications import ensure_own
from volunteer.practice.services.checks import text_field
from volunteer.practice.vocabulary import ProgrammeEvent

LETTER, INSURANCE = 5000, 200


def current_commitment(programme: Programme) -> Commitment | None:
    """The newest version of the programme's letter, or None while it has none."""
    return db.session.scalar(sa.select(Commitment).where(Commitment.programme_id == programme.id)
                             .order_by(Commitment.version.desc()).limit(1))


def set_commitment(actor, programme: Programme, text: str, *, now: datetime) -> Commitment:
    """A new version of the letter; students who acknowledged an older one are asked again."""
    permissions.ensure(actor, "programme.run", programme)
    errors = FieldErrors()
    text = text_field(errors, {"letter": text}, "letter", LETTER, required=True,
                      message=_l("Please write the commitment letter."))
    errors.raise_if_any()
    current = current_commitment(programme)
    if current is not None and current.text == text:
        return current
    letter = Commitment(programme=programme, version=(current.version + 1) if current else 1, text=text,
                        created_by_id=actor.id, created_at=now)
    db.session.add(letter)
    flush_unique(Conflict(_l("Someone else changed the letter just now. Please reload.")))
    record_event(actor, ProgrammeEvent.COMMITMENT_SET, letter, organisation=programme.organisation,
                 after={"version": letter.version}, now=now)
    return letter


def _ensure_placed(application: StudentApplication) -> None:
    if not application.is_placed:
        raise Conflict(_l("This comes once you have accepted a post."))


def acknowledge_commitment(actor, application: StudentApplication, commitment_id, *, now: datetime) -> None:
    """The student acknowledges the version of the letter they read: the current one, or nothing."""
    ensure_own(actor, application)
    _ensure_placed(application)
    current = current_commitment(application.programme)
    if current is None or str(current.id) != str(commitment_id):
        raise Conflict(_l("The commitment letter has changed: please read it again."))
    if application.commitment_id == current.id:
        return
    application.commitment_id, application.committed_at, application.updated_at = current.id, now, now
    db.session.flush()
    record_event(actor, ProgrammeEvent.COMMITTED, application, organisation=application.programme.organisation,
                 after={"version": current.version}, now=now)


def confirm_insurance(actor, application: StudentApplication, insurance: str, *, proof: bytes | None = None,
                      now: datetime) -> None:
    """The student says which insurance covers their practice (insurer and policy number), with
    a photo of the policy if they have one (it replaces an earlier photo)."""
    ensure_own(actor, application)
    _ensure_placed(application)
    errors = FieldErrors()
    insurance = text_field(errors, {"insurance": insurance}, "insurance", INSURANCE, required=True,
                           message=_l("Please give the insurer and the policy number."))
    photo = clean_photo(errors, proof, "proof")
    errors.raise_if_any()
    application.insurance, application.insured_at, application.updated_at = insurance, now, now
    after = {"insurance": insurance}
    if photo is not None:
        application.insurance_proof = photo[0]
        application.insurance_proof_sha256 = hashlib.sha256(photo[0]).hexdigest()
        after["photos"] = 1
    db.session.flush()
    record_event(actor, ProgrammeEvent.INSURED, application, organisation=application.programme.organisation,
                 after=after, now=now)


def insurance_proof_for(user, application_id) -> bytes:
    """The photo of a student's policy, for the student and the programme's league admins."""
    application = get_by_id(StudentApplication, application_id)
    if application is None:
        raise NotFound()
    if getattr(getattr(user, "volunteer", None), "id", None) != application.volunteer_id:
        permissions.ensure(user, "programme.run", application.programme)
    if application.insurance_proof_sha256 is None:
        raise NotFound()
    return application.insurance_proof


def readiness(programme: Programme) -> tuple[int, int]:
    """(ready, placed): how many placed students have acknowledged the current letter and
    confirmed their insurance, of how many are placed."""
    letter = current_commitment(programme)
    placed = db.session.scalars(sa.select(StudentApplication).where(
        StudentApplication.programme_id == programme.id, StudentApplication.is_placed)).all()
    return sum(1 for a in placed if a.is_ready_for_post(letter)), len(placed)
