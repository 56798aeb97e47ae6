"""Forms parse and render; certificates.services checks every rule."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from volunteer.core.forms import Form


class IssueForm(Form):
    # the volunteer picked among those a search found (register.html); the search goes back on a refusal
    volunteer_no = StringField(_l("Volunteer"), validators=[Length(max=48)])
    who = HiddenField(validators=[Length(max=80)])
    project_id = SelectField(_l("Project (optional)"), choices=[], validate_choice=False)
    period_from = DateField(_l("Start date (optional)"), validators=[Optional()])
    period_to = DateField(_l("End date (optional)"), validators=[Optional()])


class RequestForm(Form):
    project_id = SelectField(_l("Project (optional)"), choices=[], validate_choice=False)
    period_from = DateField(_l("Start date (optional)"), validators=[Optional()])
    period_to = DateField(_l("End date (optional)"), validators=[Optional()])
    note = TextAreaField(_l("What is it for? (optional)"), validators=[Optional(), Length(max=2000)])


class ReasonForm(Form):
    decision = HiddenField()
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class SealForm(Form):
    seal = FileField(_l("Seal image (PNG with a transparent background, at most 1 MB)"))
    person_in_charge = StringField(_l("Person in charge who signs the certificates"),
                                   validators=[Optional(), Length(max=80)])


class BatchForm(Form):
    organisation_code = SelectField(_l("Organisation (with the ones below it)"), choices=[], validate_choice=False)
    min_hours = StringField(_l("At least this many approved hours"), render_kw={"inputmode": "decimal"})
    period_from = DateField(_l("Start date"), validators=[Optional()])
    period_to = DateField(_l("End date"), validators=[Optional()])
