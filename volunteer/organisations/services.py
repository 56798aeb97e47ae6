"""Use cases of the organisation tree."""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import flush_unique, permissions
from volunteer.core.audit import record_event
from volunteer.core.edge import identifier
from volunteer.core.errors import FieldErrors, Forbidden, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.organisations.models import Organisation, OrganisationAncestor
from volunteer.organisations.vocabulary import OrganisationEvent, OrganisationKind

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")


def get_by_code(code: str) -> Organisation | None:
    """None for a code no organisation could have (PostgreSQL refuses a NUL byte outright)."""
    code = identifier(code).upper()
    if not CODE_RE.match(code):
        return None
    return db.session.scalar(sa.select(Organisation).where(Organisation.code == code))


def get_visible(user, code: str, action: str = "organisation.view") -> Organisation:
    org = get_by_code(code)
    if org is None:
        raise NotFound()
    permissions.ensure(user, action, org)
    return org


def _check_name(errors: FieldErrors, name: str) -> str:
    name = (name or "").strip()
    if not name:
        errors.add("name", _l("Please enter a name."))
    elif len(name) > 120:
        errors.add("name", _l("At most %(n)s characters.", n=120))
    return name


def create_organisation(actor, parent: Organisation | None, *, code: str, name: str, kind: str,
                        now: datetime) -> Organisation:
    """Add a child under ``parent``. ``actor`` None is the command line, which alone may also
    create a root (``parent`` None)."""
    if actor is not None:
        if parent is None:
            raise Forbidden()
        permissions.ensure(actor, "organisation.manage", parent)
    errors = FieldErrors()
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        errors.add("code", _l("2 to 32 capital letters, digits or hyphens, starting with a letter or digit."))
    elif get_by_code(code) is not None:
        errors.add("code", _l("This code is already used by another organisation."))
    name = _check_name(errors, name)
    if kind not in OrganisationKind.values():
        errors.add("kind", _l("Please choose a kind."))
    errors.raise_if_any()
    org = Organisation(code=code, name=name, kind=kind, parent=parent,
                       path=(parent.path if parent else "/") + code + "/")
    db.session.add(org)
    flush_unique(ValidationFailed(fields={"code": [_l("This code is already used by another organisation.")]}))
    above = [row.ancestor_id for row in parent.ancestry] if parent else []
    db.session.add_all(OrganisationAncestor(organisation_id=org.id, ancestor_id=a) for a in [org.id, *above])
    record_event(actor, OrganisationEvent.CREATED, org, after={"code": code, "name": name, "kind": kind},
                 now=now)
    return org


def get_renamable(user, code: str) -> Organisation:
    """An organisation the user may rename: one below their own (theirs is renamed from above)."""
    org = get_visible(user, code)
    if not can_rename(user, org):
        raise Forbidden()
    return org


def rename_organisation(actor, org: Organisation, *, name: str, now: datetime) -> Organisation:
    """Admins rename organisations below their own (their own is renamed from above)."""
    permissions.ensure(actor, "organisation.view", org)
    if not can_rename(actor, org):
        raise Forbidden()
    errors = FieldErrors()
    name = _check_name(errors, name)
    errors.raise_if_any()
    if name != org.name:
        before = {"name": org.name}
        org.name = name
        record_event(actor, OrganisationEvent.RENAMED, org, before=before, after={"name": name},
                     now=now)
    return org


def visible_organisations(user, action: str = "organisation.view") -> sa.Select:
    """All organisations within the user's scope, in tree order."""
    return (sa.select(Organisation)
            .where(permissions.in_scope(user, action, Organisation.id))
            .order_by(Organisation.path))


def indented_choices(orgs: list[Organisation]) -> list[tuple[str, str]]:
    """(code, name indented by depth) for a select box, the shallowest level flush left."""
    base = min((o.depth for o in orgs), default=0)
    return [(o.code, "\u3000" * (o.depth - base) + o.name) for o in orgs]


def choices_for(user, action: str) -> list[tuple[str, str]]:
    """The organisations where ``user`` may do ``action``, for a select box."""
    return indented_choices(db.session.scalars(visible_organisations(user, action)).all())


def all_in_tree_order() -> sa.Select:
    """Every organisation, parents before children (registration lets anyone choose one)."""
    return sa.select(Organisation).order_by(Organisation.path)


def registration_choices() -> list[tuple[str, str]]:
    """Every organisation for the registration form's select box (anyone may join any)."""
    return indented_choices(db.session.scalars(all_in_tree_order()).all())


def subtree_of(org: Organisation) -> sa.Select:
    return sa.select(Organisation).where(org.subtree()).order_by(Organisation.path)


def can_rename(user, org: Organisation) -> bool:
    return org.parent is not None and permissions.can(user, "organisation.manage", org.parent)
