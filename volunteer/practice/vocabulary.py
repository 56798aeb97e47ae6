"""Practice programmes' closed sets: a programme's states, its season, the event log's actions;
who runs a programme (the league admins over its organisation)."""
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


class Season(Vocabulary):
    SUMMER = "summer", _l("Summer holidays")
    WINTER = "winter", _l("Winter holidays")


ACCESS = {
    "programme.run": ADMINS,  # create a programme and move it through its lifecycle
}


class ProgrammeEvent(Vocabulary):
    CREATED = "programme.created", _l("Programme created")
    TRANSITION = "programme.transition", _l("Programme state changed")


EVENT_LOG = Glossary(
    actions=ProgrammeEvent,
    name=_l("Practice programmes"),
    verbs={ProgrammeEvent.CREATED: lazy_pgettext("event", "set up"),
           ProgrammeEvent.TRANSITION: lazy_pgettext("event", "moved on")},
    subjects={"practice_programmes": _l("Practice programme")},
    fields={"season": _l("Season")},  # its name is recorded as "title", whose label the log shares
    values={"practice_programmes": {"state": ProgrammeState, "season": Season}},
)
