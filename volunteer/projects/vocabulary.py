"""Projects' closed sets: the lifecycle's states (its transitions are lifecycle.py), categories,
levels, resources, applications; who may do what."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary
from volunteer.organisations.vocabulary import ADMINS, STAFF


class ProjectState(Vocabulary):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted for screening")
    APPROVED = "approved", _l("Approved")
    RECRUITING = "recruiting", _l("Recruiting")
    RUNNING = "running", _l("Running")
    EVALUATING = "evaluating", _l("Evaluating")
    CLOSED = "closed", _l("Closed")
    REJECTED = "rejected", _l("Rejected")
    SUSPENDED = "suspended", _l("Suspended")
    CANCELLED = "cancelled", _l("Cancelled")


class Category(Vocabulary):
    ELDERLY = "elderly", _l("Elderly care")
    DISABILITY = "disability", _l("Disability support")
    EDUCATION = "education", _l("Education support")
    ENVIRONMENT = "environment", _l("Environment")
    EMERGENCY = "emergency", _l("Emergency response")
    CIVILITY = "civility", _l("Civility practice")
    MAJOR_EVENT = "major_event", _l("Major events")
    COMMUNITY = "community", _l("Community service")
    PRACTICE = "social_practice", _l("Social practice")  # a practice programme's time at a post or in training
    OTHER = "other", _l("Other")


class Level(Vocabulary):
    CITY = "city", _l("City level")
    TOWN = "town", _l("Town level")
    VILLAGE = "village", _l("Village level")
    SCHOOL = "school", _l("School level")


class ResourceKind(Vocabulary):
    FUNDS = "funds", _l("Funds")
    MATERIALS = "materials", _l("Materials")
    PARTNER = "partner", _l("Partner")


class ResourceStatus(Vocabulary):
    PLEDGED = "pledged", _l("Pledged")
    RECEIVED = "received", _l("Received")


class ApplicationState(Vocabulary):
    PENDING = "pending", _l("Waiting for a decision")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


# What a manager answers an application with.
APPLICATION_DECISIONS = (ApplicationState.ACCEPTED, ApplicationState.DECLINED)

ACCESS = {
    "project.view": STAFF,
    "project.manage": STAFF,   # create, edit, run the lifecycle, positions, roster
    "project.screen": ADMINS,  # approve or reject a submitted project
}


class ProjectEvent(Vocabulary):
    CREATED = "project.created", _l("Project created")
    UPDATED = "project.updated", _l("Project edited")
    TRANSITION = "project.transition", _l("Project state changed")
    RESOURCE_ADDED = "project.resource_added", _l("Resource recorded")
    EVALUATED = "project.evaluated", _l("Evaluation recorded")
    EVALUATION_UPDATED = "project.evaluation_updated", _l("Evaluation corrected")
    POSITION_CREATED = "position.created", _l("Position added")
    APPLIED = "application.created", _l("Application sent")
    ACCEPTED = "application.accepted", _l("Application accepted")
    DECLINED = "application.declined", _l("Application declined")
    WITHDRAWN = "application.withdrawn", _l("Application withdrawn")
    ENROLLED = "application.enrolled", _l("Put on the roster by a programme")


EVENT_LOG = Glossary(
    actions=ProjectEvent,
    name=_l("Projects"),
    verbs={ProjectEvent.CREATED: lazy_pgettext("event", "created"), ProjectEvent.UPDATED: lazy_pgettext("event", "edited"),
           ProjectEvent.TRANSITION: lazy_pgettext("event", "changed the state of"), ProjectEvent.RESOURCE_ADDED: lazy_pgettext("event", "recorded"),
           ProjectEvent.EVALUATED: lazy_pgettext("event", "evaluated"), ProjectEvent.EVALUATION_UPDATED: lazy_pgettext("event", "corrected the evaluation of"),
           ProjectEvent.POSITION_CREATED: lazy_pgettext("event", "added"), ProjectEvent.APPLIED: lazy_pgettext("event", "sent"),
           ProjectEvent.ACCEPTED: lazy_pgettext("event", "accepted"), ProjectEvent.DECLINED: lazy_pgettext("event", "declined"),
           ProjectEvent.WITHDRAWN: lazy_pgettext("event", "withdrew"),
           ProjectEvent.ENROLLED: lazy_pgettext("event", "put on the roster")},
    references={"volunteer_id": "volunteers", "position_id": "positions"},
    minutes=frozenset({"shift_minutes"}),
    subjects={"projects": _l("Project"), "positions": _l("Position"), "applications": _l("Application"),
              "project_resources": _l("Resource")},
    fields={"description": _l("Description"), "category": _l("Category"), "level": _l("Level"),
            "starts_on": _l("Start date"), "ends_on": _l("End date"), "stations": _l("Stations"),
            "roster_required": _l("Roster"), "shift_minutes": _l("Shift length"),
            "min_attendance_percent": _l("Minimum attendance"), "target_volunteers": _l("Target volunteers"),
            "target_hours": _l("Target service hours"), "target_beneficiaries": _l("Target beneficiaries"),
            "capacity": _l("Places"), "position_id": _l("Position"), "volunteer_id": _l("Volunteer"),
            "amount": _l("Amount"), "unit": _l("Unit"), "rating": _l("Rating"),
            "beneficiaries_served": _l("People served"), "place": _l("Place"),
            "contact_name": _l("Contact person"), "contact_phone": _l("Contact phone")},
    values={"projects": {"state": ProjectState, "category": Category, "level": Level},
            "applications": {"state": ApplicationState},
            "project_resources": {"kind": ResourceKind, "status": ResourceStatus}},
)
