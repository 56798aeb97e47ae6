"""The self-scan form: which project (only when several run), the location if shared."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from volunteer.core.forms import Form


class ScanForm(Form):
    project_id = RadioField(_l("Project"), coerce=int, validators=[Optional()], validate_choice=False)
    share_location = BooleanField(_l("Share my location for this check-in (only the distance to the station is kept)"))
    lat = HiddenField()  # filled by the page's script; checked by the service
    lng = HiddenField()
    request_id = HiddenField(validators=[Optional(), Length(max=64)])


class KioskForm(Form):
    project_id = SelectField(_l("Project"), coerce=int, validators=[Optional()], validate_choice=False)
    code = StringField(_l("Scan a volunteer card"), validators=[Length(max=500)])
    request_id = HiddenField(validators=[Optional(), Length(max=64)])


class KioskNumberForm(Form):
    """A lost card: the lead types the volunteer number or phone instead."""
    project_id = SelectField(_l("Project"), coerce=int, validators=[Optional()], validate_choice=False)
    number = StringField(_l("Volunteer number or phone"), validators=[Length(max=48)],
                         render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    request_id = HiddenField(validators=[Optional(), Length(max=64)])
