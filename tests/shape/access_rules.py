"""Who may use a route, as the access matrix declares it. A rule answers for one actor (a User, or
None for anonymous) over the matrix's records, through volunteer.core.permissions and the models'
own questions, so that the matrix expects exactly what the permission module says.

Record names (``"org_a"``, ``"pending_entry"`` …) are those of tests/shape/access_world.py."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from volunteer.core import permissions
from volunteer.stations.models import Station


@dataclass(frozen=True)
class Rule:
    text: str
    test: Callable  # (user or None, world) -> bool
    # Whether the rule names a town A record: then no actor of town B may pass it.
    in_town_a: bool = False

    def allows(self, user, world) -> bool:
        return bool(self.test(user, world))

    def __or__(self, other: Rule) -> Rule:
        return Rule(f"{self.text} or {other.text}", lambda u, w: self.test(u, w) or other.test(u, w),
                    self.in_town_a and other.in_town_a)

    def __str__(self) -> str:
        return self.text


def _volunteer_of(user):
    volunteer = getattr(user, "volunteer", None) if user is not None else None
    return volunteer if volunteer is not None and volunteer.is_active else None


PUBLIC = Rule("public", lambda user, world: True)
SIGNED_IN = Rule("signed in", lambda user, world: user is not None)
VOLUNTEER = Rule("volunteer", lambda user, world: _volunteer_of(user) is not None)


def may(action: str, record: str) -> Rule:
    """``action`` allowed on the record's organisation (permissions.can)."""
    return Rule(f"{action} on {record}", lambda user, world: permissions.can(user, action, world.record(record)),
                in_town_a=True)


def anywhere(action: str) -> Rule:
    """``action`` allowed somewhere (permissions.ensure_any_scope): list pages of one's own scope."""
    return Rule(f"{action} anywhere", lambda user, world: bool(permissions.scope_roots(user, action)))


def own(record: str) -> Rule:
    """The volunteer the record belongs to."""
    def test(user, world):
        volunteer = _volunteer_of(user)
        return volunteer is not None and world.record(record).volunteer_id == volunteer.id
    return Rule(f"volunteer owning {record}", test, in_town_a=True)


def recipient_of(record: str) -> Rule:
    """The user a notice was written to."""
    return Rule(f"recipient of {record}", lambda user, world: user is not None
                and world.record(record).user_id == user.id, in_town_a=True)


def lead_of(record: str) -> Rule:
    """A lead of the station (the record itself, or the station it was served at)."""
    def test(user, world):
        found = world.record(record)
        station = found if isinstance(found, Station) else found.station
        return user is not None and station.is_led_by(user)
    text = "lead of the station" if record == "station" else f"lead of {record}'s station"
    return Rule(text, test, in_town_a=True)


def contact_of(record: str) -> Rule:
    """The contact person who signs in for a host unit (practice programmes)."""
    return Rule(f"contact of {record}", lambda user, world: world.record(record).is_contact(user), in_town_a=True)


# The queue and the ledger: station leads, and staff who manage projects (ledger.services.access).
DECIDES = Rule("lead anywhere", lambda user, world: bool(getattr(user, "led_stations", []))) \
    | anywhere("project.manage")


@dataclass(frozen=True)
class Entry:
    """One route and method of the matrix: who may use it (``rule``), the URL's arguments
    (``path``; ``"@name"`` is a value of the world), the query string and the body (a form for the
    web, with the CSRF token added; JSON for the API). ``writes``: when the route answers more
    actors than may change the record (a refusal said as a field error), who may change it.
    ``stores``: tables where a refused request keeps a record of itself (a refused scan is stored)."""
    method: str
    endpoint: str
    rule: Rule
    path: dict
    query: dict
    body: dict | None = None
    writes: Rule | None = None
    stores: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


def route(method: str, endpoint: str, rule: Rule, *, query: dict | None = None, body: dict | None = None,
          writes: Rule | None = None, stores: tuple[str, ...] = (), **path) -> Entry:
    return Entry(method, endpoint, rule, path, query or {}, body, writes, stores)
