"""The rollups the figures are read from, kept in the same transaction as each change of the
ledger (reports.rollups), so no dashboard sums the ledger itself. ``flask --app run ledger
verify`` recomputes every one of them from the entries."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer.core.time import UTCDateTime
from volunteer.extensions import db
from volunteer.reports.vocabulary import Span


class ProjectDay(db.Model):
    """A project's approved service on one day (the station's calendar day), split by how it was
    recorded (each entry's source: check-in, or manual), and its person-times (人次)."""

    __tablename__ = "report_project_days"
    __table_args__ = (
        sa.CheckConstraint("checkin_minutes >= 0 AND manual_minutes >= 0 AND person_times >= 0",
                           name="not_negative"),
        sa.Index("ix_report_project_days_organisation_day", "organisation_id", "served_on"),
    )

    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), primary_key=True)
    served_on: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))  # the project's
    checkin_minutes: Mapped[int] = mapped_column(default=0)
    manual_minutes: Mapped[int] = mapped_column(default=0)
    person_times: Mapped[int] = mapped_column(default=0)


class PersonDay(db.Model):
    """A volunteer's credited minutes on one project on one day: above zero, a person-time."""

    __tablename__ = "report_person_days"
    __table_args__ = (
        sa.CheckConstraint("minutes >= 0", name="not_negative"),
        sa.Index("ix_report_person_days_organisation_day", "organisation_id", "served_on"),
    )

    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), primary_key=True)
    served_on: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))  # the project's
    minutes: Mapped[int] = mapped_column(default=0)


class VolunteerMonth(db.Model):
    """A volunteer's credited minutes on one organisation's projects in one month (``month`` is its
    first day): active volunteers are counted from these, and hours by the volunteer's home."""

    __tablename__ = "report_volunteer_months"
    __table_args__ = (
        sa.CheckConstraint("minutes >= 0", name="not_negative"),
        sa.Index("ix_report_volunteer_months_organisation_month", "organisation_id", "month"),
        sa.Index("ix_report_volunteer_months_home_month", "home_organisation_id", "month"),
    )

    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    home_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))  # the volunteer's
    minutes: Mapped[int] = mapped_column(default=0)


class StationDay(db.Model):
    """A station that had a closed session on a day, and the approved minutes served there."""

    __tablename__ = "report_station_days"
    __table_args__ = (
        sa.CheckConstraint("approved_minutes >= 0", name="not_negative"),
        sa.Index("ix_report_station_days_organisation_day", "organisation_id", "served_on"),
    )

    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), primary_key=True)
    served_on: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))  # the station's
    approved_minutes: Mapped[int] = mapped_column(default=0)


class ReportPdf(db.Model):
    """The PDF a printable-report job made, kept with its job (core.models.Job)."""

    __tablename__ = "report_pdfs"

    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProjectMonth(db.Model):
    """ProjectDay summed by month (``month`` is its first day): what a period of whole months reads."""

    __tablename__ = "report_project_months"
    __table_args__ = (
        sa.CheckConstraint("checkin_minutes >= 0 AND manual_minutes >= 0 AND person_times >= 0",
                           name="not_negative"),
        sa.Index("ix_report_project_months_organisation_month", "organisation_id", "month"),
    )

    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))  # the project's
    checkin_minutes: Mapped[int] = mapped_column(default=0)
    manual_minutes: Mapped[int] = mapped_column(default=0)
    person_times: Mapped[int] = mapped_column(default=0)


class StationMonth(db.Model):
    """StationDay by month: the approved minutes served at the station and its days with service."""

    __tablename__ = "report_station_months"
    __table_args__ = (
        sa.CheckConstraint("approved_minutes >= 0 AND active_days >= 0", name="not_negative"),
        sa.Index("ix_report_station_months_organisation_month", "organisation_id", "month"),
    )

    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))  # the station's
    approved_minutes: Mapped[int] = mapped_column(default=0)
    active_days: Mapped[int] = mapped_column(default=0)


class VolunteerYear(db.Model):
    """A volunteer's credited minutes in a year, wherever served: who is below the yearly
    expectation, and the star levels, without reading every project's totals."""

    __tablename__ = "report_volunteer_years"
    __table_args__ = (
        sa.CheckConstraint("minutes >= 0", name="not_negative"),
        sa.Index("ix_report_volunteer_years_home_year", "home_organisation_id", "year"),
    )

    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    home_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))  # the volunteer's
    minutes: Mapped[int] = mapped_column(default=0)


class StarCount(db.Model):
    """How many volunteers of a home organisation hold each star level (STAR_THRESHOLDS_HOURS,
    by all their approved hours): moved when a volunteer's total crosses a threshold. A closed
    profile keeps the level it reached; a change of the thresholds needs `flask reports rebuild`."""

    __tablename__ = "report_star_counts"
    __table_args__ = (sa.CheckConstraint("volunteers >= 0 AND level > 0", name="not_negative"),)

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    level: Mapped[int] = mapped_column(primary_key=True)
    volunteers: Mapped[int] = mapped_column(default=0)


class HomeMonth(db.Model):
    """The credited minutes that the volunteers of an organisation (their home, not where they
    served) gave in a month: hours by home organisation."""

    __tablename__ = "report_home_months"
    __table_args__ = (sa.CheckConstraint("minutes >= 0", name="not_negative"),)

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    minutes: Mapped[int] = mapped_column(default=0)


class ActiveCount(db.Model):
    """How many distinct volunteers had credited minutes on the projects of an organisation's
    whole subtree: in one month (``Span.MONTH``), or from the first of January through the end
    of a month (``Span.YEAR_TO``; December's is the year). Distinct counts do not add up, so each
    organisation keeps its own; they move when a volunteer's month or year turns active or not."""

    __tablename__ = "report_active_counts"
    __table_args__ = (
        sa.CheckConstraint(Span.sql_in("span"), name="span_known"),
        sa.CheckConstraint("volunteers >= 0", name="not_negative"),
    )

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    span: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    volunteers: Mapped[int] = mapped_column(default=0)


class RegisteredDay(db.Model):
    """How many profiles registered on a day (in DEFAULT_ZONE) are still open, for each
    organisation at or above their home: the registered volunteers of a subtree by a day are its
    own rows up to that day, a few hundred a year, however many volunteers there are."""

    __tablename__ = "report_registered_days"
    __table_args__ = (sa.CheckConstraint("volunteers >= 0", name="not_negative"),)

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    volunteers: Mapped[int] = mapped_column(default=0)


class ReachedDay(db.Model):
    """How many open profiles registered on a day (in DEFAULT_ZONE) had a year's approved hours
    reach the yearly expectation (YEARLY_EXPECTED_HOURS; a change of it needs ``flask reports
    rebuild``), for each organisation at or above their home: those of a subtree's registered
    volunteers by a day who are not below it, read from its own rows of that year."""

    __tablename__ = "report_reached_days"
    __table_args__ = (sa.CheckConstraint("volunteers >= 0", name="not_negative"),)

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)  # the registration's
    volunteers: Mapped[int] = mapped_column(default=0)


# Every rollup, in the order they are rebuilt and verified (reports.direct).
ROLLUPS = (ProjectDay, ProjectMonth, PersonDay, VolunteerMonth, VolunteerYear, HomeMonth, StarCount, StationDay,
           StationMonth, ActiveCount, RegisteredDay, ReachedDay)
