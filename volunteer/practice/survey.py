"""A programme's questionnaire for its students (问卷): its questions (one choice, several
choices, a scale from 1 to 5, a written answer), each student's one response, and its answers, a
row per chosen option, scale point or text, so the league's results are counts of rows."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.core.time import UTCDateTime, utcnow
from volunteer.extensions import db
from volunteer.organisations.models import Organisation
from volunteer.practice.models import Programme, StudentApplication
from volunteer.practice.vocabulary import CHOICE_KINDS, SCALE, QuestionKind


class Question(db.Model):
    """A question of a programme's questionnaire, in its place; the options of a choice question.
    Withdrawn (not deleted: the log names it) while nobody has answered the questionnaire."""

    __tablename__ = "practice_questions"
    __table_args__ = (sa.CheckConstraint(QuestionKind.sql_in("question_kind"), name="question_kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_programmes.id"), index=True)
    position: Mapped[int] = mapped_column()
    question_kind: Mapped[str] = mapped_column(sa.String(20))
    prompt: Mapped[str] = mapped_column(sa.String(300))
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()

    @property
    def scope_organisation(self) -> Organisation:
        return self.programme.organisation

    @property
    def kind_label(self) -> str:
        return QuestionKind.label_of(self.question_kind)

    @property
    def has_options(self) -> bool:
        return self.question_kind in CHOICE_KINDS

    @property
    def scale(self) -> range:
        return SCALE


class SurveyResponse(db.Model):
    """A student's answers to their programme's questionnaire: one each, kept as sent."""

    __tablename__ = "practice_survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_applications.id"), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[StudentApplication] = relationship()
    answers: Mapped[list[SurveyAnswer]] = relationship(order_by="SurveyAnswer.id", viewonly=True)

    @property
    def scope_organisation(self) -> Organisation:
        return self.application.programme.organisation

    @property
    def volunteer_id(self) -> int:
        return self.application.volunteer_id


class SurveyAnswer(db.Model):
    """One chosen option (its index), one scale point, or one written text of a response."""

    __tablename__ = "practice_survey_answers"
    __table_args__ = (
        sa.CheckConstraint(f"scale_point IS NULL OR scale_point BETWEEN {SCALE.start} AND {SCALE.stop - 1}",
                           name="scale_in_range"),
        sa.CheckConstraint(" + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
                                      for column in ("option_index", "scale_point", "answer_text")) + " = 1",
                           name="one_kind_of_answer"),
        sa.Index("ix_practice_survey_answers_question", "question_id", "option_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_survey_responses.id"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_questions.id"))
    option_index: Mapped[int | None] = mapped_column()
    scale_point: Mapped[int | None] = mapped_column()
    answer_text: Mapped[str | None] = mapped_column(sa.Text)
