"""practice: the questionnaire, its questions, responses and answers

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 12:46:57

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_kind', sa.String(length=20), nullable=False),
    sa.Column('prompt', sa.String(length=300), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("question_kind IN ('single_choice', 'multiple_choice', 'rating_scale', 'free_text')", name=op.f('ck_practice_questions_question_kind_known')),
    sa.ForeignKeyConstraint(['programme_id'], ['practice_programmes.id'], name=op.f('fk_practice_questions_programme_id_practice_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_questions'))
    )
    with op.batch_alter_table('practice_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_questions_programme_id'), ['programme_id'], unique=False)

    op.create_table('practice_survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['practice_applications.id'], name=op.f('fk_practice_survey_responses_application_id_practice_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_survey_responses')),
    sa.UniqueConstraint('application_id', name=op.f('uq_practice_survey_responses_application_id'))
    )
    op.create_table('practice_survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('option_index', sa.Integer(), nullable=True),
    sa.Column('scale_point', sa.Integer(), nullable=True),
    sa.Column('answer_text', sa.Text(), nullable=True),
    sa.CheckConstraint('(CASE WHEN option_index IS NULL THEN 0 ELSE 1 END) + (CASE WHEN scale_point IS NULL THEN 0 ELSE 1 END) + (CASE WHEN answer_text IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_practice_survey_answers_one_kind_of_answer')),
    sa.CheckConstraint('scale_point IS NULL OR scale_point BETWEEN 1 AND 5', name=op.f('ck_practice_survey_answers_scale_in_range')),
    sa.ForeignKeyConstraint(['question_id'], ['practice_questions.id'], name=op.f('fk_practice_survey_answers_question_id_practice_questions')),
    sa.ForeignKeyConstraint(['response_id'], ['practice_survey_responses.id'], name=op.f('fk_practice_survey_answers_response_id_practice_survey_responses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_survey_answers'))
    )
    with op.batch_alter_table('practice_survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_practice_survey_answers_question', ['question_id', 'option_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_survey_answers_response_id'), ['response_id'], unique=False)


def downgrade():
    with op.batch_alter_table('practice_survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_survey_answers_response_id'))
        batch_op.drop_index('ix_practice_survey_answers_question')

    op.drop_table('practice_survey_answers')
    op.drop_table('practice_survey_responses')
    with op.batch_alter_table('practice_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_questions_programme_id'))

    op.drop_table('practice_questions')
