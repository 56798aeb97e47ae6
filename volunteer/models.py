"""Imports every model so that the ORM and Alembic know all tables."""
from volunteer.accounts.models import ApiToken, Membership, User, Volunteer  # noqa: F401
from volunteer.core.models import Counter, Event  # noqa: F401
from volunteer.organisations.models import Organisation  # noqa: F401
from volunteer.projects.models import Project  # noqa: F401
from volunteer.stations.models import Station, station_leads  # noqa: F401
