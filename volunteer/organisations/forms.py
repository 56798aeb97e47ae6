from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length

from volunteer.organisations.models import ORGANISATION_KINDS


class OrganisationForm(FlaskForm):
    code = StringField(_l("Code"), validators=[Length(max=32)],
                       description=_l("Capital letters, digits and hyphens, e.g. LX-QS-01. It cannot be changed later."))
    name = StringField(_l("Name"), validators=[Length(max=120)])
    kind = SelectField(_l("Kind"), choices=list(ORGANISATION_KINDS.items()))


class RenameForm(FlaskForm):
    name = StringField(_l("New name"), validators=[Length(max=120)])
