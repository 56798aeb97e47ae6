"""Reports' closed sets: the periods a dashboard shows, the figures it reports; who may see them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary
from volunteer.organisations.vocabulary import ADMINS, STAFF


class PeriodChoice(Vocabulary):
    THIS_MONTH = "this_month", _l("This month")
    THIS_YEAR = "this_year", _l("This year")
    LAST_YEAR = "last_year", _l("Last year")
    CUSTOM = "custom", _l("Custom")


class Span(Vocabulary):
    """What a count of distinct active volunteers covers (reports.models.ActiveCount)."""

    MONTH = "one_month", _l("One month")
    YEAR_TO = "year_to_month", _l("The year through this month")


class Figure(Vocabulary):
    """The figures of DESIGN.md's "Figures", by the keys the API answers with."""

    REGISTERED_VOLUNTEERS = "registered_volunteers", _l("Registered volunteers")
    ACTIVE_VOLUNTEERS = "active_volunteers", _l("Active volunteers")
    PERSON_TIMES = "person_times", _l("Person-times")
    APPROVED_HOURS = "approved_hours", _l("Approved hours")
    CHECKIN_HOURS = "checkin_hours", _l("Check-in hours")
    MANUAL_HOURS = "manual_hours", _l("Recorded hours")
    PENDING_HOURS = "pending_hours", _l("Pending hours")
    STATIONS_ACTIVE = "stations_active", _l("Active stations")
    COVERAGE = "coverage", _l("Coverage of villages and communities")


# Distinct counts and shares do not add up across child organisations; these do.
ADDITIVE = frozenset({Figure.REGISTERED_VOLUNTEERS, Figure.PERSON_TIMES, Figure.APPROVED_HOURS,
                      Figure.CHECKIN_HOURS, Figure.MANUAL_HOURS, Figure.PENDING_HOURS, Figure.STATIONS_ACTIVE})


class ReportJob(Vocabulary):
    PRINTABLE = "period_report", _l("Period report")


ACCESS = {
    "report.view": STAFF,        # the dashboard, its exports, the printable report, the API summary
    "report.publish": ADMINS,    # publish the organisation's public figures
}


class ReportEvent(Vocabulary):
    REPORT_STARTED = "report.started", _l("Period report started")
    FIGURES_PUBLISHED = "report.figures_published", _l("Public figures published")
    FIGURES_WITHDRAWN = "report.figures_withdrawn", _l("Public figures withdrawn")
    POPULATION_SET = "report.population_set", _l("Population set")


EVENT_LOG = Glossary(
    actions=ReportEvent,
    name=_l("Reports"),
    verbs={ReportEvent.REPORT_STARTED: lazy_pgettext("event", "started a period report of"),
           ReportEvent.FIGURES_PUBLISHED: lazy_pgettext("event", "published the figures of"),
           ReportEvent.FIGURES_WITHDRAWN: lazy_pgettext("event", "withdrew the public figures of"),
           ReportEvent.POPULATION_SET: lazy_pgettext("event", "set the population of")},
    fields={"population": _l("Population"), "publishes_figures": _l("Public figures"),
            "period": _l("Period")},
)


class ReportTable(Vocabulary):
    """The dashboard's tables, each shown on the page and exported as CSV and XLSX."""

    HEADLINE = "headline", _l("Headline figures")
    CHILDREN = "by_organisation", _l("By organisation")
    MONTHS = "by_month", _l("By month")
    CATEGORIES = "by_category", _l("By category")
    STATES = "by_state", _l("Projects by state")
    PROJECTS = "top_projects", _l("Top projects")
    STATIONS = "top_stations", _l("Top stations")
    HOMES = "by_home", _l("By the volunteers' home organisation")
    STARS = "star_levels", _l("Star levels")


class Cell(Vocabulary):
    """How a column's values read: the page formats them, the XLSX keeps them as numbers."""

    TEXT = "text", _l("Text")
    COUNT = "count", _l("Count")
    HOURS = "decimal_hours", _l("Hours")
    SHARE = "share", _l("Share")
    CHANGE = "change", _l("Change")
