"""Forms parse and render; shifts.services checks every rule."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField

from volunteer.core.forms import Form


class ShiftForm(Form):
    starts_at = StringField(_l("Start"), render_kw={"type": "datetime-local"})
    ends_at = StringField(_l("End"), render_kw={"type": "datetime-local"},
                          description=_l("A night shift ends the next morning."))
    capacity = StringField(_l("Places"), render_kw={"inputmode": "numeric"})
    station_id = SelectField(_l("Station"), choices=[], validate_choice=False)
    note = StringField(_l("Note (optional)"))


class PatternForm(Form):
    first_day = StringField(_l("First day"), render_kw={"type": "date"})
    last_day = StringField(_l("Last day"), render_kw={"type": "date"})
    start = StringField(_l("Daily start"), render_kw={"type": "time"})
    end = StringField(_l("Daily end"), render_kw={"type": "time"},
                      description=_l("An end before the start is on the next day (a night shift)."))
    capacity = StringField(_l("Places"), render_kw={"inputmode": "numeric"})
    station_id = SelectField(_l("Station"), choices=[], validate_choice=False)
    note = StringField(_l("Note (optional)"))


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 2, "maxlength": 500})
