"""May this user do X to this record? One answer for every view, API endpoint and service.

A staff role is a membership ``(user, organisation, role)`` and reaches that organisation's
whole subtree, never a sibling or a parent. A record says where it belongs through
``scope_organisation``. Refusals distinguish what the user may not know exists (NotFound) from
what they can see but may not change (Forbidden), so another town's records never leak.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from volunteer.core.errors import Forbidden, NotFound

# action -> the roles that may do it on a record within their subtree; each domain declares its
# own actions (``declare``) when the app is made.
_ACTIONS: dict[str, frozenset[str]] = {}
# The organisation tree's model (``id``; its rows answer ``contains`` and ``subtree()``).
_tree = None


def declare(actions: dict[str, Iterable[str]]) -> None:
    for action, roles in actions.items():
        _ACTIONS[action] = frozenset(roles)


def use_tree(model) -> None:
    global _tree
    _tree = model


def _roles_for(action: str) -> frozenset[str]:
    try:
        return _ACTIONS[action]
    except KeyError:
        raise LookupError(f"no domain declared the action {action!r}") from None


def _memberships(user) -> list:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(user.memberships)


def scope_roots(user, action: str) -> list:
    """The organisations whose subtrees ``user`` may do ``action`` in (no overlapping roots)."""
    roles = _roles_for(action)
    roots = sorted({m.organisation for m in _memberships(user) if m.role in roles},
                   key=lambda o: len(o.path))
    kept: list = []
    for org in roots:
        if not any(k.contains(org) for k in kept):
            kept.append(org)
    return kept


def _organisation_of(record):
    return record.scope_organisation  # an organisation answers itself


def can(user, action: str, record) -> bool:
    org = _organisation_of(record)
    return any(root.contains(org) for root in scope_roots(user, action))


def sees(user, record) -> bool:
    """Whether any staff role of ``user`` reaches the record at all."""
    org = _organisation_of(record)
    return any(m.organisation.contains(org) for m in _memberships(user))


def ensure(user, action: str, record) -> None:
    """Raise unless allowed: 404 when the record is outside every scope of the user, 403 when
    the user sees it but their role does not allow ``action``."""
    if can(user, action, record):
        return
    if sees(user, record):
        raise Forbidden()
    raise NotFound()


def ensure_any_scope(user, action: str) -> None:
    """For list pages: refuse users whose roles allow ``action`` nowhere."""
    if not scope_roots(user, action):
        raise Forbidden()


def is_staff(user) -> bool:
    return bool(_memberships(user))


def has_role(user, role: str) -> bool:
    return any(m.role == role for m in _memberships(user))


def in_scope(user, action: str, organisation_id_column) -> sa.ColumnElement[bool]:
    """A WHERE clause keeping rows whose organisation lies within the user's scope for ``action``."""
    roots = scope_roots(user, action)
    if not roots:
        return sa.false()
    subtree = sa.select(_tree.id).where(sa.or_(*[root.subtree() for root in roots]))
    return organisation_id_column.in_(subtree)


def may_see_unmasked(viewer, volunteer) -> bool:
    """Only the owner sees their own full ID number and phone (staff see them masked)."""
    return viewer is not None and getattr(viewer, "is_authenticated", False) and \
        volunteer.user_id is not None and volunteer.user_id == viewer.id
