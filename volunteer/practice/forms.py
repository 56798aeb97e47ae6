"""Forms parse and render; practice.services checks every rule."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField

from volunteer.core.forms import Form
from volunteer.practice.vocabulary import Season


class ProgrammeForm(Form):
    organisation = SelectField(_l("Run by"), choices=[], validate_choice=False)
    name = StringField(_l("Name of the programme"), render_kw={"maxlength": 120})
    season = SelectField(_l("Season"), choices=Season.choices(), validate_choice=False)
    applications_open_on = StringField(_l("Applications open"), render_kw={"type": "date"})
    applications_close_on = StringField(_l("Applications close"), render_kw={"type": "date"})
    practice_starts_on = StringField(_l("Practice starts"), render_kw={"type": "date"})
    practice_ends_on = StringField(_l("Practice ends"), render_kw={"type": "date"})
    areas = StringField(_l("Where units may offer posts (optional)"),
                        description=_l("Codes of organisations within it, separated by spaces; "
                                       "without any, the whole of the organisation."))
    rules = TextAreaField(_l("Rules (optional)"), render_kw={"rows": 4, "maxlength": 5000})
