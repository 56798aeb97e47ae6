"""The questionnaire: the programme's league admins add questions (and withdraw one) until the
first student answers; each placed student answers once while the practice runs or is
evaluated; the results are counts of the answers' rows, the same however they are read. The
caller commits."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import flush_unique, get_by_id, permissions
from volunteer.core.audit import record_event
from volunteer.core.errors import Conflict, FieldErrors, NotFound
from volunteer.extensions import db
from volunteer.practice.errors import NotInStage
from volunteer.practice.models import Programme, StudentApplication
from volunteer.practice.services.applications import ensure_own
from volunteer.practice.services.checks import text_field
from volunteer.practice.survey import Question, SurveyAnswer, SurveyResponse
from volunteer.practice.vocabulary import CHOICE_KINDS, SCALE, ProgrammeEvent, QuestionKind

PROMPT, OPTION, ANSWER = 300, 100, 2000
MAX_OPTIONS, MAX_QUESTIONS = 10, 30


def questions_of(programme: Programme) -> list[Question]:
    return db.session.scalars(sa.select(Question).where(Question.programme_id == programme.id,
                                                        Question.withdrawn_at.is_(None))
                              .order_by(Question.position, Question.id)).all()


def responses_count(programme: Programme) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)
                             .join(StudentApplication, StudentApplication.id == SurveyResponse.application_id)
                             .where(StudentApplication.programme_id == programme.id))


def _lock(programme: Programme) -> None:
    """One at a time per programme (a row lock; the write lock on SQLite): questions added,
    withdrawn and answered at once see each other."""
    db.session.execute(sa.select(Programme.id).where(Programme.id == programme.id).with_for_update())


def _ensure_open_to_change(programme: Programme) -> None:
    _lock(programme)
    if not programme.is_open:
        raise NotInStage()
    if responses_count(programme):
        raise Conflict(_l("Students have answered the questionnaire: its questions can no longer change."))


def add_question(actor, programme: Programme, data: dict, *, now: datetime) -> Question:
    """A question at the end of the questionnaire; a choice question's options one per line."""
    permissions.ensure(actor, "programme.run", programme)
    _ensure_open_to_change(programme)
    errors = FieldErrors()
    kind = str(data.get("question_kind") or "")
    if kind not in QuestionKind.values():
        errors.add("question_kind", _l("Please choose a kind of question."))
    prompt = text_field(errors, data, "prompt", PROMPT, required=True, message=_l("Please write the question."))
    options = [line.strip() for line in str(data.get("options") or "").splitlines() if line.strip()]
    if kind in CHOICE_KINDS:
        if "\x00" in "".join(options):
            errors.add("options", _l("This text holds a character that cannot be stored."))
        elif not 2 <= len(options) <= MAX_OPTIONS:
            errors.add("options", _l("Give from 2 to %(n)s options, one per line.", n=MAX_OPTIONS))
        elif any(len(o) > OPTION for o in options) or len(set(options)) != len(options):
            errors.add("options", _l("Each option once, at most %(n)s characters.", n=OPTION))
    else:
        options = []
    questions = questions_of(programme)
    if len(questions) >= MAX_QUESTIONS:
        errors.add("prompt", _l("At most %(n)s questions.", n=MAX_QUESTIONS))
    errors.raise_if_any()
    last = max((q.position for q in questions), default=0)
    question = Question(programme_id=programme.id, position=last + 1, question_kind=kind, prompt=prompt,
                        options=options, required=bool(data.get("required")), created_at=now)
    db.session.add(question)
    db.session.flush()
    record_event(actor, ProgrammeEvent.QUESTION_ADDED, question, organisation=programme.organisation,
                 after={"question_kind": kind, "prompt": prompt}, now=now)
    return question


def withdraw_question(actor, question: Question, *, now: datetime) -> None:
    programme = question.programme
    permissions.ensure(actor, "programme.run", programme)
    _ensure_open_to_change(programme)
    if question.withdrawn_at is None:
        question.withdrawn_at = now
        db.session.flush()
        record_event(actor, ProgrammeEvent.QUESTION_WITHDRAWN, question, organisation=programme.organisation,
                     now=now)


def get_question_for(user, question_id) -> Question:
    question = get_by_id(Question, question_id)
    if question is None:
        raise NotFound()
    permissions.ensure(user, "programme.run", question.programme)
    return question


def response_of(application: StudentApplication) -> SurveyResponse | None:
    return db.session.scalar(sa.select(SurveyResponse).where(SurveyResponse.application_id == application.id))


def _index(raw, options: list) -> int | None:
    value = str(raw if raw is not None else "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 3 and int(value) < len(options) \
        else None


def _answers(errors: FieldErrors, question: Question, raw) -> list[dict]:
    """The rows one question's answer is kept as; ``raw`` a text, or a list of texts for several choices."""
    field = f"q{question.id}"
    values = [v for v in (raw if isinstance(raw, list) else [raw]) if v not in (None, "")]
    if not values:
        if question.required:
            errors.add(field, _l("Please answer this question."))
        return []
    if question.question_kind in CHOICE_KINDS:
        indexes = [_index(v, question.options) for v in values]
        if None in indexes or len(set(indexes)) != len(indexes) or (
                question.question_kind == QuestionKind.SINGLE and len(indexes) > 1):
            errors.add(field, _l("Please choose among the options."))
            return []
        return [{"option_index": i} for i in sorted(indexes)]
    if question.question_kind == QuestionKind.SCALE:
        value = str(values[0]).strip()
        point = int(value) if value.isascii() and value.isdigit() and len(value) < 3 else None
        if len(values) > 1 or point not in SCALE:
            errors.add(field, _l("Please choose from %(low)s to %(high)s.", low=SCALE.start, high=SCALE.stop - 1))
            return []
        return [{"scale_point": point}]
    text = text_field(errors, {field: values[0] if len(values) == 1 else None}, field, ANSWER,
                      required=question.required, message=_l("Please answer this question."))
    return [{"answer_text": text}] if text else []


def answer_survey(actor, application: StudentApplication, answers: dict, *, now: datetime) -> SurveyResponse:
    """The student's one response: ``answers`` maps ``q<id>`` to the answer of each question."""
    ensure_own(actor, application)
    programme = application.programme
    if not application.is_placed:
        raise Conflict(_l("This comes once you have accepted a post."))
    if not programme.takes_survey_answers:
        raise NotInStage()
    _lock(programme)
    questions = questions_of(programme)
    if not questions:
        raise NotFound()
    errors = FieldErrors()
    rows = {q.id: _answers(errors, q, answers.get(f"q{q.id}")) for q in questions}
    errors.raise_if_any()
    if response_of(application) is not None:
        raise Conflict(_l("You have answered this questionnaire already."))
    response = SurveyResponse(application_id=application.id, submitted_at=now)
    db.session.add(response)
    flush_unique(Conflict(_l("You have answered this questionnaire already.")))
    for question_id, kept in rows.items():
        for row in kept:
            db.session.add(SurveyAnswer(response_id=response.id, question_id=question_id, **row))
    db.session.flush()
    record_event(actor, ProgrammeEvent.SURVEY_ANSWERED, response, organisation=programme.organisation,
                 after={"title": programme.name}, now=now)
    return response


def survey_results(programme: Programme) -> dict:
    """Per question: each option's count, each scale point's count and the mean, the written
    answers (without names); and how many responded."""
    questions = questions_of(programme)
    rows = db.session.execute(
        sa.select(SurveyAnswer.question_id, SurveyAnswer.option_index, SurveyAnswer.scale_point,
                  sa.func.count())
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(StudentApplication, StudentApplication.id == SurveyResponse.application_id)
        .where(StudentApplication.programme_id == programme.id, SurveyAnswer.answer_text.is_(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.option_index, SurveyAnswer.scale_point)).all()
    counts: dict[int, dict] = {}
    for question_id, option, point, n in rows:
        counts.setdefault(question_id, {})[option if option is not None else point] = n
    texts: dict[int, list[str]] = {}
    for question_id, text in db.session.execute(
            sa.select(SurveyAnswer.question_id, SurveyAnswer.answer_text)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .join(StudentApplication, StudentApplication.id == SurveyResponse.application_id)
            .where(StudentApplication.programme_id == programme.id, SurveyAnswer.answer_text.is_not(None))
            .order_by(SurveyAnswer.id)):
        texts.setdefault(question_id, []).append(text)
    results = []
    for question in questions:
        found = counts.get(question.id, {})
        entry = {"question": question, "texts": texts.get(question.id, [])}
        if question.has_options:
            entry["options"] = [(label, found.get(i, 0)) for i, label in enumerate(question.options)]
        elif question.question_kind == QuestionKind.SCALE:
            entry["points"] = [(p, found.get(p, 0)) for p in SCALE]
            answered = sum(found.values())
            entry["mean"] = sum(p * n for p, n in found.items()) / answered if answered else None
        results.append(entry)
    return {"responses": responses_count(programme), "questions": results}
