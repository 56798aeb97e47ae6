"""Practice programmes: a league admin sets one up for their organisation with clear refusals of
bad input, walks it through its lifecycle one step at a time (refused out of order, by other
roles and outside their scope), and sees only their subtree's programmes."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from volunteer.accounts.models import User
from volunteer.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.practice import lifecycle
from volunteer.practice import services as practice
from volunteer.practice.models import Programme
from volunteer.practice.vocabulary import ProgrammeEvent, ProgrammeState, Season

S = ProgrammeState
SUMMER = {"name": "2027年暑期返家乡社会实践", "season": Season.SUMMER, "applications_open_on": "2027-05-10",
          "applications_close_on": "2027-06-10", "practice_starts_on": "2027-07-05", "practice_ends_on": "2027-08-20",
          "rules": "因需设岗、按岗招人、双向选择、属地管理、就近就便"}
WALK = [S.COLLECTING_POSTS, S.APPLICATIONS_OPEN, S.MATCHING, S.APPLICATIONS_OPEN, S.MATCHING, S.RUNNING,
        S.EVALUATING, S.CLOSED]


def user(person):
    return db.session.get(User, person.id)


def made(app, person, code, **changes):
    with app.app_context():
        programme = practice.create_programme(user(person), get_by_code(code), {**SUMMER, **changes}, now=utcnow())
        db.session.commit()
        return programme.id


def test_a_league_admin_sets_up_a_programme_for_their_subtree(app, world):
    programme_id = made(app, world.a_admin, "LX-A", areas=["LX-A-1"])
    whole_town = made(app, world.a_admin, "LX-A")
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        assert (programme.state, programme.organisation.code, [o.code for o in programme.areas]) == (
            S.DRAFT, "LX-A", ["LX-A-1"])
        assert (programme.applications_open_on, programme.practice_ends_on) == (date(2027, 5, 10), date(2027, 8, 20))
        assert [o.code for o in db.session.get(Programme, whole_town).areas] == ["LX-A"]
        created = db.session.scalar(sa.select(Event).where(Event.action == ProgrammeEvent.CREATED).order_by(Event.id))
        assert (created.actor_id, created.subject_id) == (world.a_admin.id, programme_id)


def test_bad_input_is_refused_field_by_field_and_changes_nothing(app, world):
    with app.app_context():
        with pytest.raises(ValidationFailed) as bad:
            practice.create_programme(user(world.a_admin), get_by_code("LX-A"), {
                **SUMMER, "name": " ", "season": "spring", "applications_open_on": "2027-06-11",
                "practice_ends_on": "2027-07-01", "rules": "规" * 5001, "areas": ["LX-B-1"]}, now=utcnow())
        assert set(bad.value.fields) == {"name", "season", "applications_close_on", "practice_ends_on", "rules", "areas"}
        with pytest.raises(ValidationFailed) as early:
            practice.create_programme(user(world.a_admin), get_by_code("LX-A"), {
                **SUMMER, "practice_starts_on": "2027-06-01", "applications_open_on": "五月"}, now=utcnow())
        assert set(early.value.fields) == {"applications_open_on", "practice_starts_on"}
        assert "2027-07-01" in str(early.value.fields["applications_open_on"][0])
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 0


def test_only_league_admins_over_the_organisation_run_it(app, world):
    with app.app_context():
        with pytest.raises(Forbidden):  # a manager of the town sees it, but runs no programme
            practice.create_programme(user(world.a_manager), get_by_code("LX-A"), SUMMER, now=utcnow())
        with pytest.raises(NotFound):  # another town's admin does not see the town at all
            practice.create_programme(user(world.b_admin), get_by_code("LX-A"), SUMMER, now=utcnow())
    town, city = made(app, world.a_admin, "LX-A"), made(app, world.city_admin, "LX")
    with app.app_context():
        with pytest.raises(NotFound):
            practice.get_programme_for(user(world.b_admin), town)
        with pytest.raises(NotFound):  # the town's admin does not run the city's
            practice.get_programme_for(user(world.a_admin), city)
        with pytest.raises(Forbidden):
            practice.transition_programme(user(world.a_manager), db.session.get(Programme, town), S.COLLECTING_POSTS,
                                          now=utcnow())
        assert db.session.scalars(practice.programmes_of(user(world.a_admin))).all() == [db.session.get(Programme, town)]
        assert db.session.scalars(practice.programmes_of(user(world.b_admin))).all() == []
        assert {p.id for p in db.session.scalars(practice.programmes_of(user(world.city_admin)))} == {town, city}
        assert db.session.scalars(practice.programmes_of(db.session.get(User, world.a_volunteer.user_id))).all() == []


def test_the_lifecycle_is_walked_one_step_at_a_time(app, world):
    programme_id = made(app, world.a_admin, "LX-A")
    with app.app_context():
        admin = user(world.a_admin)
        programme = practice.get_programme_for(admin, programme_id)
        with pytest.raises(DomainError) as jump:
            practice.transition_programme(admin, programme, S.RUNNING, now=utcnow())
        assert jump.value.code == "invalid_transition" and "筹备中" in str(jump.value.message)
        with pytest.raises(DomainError):
            practice.transition_programme(admin, programme, "nonsense", now=utcnow())
        for target in WALK:
            practice.transition_programme(admin, programme, target, now=utcnow())
            db.session.commit()
            assert db.session.get(Programme, programme_id).state == target
        practice.transition_programme(admin, programme, S.CLOSED, now=utcnow())  # a repeat: nothing happens
        assert lifecycle.next_moves(S.CLOSED) == []
        moves = db.session.scalars(sa.select(Event).where(Event.action == ProgrammeEvent.TRANSITION)
                                   .order_by(Event.id)).all()
        assert [(e.before["state"], e.after["state"]) for e in moves] == list(zip([S.DRAFT, *WALK], WALK, strict=False))


def test_two_moves_at_once_make_one(app, world):
    programme_id = made(app, world.a_admin, "LX-A")
    with app.app_context():
        admin = user(world.a_admin)
        seen = practice.get_programme_for(admin, programme_id)  # as one admin's page saw it
        db.session.execute(sa.update(Programme).where(Programme.id == programme_id)
                           .values(state=S.COLLECTING_POSTS)
                           .execution_options(synchronize_session=False))  # another admin moved it meanwhile
        with pytest.raises(DomainError) as late:
            practice.transition_programme(admin, seen, S.COLLECTING_POSTS, now=utcnow())
        assert late.value.code == "invalid_transition"


def test_every_state_leads_on_to_closed():
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        for to, label in lifecycle.next_moves(frontier.pop()):
            assert str(label)
            if to not in reached:
                reached.add(to)
                frontier.append(to)
    assert reached == set(ProgrammeState)
    assert all(lifecycle.next_moves(state) for state in ProgrammeState if state != S.CLOSED)
    # the button shown first (the primary one) is the step on, never the step back
    assert lifecycle.next_moves(S.MATCHING)[0][0] == S.RUNNING


def test_the_demo_has_a_programme_in_selection_a_summer_one_collecting_posts_and_one_closed(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--volunteers", "40"]).exit_code == 0
    with app.app_context():
        closed, matching, collecting = db.session.scalars(sa.select(Programme).order_by(Programme.id)).all()
        assert closed.state == S.CLOSED and closed.practice_ends_on < date.today()
        assert (collecting.state, collecting.season, collecting.organisation.code) == (
            S.COLLECTING_POSTS, Season.SUMMER, "LX")
        assert len(collecting.areas) == 3
        assert matching.state == S.MATCHING and matching.practice_starts_on > date.today()
