"""Closed sets of values, each declared once in the domain that owns it, with its labels.

A vocabulary is a ``StrEnum`` whose members are ``NAME = "value", _l("Label")``: a member *is*
its value (it compares equal to the text stored in the database and sent over the API), and
knows its translatable label. CHECK constraints, forms, API schemas, exports and templates take
their values and labels from here; nobody else writes the values out."""
from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Vocabulary(StrEnum):
    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self) -> str:
        return str(self._label)

    @property
    def lazy_label(self):
        """The label still to be translated (for a form's choices, another vocabulary's member)."""
        return self._label

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def label_of(cls, value) -> str:
        """The label of a stored value; an unknown one is shown as it is."""
        try:
            return cls(value).label
        except ValueError:
            return "" if value is None else str(value)

    @classmethod
    def choices(cls, members: Iterable[Vocabulary] | None = None) -> list[tuple[str, object]]:
        """(value, label) pairs for a select box; the labels stay lazy, translated when shown."""
        return [(member.value, member.lazy_label) for member in (cls if members is None else members)]

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Value → label, translated now (for a page, an export, a script)."""
        return {member.value: member.label for member in cls}

    @classmethod
    def sql_in(cls, column: str, members: Iterable[Vocabulary] | None = None) -> str:
        """``column IN ('a', 'b')`` for a CHECK constraint or a partial index."""
        chosen = cls if members is None else members
        return f"{column} IN (" + ", ".join(f"'{member.value}'" for member in chosen) + ")"


class JobState(Vocabulary):
    """A background job (core.jobs): waiting, running with a heartbeat, done, or failed."""

    QUEUED = "queued", _l("waiting to start")
    RUNNING = "running", _l("in progress")
    DONE = "done", _l("done")
    FAILED = "failed", _l("stopped")


class ExportFormat(Vocabulary):
    """The files a table downloads as (the ledger's entries, a dashboard's tables)."""

    CSV = "csv", _l("CSV")
    XLSX = "xlsx", _l("Excel")


MIMETYPES = {ExportFormat.CSV: "text/csv; charset=utf-8",
             ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
