"""What certificates do when the ledger says something happened (core.signals)."""
from __future__ import annotations

from volunteer.certificates.services.register import flag_for_review
from volunteer.core import signals


def on_entry_corrected(correction, entry) -> None:
    """Hours a valid certificate counted were corrected: its admin is to look at it."""
    flag_for_review(entry, correction)


def connect() -> None:
    signals.entry_corrected.connect(on_entry_corrected)
