"""Forms parse and render; stations.services checks every rule."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField

from volunteer.core.forms import Form
from volunteer.core.time import DEFAULT_ZONE
from volunteer.stations.vocabulary import CoordinateSystem, StationKind
from volunteer.stations.zones import zone_choices

# A phone shows its number keys for these: digits and the decimal point for a coordinate (every
# point in China is north and east, so the minus sign some decimal keypads lack is not missed),
# digits alone for a whole number (the pattern is what older iPhones look for).
DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}
WHOLE = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}


class StationForm(Form):
    organisation_code = SelectField(_l("Organisation"), choices=[], validate_choice=False)
    name = StringField(_l("Station name"))
    kind = SelectField(_l("Kind"), choices=StationKind.choices(), validate_choice=False)
    address = StringField(_l("Address (optional)"))
    lat = StringField(_l("Latitude"), render_kw=DECIMAL)
    lng = StringField(_l("Longitude"), render_kw=DECIMAL)
    coordinate_system = SelectField(
        _l("Where the coordinates come from"),
        choices=[("", _l("Choose the map or device…"))] + CoordinateSystem.choices(), validate_choice=False,
        description=_l("Chinese map apps give points hundreds of metres away from GPS ones; they are converted "
                       "to WGS-84, the system of a phone's location, so the distance check measures the right "
                       "place."))
    radius_m = StringField(_l("Check-in radius in metres (optional)"), render_kw=WHOLE,
                           description=_l("Scans farther away are flagged for the lead, not refused."))
    opens_at = StringField(_l("Opens at (optional)"), render_kw={"type": "time"})
    closes_at = StringField(_l("Closes at (optional)"), render_kw={"type": "time"})
    timezone = SelectField(_l("Time zone"), default=DEFAULT_ZONE.key, choices=[], validate_choice=False)
    require_rotating_code = BooleanField(_l("Accept only the rotating code shown on the station's screen"))
    active = BooleanField(_l("Active"), default=True)

    FIELDS = ("name", "kind", "address", "lat", "lng", "coordinate_system", "radius_m", "opens_at", "closes_at",
              "timezone", "require_rotating_code", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices(self.timezone.data)

    def data_for_service(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class LeadForm(Form):
    login = StringField(_l("Mobile number or e-mail of the lead"))
