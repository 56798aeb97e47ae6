"""The privacy notice registration consents to. A new wording gets a new version; each volunteer
row stores the version they agreed to."""
from flask_babel import lazy_gettext as _l

CURRENT_VERSION = "2026-11"

_PARAGRAPHS = (
    _l("We collect your name, mobile number, resident ID number and organisation to register you "
       "as a volunteer, record your service hours and issue service certificates."),
    _l("Your ID number is stored encrypted and shown masked; your mobile number is shown masked "
       "to staff. Location is asked for separately at check-in and kept only for the distance check."),
    _l("Volunteers under 18 need a guardian's consent; for volunteers under 14 the guardian also "
       "consents separately to the processing of sensitive personal data, and we collect the least."),
    _l("You can see, export and correct your data, and close your account at any time; your service "
       "hours are then kept under your volunteer number only."),
)


def current_notice() -> dict:
    return {"version": CURRENT_VERSION, "text": "\n\n".join(str(p) for p in _PARAGRAPHS)}
