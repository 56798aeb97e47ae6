"""The questionnaire: the league writes questions of four kinds (refused when malformed), fixed
once a student answers; placed students answer once, while the practice runs or is evaluated,
each answer checked against its question; the results equal the answers given, counted on the
page as in the service. Nobody else writes or reads them."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from tests.practice.conftest import move, user_of
from tests.practice.test_at_post import AT_POST, place
from volunteer.core.errors import Conflict, NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.practice import services as practice
from volunteer.practice.models import Programme, StudentApplication
from volunteer.practice.survey import SurveyAnswer
from volunteer.practice.vocabulary import ProgrammeState, QuestionKind

QUESTIONS = (
    {"question_kind": QuestionKind.SINGLE, "prompt": "岗位与专业相关吗？", "options": "相关\n部分相关\n不相关", "required": True},
    {"question_kind": QuestionKind.MULTIPLE, "prompt": "您有哪些收获？", "options": "了解基层\n锻炼能力\n结识朋友",
     "required": True},
    {"question_kind": QuestionKind.SCALE, "prompt": "您对本次实践的满意度", "required": True},
    {"question_kind": QuestionKind.TEXT, "prompt": "您的建议", "required": False},
)


def questionnaire(app, world, programme_id) -> list[int]:
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        ids = [practice.add_question(user_of(world.city_admin), programme, q, now=AT_POST).id for q in QUESTIONS]
        db.session.commit()
        return ids


@pytest.fixture
def surveyed(app, world, season):
    season.first, season.second = place(app, season, (world.a_volunteer, season.a1), (world.b_volunteer, season.b1))
    season.questions = questionnaire(app, world, season.programme_id)
    with app.app_context():
        move(season.programme_id, ProgrammeState.RUNNING)
    return season


def test_questions_are_checked_and_only_the_league_writes_them(app, world, season):
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        admin = user_of(world.city_admin)
        for bad, field in (({"question_kind": "essay", "prompt": "?"}, "question_kind"),
                           ({"question_kind": QuestionKind.SINGLE, "prompt": ""}, "prompt"),
                           ({"question_kind": QuestionKind.SINGLE, "prompt": "一个选项", "options": "唯一"}, "options"),
                           ({"question_kind": QuestionKind.MULTIPLE, "prompt": "重复", "options": "甲\n甲"}, "options"),
                           ({"question_kind": QuestionKind.SINGLE, "prompt": "空\x00字", "options": "甲\n乙"}, "prompt")):
            with pytest.raises(ValidationFailed) as refused:
                practice.add_question(admin, programme, bad, now=AT_POST)
            assert field in refused.value.fields, bad
        with pytest.raises(NotFound):
            practice.add_question(user_of(world.b_admin), programme, QUESTIONS[0], now=AT_POST)
        scale = practice.add_question(admin, programme, {**QUESTIONS[2], "options": "忽略\n它们"}, now=AT_POST)
        assert scale.options == []  # a scale has no options
        practice.withdraw_question(admin, scale, now=AT_POST)
        db.session.commit()
        assert practice.questions_of(programme) == []


def test_placed_students_answer_once_and_the_results_equal_the_answers(app, world, surveyed):
    single, multiple, scale, text = surveyed.questions
    with app.app_context():
        first = db.session.get(StudentApplication, surveyed.first)
        student = user_of(world.a_volunteer)
        for bad, field in (({f"q{single}": "7"}, single), ({f"q{single}": "9" * 5000}, single), ({f"q{single}": ["0", "1"]}, single),
                           ({f"q{multiple}": ["1", "1"]}, multiple), ({f"q{scale}": "6"}, scale),
                           ({f"q{text}": "建\x00议"}, text), ({f"q{multiple}": []}, multiple)):
            answers = {f"q{single}": "0", f"q{multiple}": ["0", "2"], f"q{scale}": "5", f"q{text}": "", **bad}
            with pytest.raises(ValidationFailed) as refused:
                practice.answer_survey(student, first, answers, now=AT_POST)
            assert f"q{field}" in refused.value.fields, bad
        with pytest.raises(NotFound):  # another student's application
            practice.answer_survey(user_of(world.b_volunteer), first, {}, now=AT_POST)
        practice.answer_survey(student, first, {f"q{single}": "0", f"q{multiple}": ["0", "2"], f"q{scale}": "5",
                                                f"q{text}": "希望增加岗位"}, now=AT_POST)
        db.session.commit()
        with pytest.raises(Conflict):
            practice.answer_survey(student, first, {f"q{single}": "1", f"q{multiple}": ["1"], f"q{scale}": "1"},
                                   now=AT_POST)
        with pytest.raises(Conflict):  # the questionnaire is fixed once answered
            practice.add_question(user_of(world.city_admin), first.programme, QUESTIONS[0], now=AT_POST)
        practice.answer_survey(user_of(world.b_volunteer), db.session.get(StudentApplication, surveyed.second),
                               {f"q{single}": "0", f"q{multiple}": ["1"], f"q{scale}": "3"}, now=AT_POST)
        db.session.commit()
        results = practice.survey_results(first.programme)
        assert results["responses"] == 2
        by_id = {r["question"].id: r for r in results["questions"]}
        assert by_id[single]["options"] == [("相关", 2), ("部分相关", 0), ("不相关", 0)]
        assert by_id[multiple]["options"] == [("了解基层", 1), ("锻炼能力", 1), ("结识朋友", 1)]
        assert dict(by_id[scale]["points"]) == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1} and by_id[scale]["mean"] == 4
        assert by_id[text]["texts"] == ["希望增加岗位"]
        # every answer row is counted once, whichever way it is read
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer))
        assert rows == sum(n for r in results["questions"] for _label, n in r.get("options", r.get("points", []))) + 1


def test_the_survey_pages(app, world, surveyed, signed_in):
    single, multiple, scale, text = surveyed.questions
    student = signed_in(world.a_volunteer)
    page = student.get(f"/practice/mine/{surveyed.first}/survey").get_data(as_text=True)
    assert page.count('data-testid="survey-question"') == 4
    refused = student.client.post(f"/practice/mine/{surveyed.first}/survey", data={
        "csrf_token": csrf_from(page), f"q{single}": "0", f"q{scale}": "9"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and html.count('class="field-error"') == 2  # multiple missing, scale out of range
    assert 'value="0" checked' in html  # what they chose is kept
    sent = student.client.post(f"/practice/mine/{surveyed.first}/survey", data={
        "csrf_token": csrf_from(page), f"q{single}": "2", f"q{multiple}": ["0", "1"], f"q{scale}": "4",
        f"q{text}": "很有收获"})
    assert sent.status_code == 302
    assert 'data-testid="answered"' in student.get(f"/practice/mine/{surveyed.first}/survey").get_data(as_text=True)
    city = signed_in(world.city_admin)
    results = city.get(f"/practice/{surveyed.programme_id}/survey").get_data(as_text=True)
    assert "1 名学生已作答" in results
    assert "很有收获" in results and world.a_volunteer.name not in results  # answers without names
    assert 'data-testid="question-form"' not in results  # fixed once answered
    assert signed_in(world.b_admin).get(f"/practice/{surveyed.programme_id}/survey").status_code == 404
    assert signed_in(world.b_volunteer).get(f"/practice/mine/{surveyed.first}/survey").status_code == 404
