"""The pages at the post and after it: the student writes a week's log with a photo, the unit's
contact reads it, comments and evaluates, the league issues the practice certificate from the
evaluations page, and its figures page matches the export for schools (read with openpyxl).
Another town's admin sees none of it."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from tests.conftest import csrf_from
from tests.practice.conftest import TODAY, move, user_of, with_password
from tests.practice.test_at_post import jpeg_with_location, place
from volunteer.certificates.models import Certificate
from volunteer.certificates.vocabulary import CertificateKind
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.practice import services as practice
from volunteer.practice.models import Post, Programme, StudentApplication
from volunteer.practice.vocabulary import PracticeRating, ProgrammeState


def under_way_today(app, season):
    """The practice began on the Monday of last week (as if the days had passed), and runs now."""
    began = TODAY - timedelta(days=TODAY.weekday() + 7)
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        programme.practice_starts_on = began
        for post in db.session.scalars(sa.select(Post).where(Post.programme_id == programme.id)):
            post.starts_on = began
        db.session.commit()
        move(season.programme_id, ProgrammeState.RUNNING)


def test_a_log_is_written_read_and_commented_and_the_unit_evaluates(app, world, season, signed_in):
    first, second = place(app, season, (world.a_volunteer, season.a1), (world.b_volunteer, season.b1))
    under_way_today(app, season)
    student = signed_in(world.a_volunteer)
    assert f"/practice/mine/{first}/logs" in student.get(f"/practice/mine/{first}").get_data(as_text=True)
    page = student.get(f"/practice/mine/{first}/logs").get_data(as_text=True)
    weeks = re.findall(r'<option value="(\d{4}-\d{2}-\d{2})"', page)
    assert len(weeks) == 2  # the week it began and this one
    saved = student.client.post(f"/practice/mine/{first}/logs", data={
        "csrf_token": csrf_from(page), "week_of": weeks[0], "log_text": "协助窗口接待群众。",
        "photos": [(io.BytesIO(jpeg_with_location()), "week.jpg")]}, content_type="multipart/form-data")
    assert saved.status_code == 302
    page = student.get(f"/practice/mine/{first}/logs").get_data(as_text=True)
    assert "协助窗口接待群众。" in page and "/practice/logs/photos/" in page
    refused = student.client.post(f"/practice/mine/{first}/logs", data={
        "csrf_token": csrf_from(page), "week_of": weeks[0], "log_text": ""})
    assert refused.status_code == 200 and 'aria-invalid="true"' in refused.get_data(as_text=True)
    photo = re.search(r'/practice/logs/photos/(\d+)', page).group(0)
    assert student.get(photo).headers["Content-Type"] == "image/jpeg"
    assert signed_in(world.b_volunteer).get(photo).status_code == 404
    assert signed_in(world.b_volunteer).get(f"/practice/mine/{first}/logs").status_code == 404

    contact = signed_in(with_password(app, season.town_a))
    page = contact.get("/practice/unit/students").get_data(as_text=True)
    assert "协助窗口接待群众。" in page and world.a_volunteer.name in page
    assert world.b_volunteer.name not in page  # 乙镇's student is not theirs
    with app.app_context():
        log_id = practice.logs_of(db.session.get(StudentApplication, first))[0].id
    assert contact.post_form(f"/practice/logs/{log_id}/comment", {"comment": "认真细致。"},
                             form_url="/practice/unit/students").status_code == 302
    assert "认真细致。" in student.get(f"/practice/mine/{first}/logs").get_data(as_text=True)
    assert signed_in(with_password(app, season.town_b)).post_form(
        f"/practice/logs/{log_id}/comment", {"comment": "乙镇"}, form_url="/practice/unit/students").status_code == 404
    evaluated = contact.post_form(f"/practice/unit/applications/{first}/evaluate", {
        "rating": PracticeRating.EXCELLENT, "days_present": "9", "comments": "表现突出。"}, form_url="/practice/unit/students")
    assert evaluated.status_code == 302
    assert "出勤 9 天" in contact.get("/practice/unit/students").get_data(as_text=True)
    mine = student.get(f"/practice/mine/{first}").get_data(as_text=True)
    assert 'data-testid="my-evaluation"' in mine and "表现突出。" in mine
    with app.app_context():
        assert practice.evaluation_of(db.session.get(StudentApplication, first)).days_present == 9
        assert practice.evaluation_of(db.session.get(StudentApplication, second)) is None


def test_the_league_certifies_and_its_figures_match_the_school_export(app, world, season, signed_in):
    first, second = place(app, season, (world.a_volunteer, season.a1), (world.b_volunteer, season.b1))
    under_way_today(app, season)
    with app.app_context():
        for application_id, unit, rating in ((first, season.town_a, PracticeRating.EXCELLENT),
                                             (second, season.town_b, PracticeRating.PASS)):
            practice.evaluate(user_of(unit), db.session.get(StudentApplication, application_id), {
                "rating": rating, "days_present": "8", "comments": "好"}, now=utcnow())
        db.session.commit()
        move(season.programme_id, ProgrammeState.EVALUATING)
    city = signed_in(world.city_admin)
    page = city.get(f"/practice/{season.programme_id}/evaluations").get_data(as_text=True)
    assert page.count('data-testid="placed-student"') == 2 and f"certify-{first}" in page
    issued = city.post_form(f"/practice/{season.programme_id}/applications/{first}/certify", {},
                            form_url=f"/practice/{season.programme_id}/evaluations")
    assert issued.status_code == 302
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == CertificateKind.PRACTICE))
        assert certificate.volunteer_id == world.a_volunteer.id
    page = city.get(f"/practice/{season.programme_id}/evaluations").get_data(as_text=True)
    assert certificate.serial in page and f"certify-{second}" in page
    mine = signed_in(world.a_volunteer).get(f"/practice/mine/{first}").get_data(as_text=True)
    assert 'data-testid="my-practice-certificate"' in mine and certificate.serial in mine

    figures = city.get(f"/practice/{season.programme_id}/figures").get_data(as_text=True)
    placed = re.search(r'data-testid="f-placed">(\d+)', figures).group(1)
    certified = re.search(r'data-testid="f-certified">(\d+)', figures).group(1)
    assert (placed, certified) == ("2", "1")
    export = city.get(f"/practice/{season.programme_id}/schools.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(rows) == int(placed)
    by_number = {row[0]: row for row in rows}
    with app.app_context():
        numbers = {a.volunteer_id: a.student_number for a in db.session.scalars(sa.select(StudentApplication))}
    mine = by_number[numbers[world.a_volunteer.id]]
    assert mine[1] == world.a_volunteer.name and mine[7] == "政务服务助理" and mine[6] == "甲镇人民政府"
    assert mine[10] == 8 and isinstance(mine[9], int)  # days as numbers
    only = load_workbook(io.BytesIO(city.get(f"/practice/{season.programme_id}/schools.xlsx?of_school=无此学校").data)).active
    assert only.max_row == 2  # the title and the headers: no student of that school
    for path in ("evaluations", "figures", "schools.xlsx"):
        assert signed_in(world.b_admin).get(f"/practice/{season.programme_id}/{path}").status_code == 404
