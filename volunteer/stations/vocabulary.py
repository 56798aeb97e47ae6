"""Stations' closed sets: the kinds of station, the kinds of station code; who may do what."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary
from volunteer.organisations.vocabulary import ADMINS, STAFF


class StationKind(Vocabulary):
    """Stored as the Chinese names the league uses (驿站, 青年之家 …)."""

    POST = "驿站", _l("Volunteer post")
    YOUTH_HOME = "青年之家", _l("Youth home")
    SERVICE_STATION = "服务站", _l("Service station")
    DISABILITY_STATION = "助残服务站", _l("Disability service station")
    LIAISON_STATION = "联络站", _l("Liaison station")
    OTHER = "其他", _l("Other")


class CodeKind(Vocabulary):
    """A station's QR code: printed on the poster, or on the station's screen, changing every step."""

    STATIC = "static", _l("Printed code")
    ROTATING = "rotating", _l("Code on the station's screen")


ACCESS = {
    "station.view": STAFF,
    "station.manage": ADMINS,  # create, edit, assign leads, reset codes
}


class StationEvent(Vocabulary):
    CREATED = "station.created", _l("Station created")
    UPDATED = "station.updated", _l("Station edited")
    LEAD_ADDED = "station.lead_added", _l("Station lead added")
    LEAD_REMOVED = "station.lead_removed", _l("Station lead removed")
    CODE_RESET = "station.code_reset", _l("Station code reset")


EVENT_LOG = Glossary(
    actions=StationEvent,
    subjects={"stations": _l("Station")},
    fields={"key_version": _l("Code version")},
    values={"stations": {"kind": StationKind}},
)
