"""Schemathesis hooks of tests/api/test_fuzz.py, loaded by its CLI in its own process.

Every text of a request is refused with a 422 when it holds a control character (core.edge), the
names and values of fields the API ignores included. The document says so of each declared text
(its pattern), but OpenAPI 3.0 cannot say it of undeclared fields (no ``propertyNames``), which
Schemathesis adds to valid bodies: this is said to it here instead."""
from __future__ import annotations

import schemathesis

from volunteer.core.edge import FORBIDDEN


def _has_control(value) -> bool:
    return isinstance(value, str) and FORBIDDEN.search(value) is not None


def without_controls(value):
    """``value`` less every member whose name or text holds a control character."""
    if isinstance(value, dict):
        return {key: without_controls(inner) for key, inner in value.items()
                if not _has_control(key) and not _has_control(inner)}
    if isinstance(value, list):
        return [without_controls(inner) for inner in value if not _has_control(inner)]
    return value


@schemathesis.hook
def map_case(context, case):
    """A body meant to be valid keeps only undeclared fields the edge would let through."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and isinstance(case.body, dict):
        case.body = without_controls(case.body)
    return case
