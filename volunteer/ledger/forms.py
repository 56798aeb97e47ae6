"""The queue's decision form and the volunteer's dispute form; ledger.services checks every rule."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, RadioField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from volunteer.core.forms import Form


class DecisionForm(Form):
    decision = HiddenField()
    minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(min=0, max=24 * 60)])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class DisputeForm(Form):
    note = TextAreaField(_l("What is wrong with this entry?"), validators=[Optional(), Length(max=2000)])


class ManualEntryForm(Form):
    """Service recorded without a scan (补录): the volunteer and project are chosen before; the
    service's day, its times or its minutes, and why. ledger.services.record_manual checks it."""
    project_id = HiddenField()
    volunteer_id = RadioField(_l("Volunteer"), coerce=int, validators=[InputRequired(_l("Choose the volunteer."))],
                              validate_choice=False)
    served_on = DateField(_l("Day of the service"), validators=[InputRequired(_l("Please give the date of the service."))])
    service_from = TimeField(_l("Start time"), validators=[Optional()])
    service_to = TimeField(_l("End time"), validators=[Optional()])
    minutes = IntegerField(_l("Minutes to credit (optional with times)"),
                           validators=[Optional(), NumberRange(min=0, max=24 * 60)],
                           render_kw={"inputmode": "numeric", "min": 0, "max": 24 * 60})
    activity = StringField(_l("What was done (optional)"), validators=[Optional(), Length(max=200)])
    reason = TextAreaField(_l("Why it was not scanned"), validators=[InputRequired(_l("Say why the service was not scanned.")),
                                                                     Length(max=2000)])
    photo = FileField(_l("Photo of the sign-in sheet (optional)"),
                      render_kw={"accept": "image/jpeg,image/png,image/webp"})
