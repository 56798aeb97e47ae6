"""The evaluation (成效评估) a project needs before it closes: the figures the system computes
beside what staff enter, and the attachments."""
from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer.core import flush_unique, get_by_id, permissions, signals
from volunteer.core.audit import changes, record_event
from volunteer.core.errors import FieldErrors, NotFound
from volunteer.extensions import db
from volunteer.projects.errors import AlreadyEvaluated, NotEvaluating
from volunteer.projects.models import Attachment, Evaluation, Project
from volunteer.projects.services.projects import optional_count
from volunteer.projects.services.reading import get_project_for
from volunteer.projects.vocabulary import ProjectEvent

ATTACHMENT_TYPES = {
    # extension: (content type, how the file starts)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}


MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


MAX_ATTACHMENTS = 10


def computed_figures(project: Project) -> dict:
    """What the system knows of the project's service, as the domains that hold it answer
    (``signals.project_figures_requested``): the ledger's volunteers and approved hours, the
    reports' person-times, check-in's sessions and stations."""
    figures: dict = {}
    for _receiver, answer in signals.project_figures_requested.send(project):
        figures.update(answer)
    return figures


def figures_for(project: Project) -> dict:
    """The figures to show: those the evaluation was saved with, else the current ones."""
    return project.evaluation.computed if project.evaluation else computed_figures(project)


def _attachment_dir() -> str:
    path = current_app.config.get("UPLOAD_DIR") or os.path.join(current_app.instance_path, "uploads")
    os.makedirs(path, exist_ok=True)
    return path


def _check_attachment(errors: FieldErrors, filename: str, content: bytes):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kind = ATTACHMENT_TYPES.get(extension)
    if kind is None:
        errors.add("attachments", _l("%(name)s: only PDF, PNG, JPEG, DOCX and XLSX files.", name=filename))
        return None
    if len(content) > MAX_ATTACHMENT_BYTES:
        errors.add("attachments", _l("%(name)s: larger than 5 MB.", name=filename))
        return None
    if not content or not content.startswith(kind[1]):
        errors.add("attachments", _l("%(name)s: the content is not a %(ext)s file.", name=filename,
                                     ext=extension.upper()))
        return None
    return kind[0]


def save_evaluation(actor, project: Project, data: dict, files: list[tuple[str, bytes]] = (), *,
                    now: datetime) -> Evaluation:
    """Record or correct the evaluation while the project is being evaluated."""
    permissions.ensure(actor, "project.manage", project)
    if not project.accepts_evaluation():
        raise NotEvaluating()
    errors = FieldErrors()
    served = optional_count(errors, "beneficiaries_served", data.get("beneficiaries_served"))
    if served is None and "beneficiaries_served" not in errors:
        errors.add("beneficiaries_served", _l("Please give the number of people served."))
    try:
        rating = int(data.get("rating"))
    except (TypeError, ValueError):
        rating = None
    if rating is None or not 1 <= rating <= 5:
        errors.add("rating", _l("Choose a rating from 1 to 5."))
    outcomes = (data.get("outcomes") or "").strip()
    summary = (data.get("summary") or "").strip()
    if not outcomes:
        errors.add("outcomes", _l("Please describe the outcomes."))
    if not summary:
        errors.add("summary", _l("Please write a summary."))
    existing = len(project.evaluation.attachments) if project.evaluation else 0
    if existing + len(files) > MAX_ATTACHMENTS:
        errors.add("attachments", _l("At most %(n)s attachments.", n=MAX_ATTACHMENTS))
    checked = [(name, content, _check_attachment(errors, name, content)) for name, content in files]
    errors.raise_if_any()

    evaluation = project.evaluation
    values = {"beneficiaries_served": served, "rating": rating, "outcomes": outcomes[:20_000],
              "summary": summary[:20_000]}
    if evaluation is None:
        evaluation = Evaluation(project=project, created_by_id=actor.id, computed=computed_figures(project),
                                updated_at=now, **values)
        db.session.add(evaluation)
        flush_unique(AlreadyEvaluated())
        record_event(actor, ProjectEvent.EVALUATED, project, after={"rating": rating, "beneficiaries_served": served},
                     now=now)
    else:
        before, after = changes(evaluation, ["beneficiaries_served", "rating"], values)
        for key, value in values.items():
            setattr(evaluation, key, value)
        evaluation.computed = computed_figures(project)
        evaluation.updated_at = now
        record_event(actor, ProjectEvent.EVALUATION_UPDATED, project, before=before or None,
                     after=after or None, now=now)
    for name, content, content_type in checked:
        storage_name = secrets.token_hex(16)
        with open(os.path.join(_attachment_dir(), storage_name), "wb") as handle:
            handle.write(content)
        evaluation.attachments.append(Attachment(
            filename=os.path.basename(name)[:200], content_type=content_type, size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), storage_name=storage_name,
            uploaded_by_id=actor.id, created_at=now))
    return evaluation


def get_attachment_for(user, attachment_id) -> tuple[Attachment, str]:
    attachment = get_by_id(Attachment, attachment_id)
    if attachment is None:
        raise NotFound()
    get_project_for(user, attachment.evaluation.project_id)
    return attachment, os.path.join(_attachment_dir(), attachment.storage_name)


