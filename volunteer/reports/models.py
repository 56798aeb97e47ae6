"""The rollups the figures are read from, kept in the same transaction as each change of the
ledger (reports.rollups), so no dashboard sums the ledger itself. ``flask --app run ledger
verify`` recomputes every one of them from the entries."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from volunteer.core.time import UTCDateTime
from volunteer.extensions import db


class ProjectDay(db.Model):
    """A project's approved service on one day (the station's calendar day), split by how it was
    recorded (its first entry's source: check-in, or manual), and its person-times (人次)."""

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
