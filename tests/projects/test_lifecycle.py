"""The whole transition table × roles: every allowed transition works and logs; every other is
refused with invalid_transition, 403 or 404, and changes nothing."""
import pytest
import sqlalchemy as sa

from volunteer.accounts.models import User
from volunteer.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.projects import services
from volunteer.projects.models import Evaluation, Project, ProjectTransition
from volunteer.projects.vocabulary import ProjectState

# The lifecycle of the issue, written out independently of volunteer/projects/lifecycle.py.
STAFF_MOVES = {
    ("draft", "submitted"), ("submitted", "draft"), ("rejected", "draft"),
    ("approved", "recruiting"), ("approved", "running"), ("recruiting", "running"),
    ("running", "evaluating"), ("evaluating", "closed"),
    ("recruiting", "suspended"), ("running", "suspended"),
    ("suspended", "recruiting"), ("suspended", "running"),
} | {(s, "cancelled") for s in ("draft", "submitted", "rejected", "approved", "recruiting", "running", "suspended")}
SCREENER_MOVES = {("submitted", "approved"), ("submitted", "rejected")}

# role -> (is staff over town A's project, is a screener of it). The project was submitted by
# a_manager; b_admin and a_volunteer have no role over it.
ROLES = {"a_manager": (True, False), "a_admin": (True, True), "city_admin": (True, True),
         "b_admin": (False, False), "a_volunteer": (False, False)}


def expected(role: str, current: str, target: str) -> str:
    staff, screener = ROLES[role]
    if not staff:  # outsiders learn nothing of drafts and may change nothing, not even by a repeat
        return "forbidden" if current in ("recruiting", "running") else "not_found"
    if current == target:
        return "ignored"
    if (current, target) in STAFF_MOVES:
        return "ok" if staff else "forbidden"
    if (current, target) in SCREENER_MOVES:
        return "ok" if screener else "forbidden"
    return "invalid"


def attempt(actor, project, target) -> str:
    try:
        before = project.state
        services.transition_project(actor, project, target, comment="理由", now=utcnow())
        return "ignored" if project.state == before == target else "ok"
    except NotFound:
        return "not_found"
    except Forbidden:
        return "forbidden"
    except Conflict as exc:
        return "invalid" if exc.code == "invalid_transition" else exc.code
    except ValidationFailed:
        return "needs_comment"


@pytest.mark.parametrize("current", list(ProjectState))
@pytest.mark.parametrize("role", list(ROLES))
def test_transition_table(app, world, make_project, role, current):
    project_id = make_project(world, state=current).id
    person = getattr(world, role)
    with app.app_context():
        if current == "evaluating":
            db.session.add(Evaluation(project_id=project_id, beneficiaries_served=10, outcomes="好",
                                      rating=4, summary="好", computed={}))
            db.session.commit()
        with app.test_request_context():
            from flask_login import login_user
            actor = db.session.get(User, person.user_id if role == "a_volunteer" else person.id)
            login_user(actor)
            offered = set(services.allowed_transitions(actor, db.session.get(Project, project_id)))
        assert offered == {t for t in ProjectState if expected(role, current, t) == "ok"}
        for target in ProjectState:
            db.session.execute(sa.update(Project).where(Project.id == project_id).values(state=current))
            db.session.commit()
            events = db.session.scalar(sa.select(sa.func.count(Event.id)))
            history = db.session.scalar(sa.select(sa.func.count(ProjectTransition.id)))
            actor = db.session.get(User, person.user_id if role == "a_volunteer" else person.id)
            project = db.session.get(Project, project_id)
            outcome = attempt(actor, project, target)
            assert outcome == expected(role, current, target), (role, current, target)
            if outcome == "ok":
                db.session.commit()
                assert db.session.get(Project, project_id).state == target
                event = db.session.scalar(sa.select(Event).order_by(Event.id.desc()))
                assert (event.action, event.before, event.after, event.actor_id) == (
                    "project.transition", {"state": current}, {"state": target}, actor.id)
                row = db.session.scalar(sa.select(ProjectTransition).order_by(ProjectTransition.id.desc()))
                assert (row.from_state, row.to_state, row.comment) == (current, target, "理由")
            else:
                db.session.rollback()
                assert db.session.get(Project, project_id).state == current
                assert db.session.scalar(sa.select(sa.func.count(Event.id))) == events
                assert db.session.scalar(sa.select(sa.func.count(ProjectTransition.id))) == history
            db.session.rollback()


@pytest.mark.parametrize("current, target", [("submitted", "rejected"), ("running", "suspended"),
                                             ("draft", "cancelled")])
def test_refusing_moves_need_a_reason(app, world, make_project, current, target):
    project_id = make_project(world, state=current).id
    with app.app_context():
        admin = db.session.get(User, world.a_admin.id)
        with pytest.raises(ValidationFailed) as info:
            services.transition_project(admin, db.session.get(Project, project_id), target, comment="  ", now=utcnow())
        assert "comment" in info.value.fields
        db.session.rollback()
        assert db.session.get(Project, project_id).state == current
