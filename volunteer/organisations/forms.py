"""Forms parse and render; organisations.services checks every rule."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField

from volunteer.core.forms import Form
from volunteer.organisations.vocabulary import OrganisationKind


class OrganisationForm(Form):
    code = StringField(_l("Code"),
                       description=_l("Capital letters, digits and hyphens, e.g. LX-QS-01. It cannot be changed later."))
    name = StringField(_l("Organisation name"))
    kind = SelectField(_l("Kind"), choices=OrganisationKind.choices(), validate_choice=False)


class RenameForm(Form):
    name = StringField(_l("New name"))
