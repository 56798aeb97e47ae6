"""Check-in's closed sets: sessions' states and sources, why the system closed one, what a scan
came to, and which kind of code it read."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary
from volunteer.stations.vocabulary import CodeKind


class SessionState(Vocabulary):
    OPEN = "open", _l("Checked in")
    CLOSED = "closed", _l("Checked out")


class SessionSource(Vocabulary):
    SELF_SCAN = "self_scan", _l("Self-scan")
    KIOSK = "kiosk", _l("Kiosk")
    MANUAL = "manual", _l("Manual")


class AutoCloseReason(Vocabulary):
    STATION_CLOSED = "station_closed", _l("Not checked out by the station's closing time")
    MAX_LENGTH = "max_length", _l("Not checked out within the longest session allowed")
    SUPERSEDED = "superseded", _l("Checked in at another station without checking out here")


class ScanAction(Vocabulary):
    """What a scan came to (the API's ``action``; a refused scan is stored too)."""

    CHECKED_IN = "checked_in", _l("Checked in")
    CHECKED_OUT = "checked_out", _l("Checked out")
    UNCHANGED = "unchanged", _l("Unchanged")
    REFUSED = "refused", _l("Refused")


class ScannedCode(Vocabulary):
    """The kind of code a scan read: a station's (the kinds of stations.vocabulary.CodeKind, which
    it takes its values from) or a volunteer's card."""

    STATIC = CodeKind.STATIC.value, CodeKind.STATIC.lazy_label
    ROTATING = CodeKind.ROTATING.value, CodeKind.ROTATING.lazy_label
    PERSONAL = "personal", _l("Volunteer card")
    NUMBER = "number", _l("Volunteer number typed by the lead")

    @classmethod
    def of_station_code(cls, kind: CodeKind) -> ScannedCode:
        return cls(kind.value)


class CheckinEvent(Vocabulary):
    AUTO_CLOSED = "session.auto_closed", _l("Session closed by the system")
    CARD_REPLACED = "volunteer.card_replaced", _l("Volunteer card replaced")


EVENT_LOG = Glossary(
    actions=CheckinEvent,
    name=_l("Check-in"),
    verbs={CheckinEvent.AUTO_CLOSED: lazy_pgettext("event", "ended"), CheckinEvent.CARD_REPLACED: lazy_pgettext("event", "replaced the card of")},
    subjects={"service_sessions": _l("Service session")},
    fields={"reason": _l("Reason"), "card_version": _l("Card version")},
    values={"service_sessions": {"reason": AutoCloseReason}},
)
