"""A programme's figures, defined once for its page and its exports: applications and placements,
posts offered and filled, placed students by school, hometown, unit and kind of post, the
units' ratings and the attendance they evaluated, the attendance checked in at the units and the
hours the ledger approved there, the training attended; and the export for schools (one row per
placed student, as a school's second-classroom office records practice), as XLSX."""
from __future__ import annotations

import io
from collections import Counter
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from volunteer.core import spreadsheet
from volunteer.extensions import db
from volunteer.practice.at_post import UnitEvaluation
from volunteer.practice.models import HostUnit, Post, Programme, StudentApplication
from volunteer.practice.services import sites
from volunteer.practice.vocabulary import PostKind, PostState, PracticeRating, StudentApplicationState


def _placed_rows(programme: Programme, school: str | None = None) -> list:
    """(application, post, unit, evaluation or None) of each placed student, by school and number."""
    stmt = (sa.select(StudentApplication, Post, HostUnit, UnitEvaluation)
            .join(Post, Post.id == StudentApplication.placed_post_id)
            .join(HostUnit, HostUnit.id == Post.unit_id)
            .outerjoin(UnitEvaluation, UnitEvaluation.application_id == StudentApplication.id)
            .where(StudentApplication.programme_id == programme.id, StudentApplication.is_placed)
            .options(sa.orm.joinedload(StudentApplication.volunteer), sa.orm.joinedload(StudentApplication.hometown),
                     sa.orm.joinedload(UnitEvaluation.certificate))
            .order_by(StudentApplication.school_name, StudentApplication.student_number, StudentApplication.id))
    if school:
        stmt = stmt.where(StudentApplication.school_name == school)
    return db.session.execute(stmt).all()


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    """(name, count), most first; counted by (id, name), so two places of one name stay two."""
    return [(key[1] if isinstance(key, tuple) else key, n)
            for key, n in sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))]


def hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def _checked_in(programme: Programme, placed: list, today: date) -> dict:
    """The days students checked in at their units, of the days of their posts so far; the hours
    approved there; the students who attended a training session."""
    checked, minutes = sites.days_checked_in(programme), sites.minutes_approved(programme)
    due = {a.volunteer_id: sites.days_due(a, today) for a, *_rest in placed}
    trained = sites.training_attendance(programme)
    return {"checked_in_attendance": sum(min(checked.get(v, 0), days) for v, days in due.items()) / sum(due.values())
            if sum(due.values()) else None,
            "approved_hours": hours(sum(minutes.get(v, 0) for v in due)),
            "trained": sum(1 for v in due if trained.get(v, (0, 0))[1]),
            "has_training": sites.training_of(programme) is not None}


def programme_figures(programme: Programme, today: date) -> dict:
    applications = dict(db.session.execute(
        sa.select(StudentApplication.state, sa.func.count()).where(StudentApplication.programme_id == programme.id)
        .group_by(StudentApplication.state)).all())
    posts = db.session.execute(
        sa.select(Post.post_kind, sa.func.count(), sa.func.sum(Post.places), sa.func.sum(Post.filled),
                  sa.func.count(sa.distinct(Post.unit_id)))
        .where(Post.programme_id == programme.id, Post.state == PostState.APPROVED).group_by(Post.post_kind)).all()
    units = db.session.scalar(sa.select(sa.func.count(sa.distinct(Post.unit_id))).where(
        Post.programme_id == programme.id, Post.state == PostState.APPROVED))
    placed = _placed_rows(programme)
    evaluated = [(post, evaluation) for _a, post, _u, evaluation in placed if evaluation is not None]
    days_due = sum(post.days for post, _e in evaluated)
    by_kind = {kind: (count, places or 0, filled or 0) for kind, count, places, filled, _units in posts}
    ratings = Counter(evaluation.rating for _p, evaluation in evaluated)
    return {
        "applications": sum(n for state, n in applications.items() if state != StudentApplicationState.WITHDRAWN),
        "placed": applications.get(StudentApplicationState.PLACED, 0),
        "unplaced": applications.get(StudentApplicationState.CHOOSING, 0),
        "posts": sum(count for count, _p, _f in by_kind.values()),
        "places": sum(places for _c, places, _f in by_kind.values()),
        "filled": sum(filled for _c, _p, filled in by_kind.values()),
        "units": units or 0,
        "evaluated": len(evaluated),
        "certified": sum(1 for _p, evaluation in evaluated if evaluation.is_certified),
        # the days present the units evaluated, of the days of those students' posts
        "attendance": (sum(e.days_present for _p, e in evaluated) / days_due) if days_due else None,
        "by_school": _ranked(Counter(a.school_name for a, *_rest in placed)),
        "by_hometown": _ranked(Counter((a.hometown_id, a.hometown.name) for a, *_rest in placed)),
        "by_unit": _ranked(Counter((unit.id, unit.name) for _a, _p, unit, _e in placed)),
        "by_kind": [(str(PostKind.label_of(kind)), *by_kind[kind]) for kind in PostKind.values() if kind in by_kind],
        "ratings": [(str(PracticeRating.label_of(r)), ratings[r]) for r in PracticeRating.values()],
        **_checked_in(programme, placed, today),
    }


def schools_of(programme: Programme) -> list[str]:
    return list(db.session.scalars(
        sa.select(StudentApplication.school_name).where(StudentApplication.programme_id == programme.id,
                                                        StudentApplication.is_placed)
        .distinct().order_by(StudentApplication.school_name)))


def school_headers() -> list[str]:
    return [_("Student number"), _("Student's name"), _("School"), _("Major"), _("Grade"), _("Hometown"),
            _("Host unit"), _("Practice post"), _("Kind of post"), _("Days at the post"), _("Days present"),
            _("Days checked in"), _("Hours"), _("Rating"), _("Credit category")]


def school_rows(programme: Programme, school: str | None = None) -> list[list]:
    """One row per placed student: numbers as numbers, what is not known yet left empty (the days
    present until the unit evaluates; the days checked in and the hours approved at the unit until
    the practice starts)."""
    started = sites.checks_in_at_units(programme)
    checked, minutes = (sites.days_checked_in(programme), sites.minutes_approved(programme)) if started else ({}, {})
    rows = []
    for application, post, unit, evaluation in _placed_rows(programme, school):
        rows.append([application.student_number, application.volunteer.display_name, application.school_name,
                     application.major, application.grade, application.hometown.name, unit.name, post.title,
                     str(post.post_kind_label), post.days,
                     evaluation.days_present if evaluation else None,
                     checked.get(application.volunteer_id, 0) if started else None,
                     hours(minutes.get(application.volunteer_id, 0)) if started else None,
                     str(evaluation.rating_label) if evaluation else None, _("Social practice")])
    return rows


def school_xlsx(programme: Programme, rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Practice of students")[:31]
    sheet.append([spreadsheet.cell(programme.name)])
    sheet.append([spreadsheet.cell(h) for h in school_headers()])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet.cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

