"""Reports' use cases: which organisation and period a viewer asks for, the dashboard of its
subtree beside the same days a year before, and what waits for the viewer. The pages, exports,
printable report and API summary all take their figures from here."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.certificates.services import needing_review
from volunteer.core import permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import FieldErrors, NotFound
from volunteer.core.time import DEFAULT_ZONE, day_from, local_date
from volunteer.extensions import db
from volunteer.ledger.services import decides_somewhere, disputes_in_scope, overdue_cutoff, waiting_counts
from volunteer.organisations import services as organisations
from volunteer.organisations.models import Organisation, OrganisationAncestor
from volunteer.projects.models import Project
from volunteer.projects.services import projects_to_screen
from volunteer.projects.vocabulary import ProjectState
from volunteer.reports import tables
from volunteer.reports.figures import Period
from volunteer.reports.headline import headline
from volunteer.reports.rollups import counted_with_these_settings
from volunteer.reports.vocabulary import Figure, ReportEvent
from volunteer.reports.vocabulary import PeriodChoice as PeriodKind

# A custom period covers at most this many days (ten years): its monthly series stays readable.
LONGEST_DAYS = 3660


def organisation_for(user, code: str | None) -> Organisation:
    """The organisation whose figures ``user`` asks for: ``code``, or the first of their scope.
    A volunteer without a staff role is refused; another subtree's organisation is not found."""
    permissions.ensure_any_scope(user, "report.view")
    if not code:
        return permissions.scope_roots(user, "report.view")[0]
    return organisations.get_visible(user, code, "report.view")


# The years a period may reach (its year before and its months stay within the calendar).
YEARS = range(1900, 2101)


def _parse_day(errors: FieldErrors, field: str, value) -> date | None:
    day = day_from(errors, field, value, _l("Please give a date such as 2027-03-01."))
    if day is None:
        return None
    if day.year not in YEARS:
        errors.add(field, _l("Please give a date between %(first)s and %(last)s.", first="1900-01-01",
                             last="2100-12-31"))
        return None
    return day


def period_of(kind: str | None, start=None, end=None, *, now: datetime) -> tuple[str, Period]:
    """The period a viewer chose (``kind``; a custom one from ``start`` to ``end``); this year
    to date by default. A custom period with a bad or reversed date is refused, field by field."""
    today = local_date(now, DEFAULT_ZONE)
    kind = kind if kind in PeriodKind.values() else (PeriodKind.CUSTOM if start or end else PeriodKind.THIS_YEAR)
    if kind == PeriodKind.THIS_MONTH:
        return kind, Period(today.replace(day=1), today, open_end=True)
    if kind == PeriodKind.LAST_YEAR:
        return kind, Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    if kind == PeriodKind.THIS_YEAR:
        return kind, Period(date(today.year, 1, 1), today, open_end=True)
    errors = FieldErrors()
    first, last = _parse_day(errors, "from", start), _parse_day(errors, "to", end)
    if first and last and first > last:
        errors.add("to", _l("The period ends before it begins."))
    elif first and last and (last - first).days >= LONGEST_DAYS:
        errors.add("to", _l("A period covers at most ten years."))
    errors.raise_if_any()
    return kind, Period(first, last, open_end=last >= today)


def period_between(start, end, *, now: datetime) -> Period:
    """The period of an API request: this year to date when neither end is given; else from
    ``start`` (the first of January of the end's year without one) to ``end`` (today without one)."""
    if not start and not end:
        return period_of(PeriodKind.THIS_YEAR, now=now)[1]
    today = local_date(now, DEFAULT_ZONE)
    if not start:
        errors = FieldErrors()
        year = (_parse_day(errors, "to", end) or today).year
        errors.raise_if_any()
        start = date(year, 1, 1)
    return period_of(PeriodKind.CUSTOM, start, end or today, now=now)[1]


def summary(organisation: Organisation, period: Period, *, now: datetime) -> dict:
    """The headline figures, the same for the year before, each child's, and the months: what
    the API answers and the league admin's home page shows."""
    cutoff = overdue_cutoff(now=now)
    total, children, own, previous = tables.table_of(organisation, period, overdue_from=cutoff)
    return {
        "organisation": organisation, "period": period, "figures": total, "previous": previous,
        "children": children, "own": own, "by_month": tables.by_month(organisation, period),
    }


def dashboard(organisation: Organisation, period: Period, *, now: datetime) -> dict:
    """Everything the dashboard shows for the organisation's subtree and the period."""
    board = summary(organisation, period, now=now)
    registered = board["figures"][Figure.REGISTERED_VOLUNTEERS.value]
    return {
        **board,
        "previous_by_month": tables.by_month(organisation, period.year_before()),
        "by_category": tables.by_category(organisation, period),
        "top_projects": tables.top_projects(organisation, period),
        "top_stations": tables.top_stations(organisation, period),
        "below_expectation": tables.below_expectation(organisation, period, registered), "year": period.end.year,
        "star_levels": tables.star_levels(organisation),
        "counted_with_these_settings": counted_with_these_settings(),
        "by_home": tables.by_home(organisation, period),
    }


def waiting_for(user, *, now: datetime) -> dict[str, int]:
    """What waits for the viewer's action, of what their roles do: projects to screen, pending
    entries and those overdue, open disputes, certificates whose hours changed since issued."""
    def count(stmt: sa.Select) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0

    found = {}
    if permissions.scope_roots(user, "project.screen"):
        found["projects_to_screen"] = count(projects_to_screen(user))
    if decides_somewhere(user):
        entries = waiting_counts(user, now=now)
        found.update(pending_entries=entries["pending"], overdue_entries=entries["overdue"],
                     open_disputes=count(disputes_in_scope(user)))
    if permissions.scope_roots(user, "certificate.issue"):
        found["certificates_to_review"] = count(needing_review(user))
    return found


def change(now_value, before_value) -> float | None:
    """The change from the year before, as a share (0.25 for a quarter more); None when there was
    nothing to compare with."""
    if now_value is None or not before_value:
        return None
    return round((now_value - before_value) / before_value, 3)



# --- public figures -------------------------------------------------------------------------------

def figure_settings_for(user, code: str) -> Organisation:
    """The organisation whose public figures and population ``user`` may set (its admins)."""
    return organisations.get_visible(user, code, "report.publish")


def set_public_figures(actor, organisation: Organisation, *, publishes: bool, population, now: datetime) -> None:
    """Publish the organisation's headline figures (or withdraw them), and set the population the
    registration rate is counted against; each change in the event log."""
    permissions.ensure(actor, "report.publish", organisation)
    errors = FieldErrors()
    if population in (None, ""):
        population = None
    else:
        try:
            population = int(str(population).strip().replace(",", ""))
            if not 0 < population <= 200_000_000:
                raise ValueError
        except ValueError:
            errors.add("population", _l("Give the number of residents as a whole number above 0."))
    errors.raise_if_any()
    publishes = bool(publishes)
    if publishes != organisation.publishes_figures:
        organisation.publishes_figures = publishes
        record_event(actor, ReportEvent.FIGURES_PUBLISHED if publishes else ReportEvent.FIGURES_WITHDRAWN,
                     organisation, before={"publishes_figures": not publishes}, after={"publishes_figures": publishes},
                     now=now)
    if population != organisation.population:
        record_event(actor, ReportEvent.POPULATION_SET, organisation, before={"population": organisation.population},
                     after={"population": population}, now=now)
        organisation.population = population


def published(code: str) -> Organisation:
    """An organisation that publishes its figures; any other is not found (nothing says it exists)."""
    organisation = organisations.get_by_code(code)
    if organisation is None or not organisation.publishes_figures:
        raise NotFound()
    return organisation


def public_figures(organisation: Organisation, *, now: datetime) -> dict:
    """What the public page shows: this year's headline figures of the subtree beside the same
    days a year before, and its recruiting projects; no person is named."""
    _kind, this_year = period_of(PeriodKind.THIS_YEAR, now=now)
    recruiting = db.session.scalars(
        sa.select(Project).where(Project.organisation_id.in_(organisation.subtree_ids()),
                                 Project.state == ProjectState.RECRUITING)
        .order_by(Project.starts_on.is_(None), Project.starts_on, Project.id).limit(20)).all()
    return {"organisation": organisation, "this_year": this_year,
            "figures": headline(organisation, this_year), "previous": headline(organisation, this_year.year_before()),
            "recruiting": recruiting}


def organisation_choices(user, organisation: Organisation) -> list[tuple[str, str]]:
    """The organisations the dashboard's select box offers: the viewer's own, those between it
    and the one shown, the one shown and its children (a province has thousands: the table's
    links go further down)."""
    roots = permissions.scope_roots(user, "report.view")
    above = db.session.scalars(
        sa.select(Organisation).join(OrganisationAncestor, OrganisationAncestor.ancestor_id == Organisation.id)
        .where(OrganisationAncestor.organisation_id == organisation.id)).all()
    shown = {o.id: o for o in [*roots, *[o for o in above if permissions.can(user, "report.view", o)],
                               *tables.children(organisation)]}
    return organisations.indented_choices(sorted(shown.values(), key=lambda o: o.path))
