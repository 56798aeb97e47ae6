"""Forms parse and render; reports.services checks every rule."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Length, Optional

from volunteer.core.forms import Form


class PrintForm(Form):
    """The dashboard's organisation and period, posted to start a printable report."""

    organisation = HiddenField()
    period = HiddenField()
    start = HiddenField()
    end = HiddenField()


class JobForm(Form):
    """A job page's buttons (resume): the CSRF token only."""


class PublicFiguresForm(Form):
    publishes = BooleanField(_l("Publish the headline figures and recruiting projects on a public page"))
    population = StringField(_l("Residents (for the registration rate; optional)"),
                             validators=[Optional(), Length(max=12)], render_kw={"inputmode": "numeric"})
