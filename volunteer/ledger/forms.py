"""The queue's decision form and the volunteer's dispute form; ledger.services checks every rule."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional


class DecisionForm(FlaskForm):
    decision = HiddenField()
    minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(min=0, max=24 * 60)])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class DisputeForm(FlaskForm):
    note = TextAreaField(_l("What is wrong with this entry?"), validators=[Optional(), Length(max=2000)])
