"""What enters through a request is refused at the door when no field could hold it, before any
view, form, schema or query sees it: control characters (NUL above all, which PostgreSQL refuses
in text and SQLite stores) anywhere in the path, the query, a form or a JSON body, and JSON nested
deeper than any answer we accept (Python's parser would run out of stack). Each is a clear 422 or
400 in the user's language, and nothing changes."""
from __future__ import annotations

import json
import re
import unicodedata

from flask import Flask, request
from flask_babel import lazy_gettext as _l

# C0 controls and DEL; tab, newline and carriage return are text.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# No request of ours nests deeper (a project with its positions and resources is 4).
MAX_JSON_DEPTH = 32

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")

CONTROL_MESSAGE = _l("Must not contain control characters (such as NUL).")
DEPTH_MESSAGE = _l("The JSON is nested too deeply.")


def identifier(value) -> str:
    """A phone number, ID number, code or login as typed, in the one form it is stored and
    compared in: NFKC (full-width and other script digits and letters become ASCII: "１３９"
    is "139"), without surrounding spaces."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


class RefusedInput(Exception):
    """Answered as a 422 with ``fields`` (each field's message), or a 400 with ``message``."""

    def __init__(self, *, fields: dict | None = None, message=None):
        super().__init__(message or "refused input")
        self.fields, self.message = fields or {}, message


def json_depth(text: str) -> int:
    """How deep a JSON text nests, without parsing it (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if bracket.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _texts(value, path: str):
    """Every string in a parsed JSON value (keys too), with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _texts(inner, where)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _texts(inner, f"{path}.{index}" if path else str(index))


def check_request() -> None:
    """Raise RefusedInput for what no field may hold; let everything else through untouched."""
    bad: dict[str, list] = {}
    sources = [(request.view_args or {}).items(), request.args.items(multi=True)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.form.items(multi=True))
    for items in sources:
        for key, value in items:
            if FORBIDDEN.search(str(key)) or (isinstance(value, str) and FORBIDDEN.search(value)):
                bad[str(key)] = [CONTROL_MESSAGE]
    if request.is_json:
        text = request.get_data(cache=True, as_text=True)
        if json_depth(text) > MAX_JSON_DEPTH:
            raise RefusedInput(message=DEPTH_MESSAGE)
        try:
            body = json.loads(text)
        except ValueError:
            body = None  # not JSON: the view's parser says so
        for where, value in _texts(body, ""):
            if FORBIDDEN.search(value):
                bad[where or "_schema"] = [CONTROL_MESSAGE]
    if bad:
        raise RefusedInput(fields=bad)


def init_app(app: Flask) -> None:
    app.before_request(check_request)
