"""Check-in's refusals, one class per code (and the codes of stations.errors for station codes)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.errors import Conflict, DomainError
from volunteer.stations.errors import InvalidCode

# What accounts.errors.NotAVolunteer says at a station.
NOT_A_VOLUNTEER = _l("Only registered volunteers can check in. Please complete your volunteer registration.")


class StationClosed(Conflict):
    code = "station_closed"
    default_message = _l("This station is closed now.")


class ProjectNotRunning(Conflict):
    code = "project_not_running"
    default_message = _l("No project is taking check-ins at this station now.")


class NotOnRoster(Conflict):
    code = "not_on_roster"
    default_message = _l("Only volunteers accepted for this project can check in. Apply for a position first.")


class DailyLimitReached(Conflict):
    """Already the most check-ins a day for this project (SESSIONS_PER_PROJECT_DAY)."""

    code = "daily_limit_reached"


class ProjectRequired(DomainError):
    status = 422
    code = "project_required"
    default_message = _l("Several projects run at this station: choose yours.")

    def __init__(self, projects: list):
        self.projects = projects
        super().__init__(extra={"projects": [{"id": p.id, "title": p.title} for p in projects]})


class InvalidCard(InvalidCode):
    """A volunteer's personal code that is not (or no longer) theirs; answered as an invalid code."""

    default_message = _l("This is not a valid volunteer card.")


class UnknownNumber(DomainError):
    status = 404
    code = "unknown_volunteer"
    default_message = _l("No volunteer has this volunteer number or phone number.")
