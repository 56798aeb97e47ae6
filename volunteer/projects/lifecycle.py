"""The project lifecycle as one pure table: which transitions exist and who may make them.

No database, no request: ``check_transition`` answers from the states, the caller's relation
to the project and whether the project has an evaluation. The service applies the answer.

Who:
- ``staff``: a manager or league admin whose subtree holds the project's organisation (a league
  admin can do whatever a manager can);
- ``screener``: a league admin whose subtree holds the project's organisation, who did not
  submit it (nobody screens their own proposal).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from flask_babel import lazy_gettext as _l

from volunteer.projects.vocabulary import ProjectState

STAFF = "staff"
SCREENER = "screener"

S = ProjectState

# (from, to) -> (who may, the button's label, whether a comment is required)
TRANSITIONS: dict[tuple[str, str], tuple[str, object, bool]] = {
    (S.DRAFT, S.SUBMITTED): (STAFF, _l("Submit for screening"), False),
    (S.SUBMITTED, S.APPROVED): (SCREENER, _l("Approve"), False),
    (S.SUBMITTED, S.REJECTED): (SCREENER, _l("Reject"), True),
    (S.SUBMITTED, S.DRAFT): (STAFF, _l("Withdraw to draft"), False),
    (S.REJECTED, S.DRAFT): (STAFF, _l("Revise as draft"), False),
    (S.APPROVED, S.RECRUITING): (STAFF, _l("Start recruiting"), False),
    (S.APPROVED, S.RUNNING): (STAFF, _l("Start running"), False),
    (S.RECRUITING, S.RUNNING): (STAFF, _l("Start running"), False),
    (S.RUNNING, S.EVALUATING): (STAFF, _l("Finish and evaluate"), False),
    (S.EVALUATING, S.CLOSED): (STAFF, _l("Close"), False),
    (S.RECRUITING, S.SUSPENDED): (STAFF, _l("Suspend"), True),
    (S.RUNNING, S.SUSPENDED): (STAFF, _l("Suspend"), True),
    (S.SUSPENDED, S.RECRUITING): (STAFF, _l("Resume recruiting"), False),
    (S.SUSPENDED, S.RUNNING): (STAFF, _l("Resume running"), False),
}
for _state in (S.DRAFT, S.SUBMITTED, S.REJECTED, S.APPROVED, S.RECRUITING, S.RUNNING, S.SUSPENDED):
    TRANSITIONS[(_state, S.CANCELLED)] = (STAFF, _l("Cancel project"), True)

TERMINAL = frozenset({S.CLOSED, S.CANCELLED})
# Screening decides a submitted project (who submitted it may not).
SCREENING = frozenset({S.APPROVED, S.REJECTED})


class Verdict(Enum):
    ALLOWED = "allowed"
    IGNORED = "ignored"          # a harmless repeat: already in that state; nothing happens
    INVALID = "invalid"          # no such transition from this state (409 invalid_transition)
    FORBIDDEN = "forbidden"      # exists, but not for this caller (403)
    NEEDS_EVALUATION = "needs_evaluation"  # closing without an evaluation (409)
    NEEDS_COMMENT = "needs_comment"        # rejecting, suspending, cancelling without a reason (422)


@dataclass(frozen=True)
class Caller:
    """What the table needs to know about the caller, computed by the service."""
    is_staff: bool        # manager or admin over the project's organisation
    is_admin: bool        # league admin over the project's organisation
    is_submitter: bool    # submitted the project now being screened

    def plays(self, who: str) -> bool:
        if who == STAFF:
            return self.is_staff
        return self.is_admin and not self.is_submitter


def check_transition(current: str, target: str, caller: Caller, *, has_evaluation: bool,
                     comment: str | None = None) -> Verdict:
    if target not in ProjectState.values():
        return Verdict.INVALID
    if current == target:
        return Verdict.IGNORED
    rule = TRANSITIONS.get((current, target))
    if rule is None:
        return Verdict.INVALID
    who, _label, needs_comment = rule
    if not caller.plays(who):
        return Verdict.FORBIDDEN
    if target == S.CLOSED and not has_evaluation:
        return Verdict.NEEDS_EVALUATION
    if needs_comment and not (comment or "").strip():
        return Verdict.NEEDS_COMMENT
    return Verdict.ALLOWED


def allowed_targets(current: str, caller: Caller) -> list[str]:
    """The states this caller may move the project to now (shown as buttons, listed in the API)."""
    return [to for (frm, to), (who, _l_, _c) in TRANSITIONS.items() if frm == current and caller.plays(who)]


def label_for(current: str, target: str) -> str:
    return str(TRANSITIONS[(current, target)][1])


def needs_comment(current: str, target: str) -> bool:
    return TRANSITIONS[(current, target)][2]


# Moves away from going ahead: their buttons are shown as secondary.
STEPS_BACK = frozenset({S.CANCELLED, S.REJECTED, S.SUSPENDED, S.DRAFT})


@dataclass(frozen=True)
class Move:
    """One transition as the project page offers it."""

    to: str
    label: str
    needs_comment: bool
    asks_confirmation: bool  # cancelling cannot be undone: the button asks first
    steps_back: bool


def moves(current: str, caller: Caller) -> list[Move]:
    return [Move(to=to, label=label_for(current, to), needs_comment=needs_comment(current, to),
                 asks_confirmation=to == S.CANCELLED, steps_back=to in STEPS_BACK)
            for to in allowed_targets(current, caller)]
