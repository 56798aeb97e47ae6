"""What the ledger answers other domains through core.signals: a project's figures of service."""
from __future__ import annotations

from volunteer.core import signals
from volunteer.ledger.services.totals import project_figures


def connect() -> None:
    signals.project_figures_requested.connect(project_figures)
