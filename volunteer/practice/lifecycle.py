"""A programme's lifecycle as one pure table: which moves exist, each one step on (or back to
taking applications from matching), all made by the league admins who run it. No database."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.practice.vocabulary import ProgrammeState

S = ProgrammeState

# (from, to) -> the button's label
TRANSITIONS: dict[tuple[str, str], object] = {
    (S.DRAFT, S.COLLECTING_POSTS): _l("Start collecting posts"),
    (S.COLLECTING_POSTS, S.APPLICATIONS_OPEN): _l("Open applications"),
    (S.APPLICATIONS_OPEN, S.MATCHING): _l("Close applications and match"),
    (S.MATCHING, S.RUNNING): _l("Start the practice"),
    (S.MATCHING, S.APPLICATIONS_OPEN): _l("Reopen applications"),  # a step back, after the step on
    (S.RUNNING, S.EVALUATING): _l("End the practice and evaluate"),
    (S.EVALUATING, S.CLOSED): _l("Close the programme"),
}


def next_moves(state: str) -> list[tuple[str, object]]:
    """The states a programme in ``state`` may move to, with their buttons' labels, in order."""
    return [(to, label) for (was, to), label in TRANSITIONS.items() if was == state]


def allows(current: str, target: str) -> bool:
    return (current, target) in TRANSITIONS
