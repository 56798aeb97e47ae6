"""Stations' closed sets: the kinds of station, the kinds of station code, the coordinate systems a
station's point may be given in; who may do what."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

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
    HOST_UNIT = "实践接收单位", _l("Practice host unit")  # a unit's place, where its practice students check in
    OTHER = "其他", _l("Other")


class CodeKind(Vocabulary):
    """A station's QR code: printed on the poster, or on the station's screen, changing every step."""

    STATIC = "static", _l("Printed code")
    ROTATING = "rotating", _l("Code on the station's screen")


class CoordinateSystem(Vocabulary):
    """The system a point was given in. A station's point is stored in WGS-84, the system of GPS and
    of a phone browser's location (what a scan reports); Chinese map apps show and copy points
    offset from it by hundreds of metres, so a point taken from one is converted when it is saved
    (stations.coordinates). The labels say which apps use which: the admin knows the app, not the
    system."""

    WGS84 = "wgs84", _l("WGS-84: GPS, a phone's browser, OpenStreetMap, Google Earth")
    GCJ02 = "gcj02", _l("GCJ-02: AMap (Gaode), Tencent Maps, WeChat location, Apple Maps in China")
    BD09 = "bd09", _l("BD-09: Baidu Maps")

    @property
    def short_name(self) -> str:
        """The system's own name (the same in every language), to state beside a stored point."""
        return SYSTEM_NAMES[self]


SYSTEM_NAMES = {CoordinateSystem.WGS84: "WGS-84", CoordinateSystem.GCJ02: "GCJ-02", CoordinateSystem.BD09: "BD-09"}
# Stations' points are kept, and scans compared, in this one system.
STORED_SYSTEM = CoordinateSystem.WGS84


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
    name=_l("Stations"),
    verbs={StationEvent.CREATED: lazy_pgettext("event", "created"), StationEvent.UPDATED: lazy_pgettext("event", "edited"),
           StationEvent.LEAD_ADDED: lazy_pgettext("event", "added a lead to"), StationEvent.LEAD_REMOVED: lazy_pgettext("event", "removed a lead from"),
           StationEvent.CODE_RESET: lazy_pgettext("event", "reset the code of")},
    references={"user_id": "users"},
    subjects={"stations": _l("Station")},
    fields={"key_version": _l("Code version"), "lat": _l("Latitude"), "lng": _l("Longitude"),
            "radius_m": _l("Check-in radius (metres)"), "opens_at": _l("Opens at"), "closes_at": _l("Closes at"),
            "timezone": _l("Time zone"), "require_rotating_code": _l("Rotating code only"),
            "coordinate_system": _l("Coordinates given in")},
    values={"stations": {"kind": StationKind, "coordinate_system": CoordinateSystem}},
)
