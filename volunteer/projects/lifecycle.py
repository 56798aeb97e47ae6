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

STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted for screening"),
    "approved": _l("Approved"),
    "recruiting": _l("Recruiting"),
    "running": _l("Running"),
    "evaluating": _l("Evaluating"),
    "closed": _l("Closed"),
    "rejected": _l("Rejected"),
    "suspended": _l("Suspended"),
    "cancelled": _l("Cancelled"),
}

STAFF = "staff"
SCREENER = "screener"

# (from, to) -> (who may, the button's label, whether a comment is required)
TRANSITIONS: dict[tuple[str, str], tuple[str, object, bool]] = {
    ("draft", "submitted"): (STAFF, _l("Submit for screening"), False),
    ("submitted", "approved"): (SCREENER, _l("Approve"), False),
    ("submitted", "rejected"): (SCREENER, _l("Reject"), True),
    ("submitted", "draft"): (STAFF, _l("Withdraw to draft"), False),
    ("rejected", "draft"): (STAFF, _l("Revise as draft"), False),
    ("approved", "recruiting"): (STAFF, _l("Start recruiting"), False),
    ("approved", "running"): (STAFF, _l("Start running"), False),
    ("recruiting", "running"): (STAFF, _l("Start running"), False),
    ("running", "evaluating"): (STAFF, _l("Finish and evaluate"), False),
    ("evaluating", "closed"): (STAFF, _l("Close"), False),
    ("recruiting", "suspended"): (STAFF, _l("Suspend"), True),
    ("running", "suspended"): (STAFF, _l("Suspend"), True),
    ("suspended", "recruiting"): (STAFF, _l("Resume recruiting"), False),
    ("suspended", "running"): (STAFF, _l("Resume running"), False),
}
for _state in ("draft", "submitted", "rejected", "approved", "recruiting", "running", "suspended"):
    TRANSITIONS[(_state, "cancelled")] = (STAFF, _l("Cancel project"), True)

TERMINAL = frozenset({"closed", "cancelled"})


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
    if target not in STATES:
        return Verdict.INVALID
    if current == target:
        return Verdict.IGNORED
    rule = TRANSITIONS.get((current, target))
    if rule is None:
        return Verdict.INVALID
    who, _label, needs_comment = rule
    if not caller.plays(who):
        return Verdict.FORBIDDEN
    if target == "closed" and not has_evaluation:
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
