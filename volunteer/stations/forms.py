"""Forms parse and render; stations.services checks every rule."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField

from volunteer.stations.vocabulary import StationKind


class StationForm(FlaskForm):
    organisation_code = SelectField(_l("Organisation"), choices=[], validate_choice=False)
    name = StringField(_l("Station name"))
    kind = SelectField(_l("Kind"), choices=StationKind.choices(), validate_choice=False)
    address = StringField(_l("Address (optional)"))
    lat = StringField(_l("Latitude (optional)"), render_kw={"inputmode": "decimal"})
    lng = StringField(_l("Longitude (optional)"), render_kw={"inputmode": "decimal"})
    radius_m = StringField(_l("Check-in radius in metres (optional)"), render_kw={"inputmode": "numeric"},
                           description=_l("Scans farther away are flagged for the lead, not refused."))
    opens_at = StringField(_l("Opens at (optional)"), render_kw={"type": "time"})
    closes_at = StringField(_l("Closes at (optional)"), render_kw={"type": "time"})
    timezone = StringField(_l("Time zone"), default="Asia/Shanghai")
    require_rotating_code = BooleanField(_l("Accept only the rotating code shown on the station's screen"))
    active = BooleanField(_l("Active"), default=True)

    FIELDS = ("name", "kind", "address", "lat", "lng", "radius_m", "opens_at", "closes_at", "timezone",
              "require_rotating_code", "active")

    def data_for_service(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class LeadForm(FlaskForm):
    login = StringField(_l("Mobile number or e-mail of the lead"))
