"""Practice programmes' closed sets: a programme's states and season, host units' and posts'
kinds, a post's, an application's and a choice's states, the event log's actions; who runs a
programme and registers host units (the league admins over its organisation)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary
from volunteer.organisations.vocabulary import ADMINS


class ProgrammeState(Vocabulary):
    DRAFT = "programme_draft", _l("Being prepared")
    COLLECTING_POSTS = "collecting_posts", _l("Collecting posts")
    APPLICATIONS_OPEN = "applications_open", _l("Open for applications")
    MATCHING = "two_way_selection", _l("Matching students and posts")
    RUNNING = "practice_running", _l("Practice under way")
    EVALUATING = "practice_evaluating", _l("Being evaluated")
    CLOSED = "programme_closed", _l("Closed")


# Units may offer posts while they are collected and while students apply.
POST_STAGES = frozenset({ProgrammeState.COLLECTING_POSTS, ProgrammeState.APPLICATIONS_OPEN})


class Season(Vocabulary):
    SUMMER = "summer", _l("Summer holidays")
    WINTER = "winter", _l("Winter holidays")


class UnitKind(Vocabulary):
    """The kinds of host unit (接收单位) the programmes place students with."""

    GOVERNMENT = "government_office", _l("Government office")
    PUBLIC_INSTITUTION = "public_institution", _l("Public institution")
    ENTERPRISE = "enterprise", _l("Enterprise")
    VILLAGE_OR_COMMUNITY = "village_or_community", _l("Village or community")
    YOUTH_HOME = "youth_home", _l("Youth home (青年之家)")
    SOCIAL_ORGANISATION = "social_organisation", _l("Social organisation")


class PostKind(Vocabulary):
    GOVERNMENT = "government_practice", _l("Government practice")
    ENTERPRISE = "enterprise_practice", _l("Enterprise practice")
    PART_TIME = "part_time_post", _l("Part-time post (兼职锻炼)")
    PUBLIC_WELFARE = "public_welfare", _l("Public welfare service")
    COMMUNITY = "community_practice", _l("Community service practice")
    RURAL = "rural_revitalisation", _l("Rural revitalisation")
    CULTURE = "culture_publicity", _l("Culture and publicity")


class PostState(Vocabulary):
    """A post a unit offers: the league approves it (students see it) or returns it (the unit
    changes it and submits it again); the unit may withdraw it until someone holds its offer."""

    SUBMITTED = "post_submitted", _l("Waiting for the league")
    APPROVED = "post_approved", _l("Offered to students")
    RETURNED = "post_returned", _l("Returned to the unit")
    WITHDRAWN = "post_withdrawn", _l("Withdrawn by the unit")


MAX_CHOICES = 3  # ranked choices on one application


class StudentApplicationState(Vocabulary):
    CHOOSING = "applied_to_programme", _l("Being matched")
    PLACED = "student_placed", _l("Placed")
    WITHDRAWN = "application_withdrawn", _l("Withdrawn")


class PostChoiceState(Vocabulary):
    """Where one ranked choice stands in the two-way selection."""

    WAITING = "choice_waiting", _l("Waiting for the unit")
    SHORTLISTED = "shortlisted", _l("Shortlisted")
    INTERVIEW = "interview_booked", _l("Interview booked")
    OFFERED = "offer_made", _l("Offered the post")
    ACCEPTED = "offer_accepted", _l("Offer accepted")
    DECLINED = "offer_declined", _l("Offer declined")
    NOT_CHOSEN = "not_chosen", _l("Not chosen by the unit")
    WITHDRAWN = "choice_withdrawn", _l("No longer pursued")


# Still in play: the unit may move it on, the student may accept it once offered.
OPEN_CHOICES = frozenset({PostChoiceState.WAITING, PostChoiceState.SHORTLISTED, PostChoiceState.INTERVIEW,
                          PostChoiceState.OFFERED})
# What a unit may do with a choice of its post, from which states.
UNIT_MOVES = {
    PostChoiceState.SHORTLISTED: (PostChoiceState.WAITING,),
    PostChoiceState.INTERVIEW: (PostChoiceState.WAITING, PostChoiceState.SHORTLISTED, PostChoiceState.INTERVIEW),
    PostChoiceState.OFFERED: (PostChoiceState.WAITING, PostChoiceState.SHORTLISTED, PostChoiceState.INTERVIEW),
    PostChoiceState.NOT_CHOSEN: (PostChoiceState.WAITING, PostChoiceState.SHORTLISTED, PostChoiceState.INTERVIEW),
}


# The weeks of a practice are logged while it runs; the unit evaluates its students from then
# until the programme is evaluated; the league certifies once the practice has ended.
LOG_STAGES = frozenset({ProgrammeState.RUNNING})
EVALUATION_STAGES = frozenset({ProgrammeState.RUNNING, ProgrammeState.EVALUATING})
CERTIFICATE_STAGES = frozenset({ProgrammeState.EVALUATING, ProgrammeState.CLOSED})
LOG_PHOTOS = 3  # photos on one weekly log


class PracticeRating(Vocabulary):
    """The unit's overall rating of a student, in the four grades schools record."""

    EXCELLENT = "rated_excellent", _l("Excellent")
    GOOD = "rated_good", _l("Good")
    PASS = "rated_pass", _l("Satisfactory")
    FAIL = "rated_fail", _l("Unsatisfactory")


class QuestionKind(Vocabulary):
    """The kinds of question a programme's questionnaire asks its students."""

    SINGLE = "single_choice", _l("One choice")
    MULTIPLE = "multiple_choice", _l("Several choices")
    SCALE = "rating_scale", _l("A scale from 1 to 5")
    TEXT = "free_text", _l("Written answer")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
SCALE = range(1, 6)  # the points of a scale question
# Placed students answer the questionnaire from the practice's start until the programme closes.
SURVEY_STAGES = frozenset({ProgrammeState.RUNNING, ProgrammeState.EVALUATING})


class PracticeProjectPurpose(Vocabulary):
    """What a project the programme runs through check-in is for (practice.sites)."""

    AT_UNIT = "attendance_at_unit", _l("Attendance at a host unit")
    TRAINING = "pre_post_training", _l("Pre-post training")


# Temporary branches group the placed students from their placement until the practice is evaluated.
BRANCH_STAGES = frozenset({ProgrammeState.MATCHING, ProgrammeState.RUNNING, ProgrammeState.EVALUATING})
# Training is set up once students are placed, and taken until the practice ends.
TRAINING_STAGES = frozenset({ProgrammeState.MATCHING, ProgrammeState.RUNNING})


class PracticeJob(Vocabulary):
    """The kinds of background job (core.jobs) practice programmes run."""

    CERTIFICATES = "practice_certificates", _l("Practice certificates of a programme")


ACCESS = {
    "programme.run": ADMINS,  # create a programme and move it through its lifecycle
    "unit.register": ADMINS,  # register host units under their organisations; approve or return posts
}


class ProgrammeEvent(Vocabulary):
    CREATED = "programme.created", _l("Programme created")
    TRANSITION = "programme.transition", _l("Programme state changed")
    UNIT_REGISTERED = "host_unit.registered", _l("Host unit registered")
    POST_SUBMITTED = "post.submitted", _l("Post submitted")
    POST_APPROVED = "post.approved", _l("Post approved")
    POST_RETURNED = "post.returned", _l("Post returned")
    POST_WITHDRAWN = "post.withdrawn", _l("Post withdrawn")
    APPLIED = "practice.applied", _l("Student applied")
    CHOICES_CHANGED = "practice.choices_changed", _l("Choices changed")
    APPLICATION_WITHDRAWN = "practice.application_withdrawn", _l("Application withdrawn")
    SHORTLISTED = "choice.shortlisted", _l("Student shortlisted")
    INTERVIEW_BOOKED = "choice.interview_booked", _l("Interview booked")
    OFFER_MADE = "choice.offered", _l("Offer made")
    NOT_CHOSEN = "choice.not_chosen", _l("Student not chosen")
    OFFER_ACCEPTED = "choice.accepted", _l("Offer accepted")
    OFFER_DECLINED = "choice.declined", _l("Offer declined")
    PLACED_BY_LEAGUE = "practice.placed", _l("Student placed by the league")
    COMMITMENT_SET = "practice.commitment_set", _l("Commitment letter set")
    COMMITTED = "practice.committed", _l("Commitment letter acknowledged")
    INSURED = "practice.insured", _l("Insurance confirmed")
    LOG_WRITTEN = "practice_log.written", _l("Practice log written")
    LOG_COMMENTED = "practice_log.commented", _l("Practice log commented on")
    EVALUATED = "practice.evaluated", _l("Student evaluated by the unit")
    UNIT_SEAL_SET = "host_unit.seal_set", _l("Host unit's seal changed")
    CERTIFYING_STARTED = "practice.certifying_started", _l("Practice certificates started")
    QUESTION_ADDED = "practice.question_added", _l("Question added to the questionnaire")
    QUESTION_WITHDRAWN = "practice.question_withdrawn", _l("Question withdrawn from the questionnaire")
    SURVEY_ANSWERED = "practice.survey_answered", _l("Questionnaire answered")
    TRAINING_SET_UP = "practice.training_set_up", _l("Pre-post training set up")
    BRANCH_CREATED = "practice_branch.created", _l("Temporary branch formed")
    BRANCH_JOINED = "practice_branch.joined", _l("Student put in a temporary branch")
    SECRETARY_CHOSEN = "practice_branch.secretary", _l("Branch secretary recorded")


EVENT_LOG = Glossary(
    actions=ProgrammeEvent,
    name=_l("Practice programmes"),
    verbs={ProgrammeEvent.CREATED: lazy_pgettext("event", "set up"),
           ProgrammeEvent.TRANSITION: lazy_pgettext("event", "moved on"),
           ProgrammeEvent.UNIT_REGISTERED: lazy_pgettext("event", "registered the host unit"),
           ProgrammeEvent.POST_SUBMITTED: lazy_pgettext("event", "submitted the post"),
           ProgrammeEvent.POST_APPROVED: lazy_pgettext("event", "approved the post"),
           ProgrammeEvent.POST_RETURNED: lazy_pgettext("event", "returned the post"),
           ProgrammeEvent.POST_WITHDRAWN: lazy_pgettext("event", "withdrew the post"),
           ProgrammeEvent.APPLIED: lazy_pgettext("event", "applied to the programme"),
           ProgrammeEvent.CHOICES_CHANGED: lazy_pgettext("event", "changed the choices of the application to"),
           ProgrammeEvent.APPLICATION_WITHDRAWN: lazy_pgettext("event", "withdrew the application to"),
           ProgrammeEvent.SHORTLISTED: lazy_pgettext("event", "shortlisted"),
           ProgrammeEvent.INTERVIEW_BOOKED: lazy_pgettext("event", "booked an interview for"),
           ProgrammeEvent.OFFER_MADE: lazy_pgettext("event", "offered a place on"),
           ProgrammeEvent.NOT_CHOSEN: lazy_pgettext("event", "did not choose"),
           ProgrammeEvent.OFFER_ACCEPTED: lazy_pgettext("event", "accepted the offer of"),
           ProgrammeEvent.OFFER_DECLINED: lazy_pgettext("event", "declined the offer of"),
           ProgrammeEvent.PLACED_BY_LEAGUE: lazy_pgettext("event", "placed"),
           ProgrammeEvent.COMMITMENT_SET: lazy_pgettext("event", "set the commitment letter of"),
           ProgrammeEvent.COMMITTED: lazy_pgettext("event", "acknowledged the commitment letter of"),
           ProgrammeEvent.INSURED: lazy_pgettext("event", "confirmed the insurance of"),
           ProgrammeEvent.LOG_WRITTEN: lazy_pgettext("event", "wrote the practice log"),
           ProgrammeEvent.LOG_COMMENTED: lazy_pgettext("event", "commented on the practice log"),
           ProgrammeEvent.EVALUATED: lazy_pgettext("event", "evaluated"),
           ProgrammeEvent.UNIT_SEAL_SET: lazy_pgettext("event", "changed the seal of"),
           ProgrammeEvent.CERTIFYING_STARTED: lazy_pgettext("event", "started issuing the practice certificates of"),
           ProgrammeEvent.QUESTION_ADDED: lazy_pgettext("event", "added to the questionnaire"),
           ProgrammeEvent.QUESTION_WITHDRAWN: lazy_pgettext("event", "withdrew from the questionnaire"),
           ProgrammeEvent.SURVEY_ANSWERED: lazy_pgettext("event", "answered the questionnaire of"),
           ProgrammeEvent.TRAINING_SET_UP: lazy_pgettext("event", "set up the pre-post training of"),
           ProgrammeEvent.BRANCH_CREATED: lazy_pgettext("event", "formed the temporary branch"),
           ProgrammeEvent.BRANCH_JOINED: lazy_pgettext("event", "put in a temporary branch"),
           ProgrammeEvent.SECRETARY_CHOSEN: lazy_pgettext("event", "recorded the secretaries of a branch with")},
    subjects={"practice_programmes": _l("Practice programme"), "practice_host_units": _l("Host unit"),
              "practice_posts": _l("Practice post"), "practice_applications": _l("Practice application"),
              "practice_choices": _l("Choice of a post"), "practice_commitments": _l("Commitment letter"),
              "practice_logs": _l("Practice log"), "practice_evaluations": _l("Evaluation by the unit"),
              "jobs": _l("Background job"), "practice_questions": _l("Question of a questionnaire"),
              "practice_survey_responses": _l("Answers to a questionnaire"),
              "practice_branches": _l("Temporary branch"), "practice_branch_members": _l("Member of a branch")},
    # names are recorded as "title", whose label the log shares
    fields={"season": _l("Season"), "unit_kind": _l("Kind of unit"), "post_kind": _l("Kind of post"),
            "places": _l("Places"), "contact_user_id": _l("Contact person"), "post_id": _l("Practice post"),
            "rank": _l("Rank of the choice"), "interview_at": _l("Interview time"),
            "interview_place": _l("Interview place"), "version": _l("Version of the letter"),
            "insurance": _l("Insurance"), "week_of": _l("Week of"), "photos": _l("Photos"),
            "rating": _l("Rating"), "programme_id": _l("Practice programme"),
            "question_kind": _l("Kind of question"), "prompt": _l("Question"), "days_present": _l("Days present"), "seal_sha256": _l("Seal image"),
            "branch_id": _l("Temporary branch"), "is_secretary": _l("Branch secretary"),
            "application_id": _l("Practice application"), "station_id": _l("Station")},
    values={"practice_programmes": {"state": ProgrammeState, "season": Season},
            "practice_host_units": {"unit_kind": UnitKind},
            "practice_posts": {"state": PostState, "post_kind": PostKind},
            "practice_applications": {"state": StudentApplicationState}, "practice_choices": {"state": PostChoiceState},
            "practice_evaluations": {"rating": PracticeRating},
            "practice_questions": {"question_kind": QuestionKind}},
    references={"contact_user_id": "users", "post_id": "practice_posts", "programme_id": "practice_programmes",
                "branch_id": "practice_branches", "application_id": "practice_applications", "station_id": "stations"},
    hidden=frozenset({"seal_sha256", "withdrawn_choices"}),  # the choices withdrawn by it: for the notices
)
