"""The organisation tree's closed sets: the kinds of organisation, and the staff roles held on
one (a role reaches the organisation's whole subtree); who may do what to the tree."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary


class OrganisationKind(Vocabulary):
    """DESIGN.md's kinds: league committees at each level, branches, schools and partner units."""

    CITY = "city", _l("City/county league committee")
    TOWN = "town", _l("Town league committee")
    STREET = "street", _l("Street league committee")
    VILLAGE = "village", _l("Village league branch")
    COMMUNITY = "community", _l("Community league branch")
    SCHOOL = "school", _l("School league committee")
    UNIT = "unit", _l("Partner unit")


# The kinds closest to residents (村、社区): the dashboards report how many have an active station.
GRASSROOTS_KINDS = (OrganisationKind.VILLAGE, OrganisationKind.COMMUNITY)


class Role(Vocabulary):
    """A staff role on an organisation. A league admin can do whatever a manager can."""

    LEAGUE_ADMIN = "league_admin", _l("League admin")
    MANAGER = "manager", _l("Project manager")


STAFF = frozenset(Role)
ADMINS = frozenset({Role.LEAGUE_ADMIN})

# action -> the roles that may do it on a record within their subtree (core.permissions)
ACCESS = {
    "organisation.view": STAFF,
    "organisation.manage": ADMINS,  # create children, rename
    "event.view": STAFF,            # the event log of their subtree
}


class OrganisationEvent(Vocabulary):
    CREATED = "organisation.created", _l("Organisation created")
    RENAMED = "organisation.renamed", _l("Organisation renamed")


EVENT_LOG = Glossary(
    actions=OrganisationEvent,
    name=_l("Organisations"),
    verbs={OrganisationEvent.CREATED: lazy_pgettext("event", "created"), OrganisationEvent.RENAMED: lazy_pgettext("event", "renamed")},
    subjects={"organisations": _l("Organisation")},
    fields={"name": _l("Organisation name"), "code": _l("Code"), "kind": _l("Kind"), "organisation": _l("Organisation"),
            "role": _l("Role")},
    values={"organisations": {"kind": OrganisationKind}},
)
