"""The lifecycle table on its own (no app, no database): which moves exist, who may make each,
which need a reason, closing needs an evaluation, and how the project page offers them. The
expectations are written out here from DESIGN.md, independently of volunteer/projects/lifecycle.py;
tests/projects/test_lifecycle.py drives the same table through the service and the database."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from volunteer.projects import lifecycle
from volunteer.projects.lifecycle import Caller, Verdict, check_transition
from volunteer.projects.vocabulary import ProjectState

CANCELLABLE = ("draft", "submitted", "rejected", "approved", "recruiting", "running", "suspended")
STAFF_MOVES = {
    ("draft", "submitted"), ("submitted", "draft"), ("rejected", "draft"),
    ("approved", "recruiting"), ("approved", "running"), ("recruiting", "running"),
    ("running", "evaluating"), ("evaluating", "closed"),
    ("recruiting", "suspended"), ("running", "suspended"),
    ("suspended", "recruiting"), ("suspended", "running"),
} | {(state, "cancelled") for state in CANCELLABLE}
SCREENER_MOVES = {("submitted", "approved"), ("submitted", "rejected")}
# Rejecting, suspending and cancelling need a reason; nothing else asks for one.
NEED_A_REASON = {("submitted", "rejected"), ("recruiting", "suspended"), ("running", "suspended")} | {
    (state, "cancelled") for state in CANCELLABLE}
STEPS_BACK = {"draft", "rejected", "suspended", "cancelled"}

MANAGER = Caller(is_staff=True, is_admin=False, is_submitter=False)
SUBMITTING_MANAGER = Caller(is_staff=True, is_admin=False, is_submitter=True)
SCREENER = Caller(is_staff=True, is_admin=True, is_submitter=False)
SUBMITTING_ADMIN = Caller(is_staff=True, is_admin=True, is_submitter=True)
OUTSIDER = Caller(is_staff=False, is_admin=False, is_submitter=False)
CALLERS = {"manager": MANAGER, "submitting manager": SUBMITTING_MANAGER, "screener": SCREENER,
           "submitting admin": SUBMITTING_ADMIN, "outsider": OUTSIDER}
PAIRS = [(current, target) for current in ProjectState for target in ProjectState]


def may(caller: Caller, current: str, target: str) -> bool:
    if (current, target) in STAFF_MOVES:
        return caller.is_staff
    if (current, target) in SCREENER_MOVES:  # nobody screens their own proposal
        return caller.is_admin and not caller.is_submitter
    return False


def expected(caller: Caller, current: str, target: str) -> Verdict:
    if current == target:
        return Verdict.IGNORED
    if (current, target) not in STAFF_MOVES | SCREENER_MOVES:
        return Verdict.INVALID
    return Verdict.ALLOWED if may(caller, current, target) else Verdict.FORBIDDEN


@pytest.mark.parametrize("who", list(CALLERS))
def test_every_move_of_the_table_for_every_caller(who):
    caller = CALLERS[who]
    for current, target in PAIRS:
        verdict = check_transition(current, target, caller, has_evaluation=True, comment="理由")
        assert verdict is expected(caller, current, target), (who, current, target)


@pytest.mark.parametrize("who", list(CALLERS))
def test_the_page_offers_exactly_the_moves_the_caller_may_make(who):
    caller = CALLERS[who]
    for current in ProjectState:
        offered = lifecycle.allowed_targets(current, caller)
        assert sorted(offered) == sorted(t for t in ProjectState if may(caller, current, t)), (who, current)
        assert [move.to for move in lifecycle.moves(current, caller)] == offered


@pytest.mark.parametrize("current, target", sorted(STAFF_MOVES | SCREENER_MOVES))
@pytest.mark.parametrize("comment", [None, "", "   "])
def test_only_rejecting_suspending_and_cancelling_need_a_reason(current, target, comment):
    verdict = check_transition(current, target, SCREENER, has_evaluation=True, comment=comment)
    needed = (current, target) in NEED_A_REASON
    assert verdict is (Verdict.NEEDS_COMMENT if needed else Verdict.ALLOWED)
    assert lifecycle.needs_comment(current, target) is needed
    assert check_transition(current, target, SCREENER, has_evaluation=True, comment=" 理由 ") is Verdict.ALLOWED


def test_a_project_closes_only_with_its_evaluation():
    assert check_transition("evaluating", "closed", MANAGER, has_evaluation=False) is Verdict.NEEDS_EVALUATION
    assert check_transition("evaluating", "closed", MANAGER, has_evaluation=True) is Verdict.ALLOWED
    # an outsider is refused before being told what is missing
    assert check_transition("evaluating", "closed", OUTSIDER, has_evaluation=False) is Verdict.FORBIDDEN
    # the evaluation is asked for closing only
    for current, target in STAFF_MOVES - {("evaluating", "closed")}:
        assert check_transition(current, target, MANAGER, has_evaluation=False,
                                comment="理由") is Verdict.ALLOWED, (current, target)


def test_a_repeat_is_ignored_but_an_unknown_state_is_invalid():
    assert check_transition("running", "running", OUTSIDER, has_evaluation=False) is Verdict.IGNORED
    assert check_transition("running", "archived", MANAGER, has_evaluation=True, comment="x") is Verdict.INVALID
    assert check_transition("archived", "archived", MANAGER, has_evaluation=True) is Verdict.INVALID


def test_nobody_screens_their_own_proposal():
    for target in ("approved", "rejected"):
        assert check_transition("submitted", target, SUBMITTING_ADMIN, has_evaluation=False,
                                comment="理由") is Verdict.FORBIDDEN
        assert check_transition("submitted", target, SCREENER, has_evaluation=False,
                                comment="理由") is Verdict.ALLOWED
    assert lifecycle.SCREENING == {"approved", "rejected"}


@pytest.mark.parametrize("current", ProjectState.values())
def test_the_buttons_say_what_they_do_and_ask_before_cancelling(current):
    moves = lifecycle.moves(current, SCREENER)
    labels = [move.label for move in moves]
    assert len(set(labels)) == len(labels)  # two buttons of one state never read alike
    for move in moves:
        assert move.label == lifecycle.label_for(current, move.to) and move.label.strip()
        assert move.needs_comment is ((current, move.to) in NEED_A_REASON)
        assert move.asks_confirmation is (move.to == "cancelled")  # it cannot be undone
        assert move.steps_back is (move.to in STEPS_BACK)


def test_every_button_reads_in_chinese():
    catalog = Path(__file__).resolve().parents[2] / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    translated = {m.id for m in read_po(catalog.open("rb")) if m.id and m.string and not m.fuzzy}
    labels = {lifecycle.label_for(current, target) for current, target in STAFF_MOVES | SCREENER_MOVES}
    assert labels - translated == set()
