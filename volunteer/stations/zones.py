"""The time zones a station may keep: any IANA zone the server's zoneinfo knows, offered as a list
with China's first, each named in the reader's language (from the CLDR data Babel carries)."""
from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from babel.dates import get_timezone_location
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from volunteer.core.time import DEFAULT_ZONE

# China's zones first (the default at the top): nearly every station is in one of these. They are
# named as people in China say them ("北京时间"), not as CLDR's generic data does.
FIRST = {
    DEFAULT_ZONE.key: _l("Beijing time (China Standard Time)"),
    "Asia/Urumqi": _l("Xinjiang time (Urumqi)"),
    "Asia/Hong_Kong": _l("Hong Kong time"),
    "Asia/Macau": _l("Macao time"),
    "Asia/Taipei": _l("Taiwan time"),
}
# The list offers the zones named by region and city (not the old aliases such as "PRC" or
# "US/Eastern", which the server still accepts from a client that sends one).
_REGIONS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/", "Europe/",
            "Indian/", "Pacific/")
_UTC = "UTC"


@cache
def known_zones() -> frozenset[str]:
    """Every zone the server can compute with (reading the zone files once per process)."""
    return frozenset(available_timezones())


def is_known_zone(name: str | None) -> bool:
    return bool(name) and name in known_zones()


@cache
def _offered() -> tuple[str, ...]:
    rest = sorted(zone for zone in known_zones() if zone.startswith(_REGIONS) and zone not in FIRST)
    return tuple(zone for zone in FIRST if zone in known_zones()) + tuple(rest) + (_UTC,)


def _label(zone: str, locale: str) -> str:
    if zone in FIRST:
        return f"{FIRST[zone]} · {zone}"
    if zone not in known_zones() or not zone.startswith(_REGIONS):
        return zone
    return f"{get_timezone_location(zone, locale=locale)} · {zone}"


@cache
def _choices_in(locale: str) -> tuple[tuple[str, str], ...]:
    """Cached per language (CLDR's names of some 500 zones take a tenth of a second to look up)."""
    return tuple((zone, _label(zone, locale)) for zone in _offered())


def _locale() -> str:
    return str(get_locale() or "en")


def zone_label(zone: str) -> str:
    """A zone as the list names it, in the reader's language."""
    return _label(zone, _locale())


def zone_choices(current: str | None = None) -> list[tuple[str, str]]:
    """(zone, label) pairs for a select box in the reader's language; a station's current zone
    stays on the list even when it is one of the aliases the list leaves out."""
    choices = list(_choices_in(_locale()))
    if current and current not in _offered():
        choices.insert(0, (current, current))
    return choices
