"""Imports every model so that the ORM and Alembic know all tables."""
from volunteer.accounts.models import ApiToken, Membership, User, Volunteer  # noqa: F401
from volunteer.certificates.models import Certificate, CertificatePdf, CertificateRequest, Seal  # noqa: F401
from volunteer.checkin.models import Scan, ServiceSession  # noqa: F401
from volunteer.core.models import Counter, Event, Job  # noqa: F401
from volunteer.ledger.models import Dispute, LedgerEntry, LedgerTotal, SheetPhoto  # noqa: F401
from volunteer.notifications.models import ChannelChoice, Delivery, Notice, PushSubscription  # noqa: F401
from volunteer.organisations.models import Organisation  # noqa: F401
from volunteer.practice.at_post import LogPhoto, PracticeLog, UnitEvaluation  # noqa: F401
from volunteer.practice.branches import Branch, BranchMember  # noqa: F401
from volunteer.practice.models import (  # noqa: F401
    Commitment,
    HostUnit,
    Post,
    PostChoice,
    Programme,
    StudentApplication,
    programme_areas,
)
from volunteer.practice.sites import PracticeProject  # noqa: F401
from volunteer.practice.survey import Question, SurveyAnswer, SurveyResponse  # noqa: F401
from volunteer.projects.models import (  # noqa: F401
    Application,
    Attachment,
    Evaluation,
    Position,
    Project,
    ProjectTransition,
    Resource,
    project_stations,
)
from volunteer.reports.models import PersonDay, ProjectDay, StationDay, VolunteerMonth  # noqa: F401
from volunteer.shifts.models import LeaveRequest, Shift, Signup  # noqa: F401
from volunteer.stations.models import Station, station_leads  # noqa: F401
