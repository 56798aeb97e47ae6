"""The domains joining the app: each tells core who may do what in it (permissions) and how the
event log names its things (audit), and connects its answers to other domains' questions
(core.signals). The vocabularies are also what templates and the API document take values from."""
from __future__ import annotations

from flask import Flask

from volunteer.accounts import vocabulary as accounts
from volunteer.certificates import batches  # noqa: F401  (registers the batch job's handler with core.jobs)
from volunteer.certificates import receivers as certificate_receivers
from volunteer.certificates import vocabulary as certificates
from volunteer.checkin import receivers as checkin_receivers
from volunteer.checkin import vocabulary as checkin
from volunteer.core import audit, permissions
from volunteer.core import vocabulary as core
from volunteer.core.vocabulary import Vocabulary
from volunteer.ledger import receivers as ledger_receivers
from volunteer.ledger import vocabulary as ledger
from volunteer.notifications import receivers as notification_receivers
from volunteer.notifications import vocabulary as notifications
from volunteer.organisations import vocabulary as organisations
from volunteer.organisations.models import Organisation
from volunteer.practice import vocabulary as practice
from volunteer.practice.services import certifying  # noqa: F401  (registers the practice certificates' job)
from volunteer.projects import vocabulary as projects
from volunteer.reports import printing  # noqa: F401  (registers the printable report's job handler)
from volunteer.reports import rollups as report_rollups
from volunteer.reports import vocabulary as reports
from volunteer.shifts import receivers as shift_receivers
from volunteer.shifts import vocabulary as shifts
from volunteer.stations import vocabulary as stations

# bottom to top, as the layers run (ARCHITECTURE.md)
VOCABULARIES = (core, organisations, accounts, stations, projects, ledger, shifts, checkin, certificates, practice,
                reports, notifications)


def join(app: Flask) -> None:
    permissions.use_tree(Organisation)
    for module in VOCABULARIES:
        permissions.declare(getattr(module, "ACCESS", {}))
        if hasattr(module, "EVENT_LOG"):
            audit.describe(module.EVENT_LOG)
    for receivers in (ledger_receivers, shift_receivers, checkin_receivers, certificate_receivers, report_rollups,
                      notification_receivers):
        receivers.connect()


def vocabularies() -> dict[str, type[Vocabulary]]:
    """Every closed set of values, by class name (unique across the domains)."""
    found: dict[str, type[Vocabulary]] = {}
    for module in VOCABULARIES:
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Vocabulary) and value is not Vocabulary \
                    and value.__module__ == module.__name__:
                if name in found:
                    raise LookupError(f"two vocabularies are called {name}: templates could not tell them apart")
                found[name] = value
    return found
