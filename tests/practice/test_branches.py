"""The temporary branches (临时团支部): the league forms them once students are placed and puts each
placed student in one (two admins at once leave one membership); the secretaries the branch
elected are recorded, told, and see its members' attendance; the other members see the branch
only; nobody else sees it. The pages do the same."""
from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from tests.practice.conftest import NOW, applied, move, user_of
from tests.practice.test_at_post import AT_POST, place
from volunteer.checkin import services as checkin
from volunteer.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from volunteer.core.time import DEFAULT_ZONE
from volunteer.extensions import db
from volunteer.notifications.models import Notice
from volunteer.notifications.vocabulary import NoticeKind
from volunteer.practice import services as practice
from volunteer.practice.branches import Branch, BranchMember
from volunteer.practice.models import HostUnit, Programme, StudentApplication
from volunteer.practice.vocabulary import ProgrammeState
from volunteer.stations import codes
from volunteer.stations.models import Station


@pytest.fixture
def placed(app, world, season):
    season.first, season.second = place(app, season, (world.a_volunteer, season.a1), (world.b_volunteer, season.b1))
    return season


def programme_of(season) -> Programme:
    return db.session.get(Programme, season.programme_id)


def notices(person, kind) -> list[Notice]:
    return db.session.scalars(sa.select(Notice).where(Notice.user_id == user_of(person).id, Notice.kind == kind)).all()


def test_a_branch_is_formed_once_students_are_placed_with_a_name_of_its_own(app, world, season):
    applied(app, world.a_volunteer, season.programme_id, [season.a1])
    admin = None
    with app.app_context():
        admin = user_of(world.city_admin)
        with pytest.raises(Conflict):  # still taking applications
            practice.form_branch(admin, programme_of(season), "青山支部", now=NOW)
        move(season.programme_id, ProgrammeState.MATCHING)
        for name in ("", "   ", "支" * 81, "有\x00字"):
            with pytest.raises(ValidationFailed) as refused:
                practice.form_branch(admin, programme_of(season), name, now=NOW)
            assert "name" in refused.value.fields
        branch = practice.form_branch(admin, programme_of(season), "甲镇临时团支部", now=NOW)
        db.session.commit()
        with pytest.raises(ValidationFailed) as twice:
            practice.form_branch(admin, programme_of(season), "甲镇临时团支部", now=NOW)
        assert "name" in twice.value.fields
        db.session.rollback()
        with pytest.raises((Forbidden, NotFound)):
            practice.form_branch(user_of(world.b_admin), programme_of(season), "乙镇支部", now=NOW)
        with pytest.raises((Forbidden, NotFound)):
            practice.get_branch_for(user_of(world.b_admin), branch.id)
        assert [b.name for b in practice.branches_of(programme_of(season))] == ["甲镇临时团支部"]


def test_students_are_put_in_one_branch_and_moved_and_their_secretary_sees_the_attendance(app, world, placed):
    with app.app_context():
        move(placed.programme_id, ProgrammeState.RUNNING)
        admin = user_of(world.city_admin)
        first = practice.form_branch(admin, programme_of(placed), "第一支部", now=NOW)
        second = practice.form_branch(admin, programme_of(placed), "第二支部", now=NOW).id
        with pytest.raises(ValidationFailed):
            practice.put_in_branch(admin, first, [], now=NOW)
        with pytest.raises(ValidationFailed):
            practice.put_in_branch(admin, first, [placed.first, 999999], now=NOW)
        practice.put_in_branch(admin, first, [placed.first, placed.second], now=NOW)
        member = practice.membership_of(db.session.get(StudentApplication, placed.first))
        practice.set_secretary(admin, member, True, now=NOW)
        db.session.commit()
        assert len(notices(world.a_volunteer, NoticeKind.BRANCH_JOINED)) == 1
        assert len(notices(world.a_volunteer, NoticeKind.BRANCH_SECRETARY)) == 1
        assert practice.unbranched(programme_of(placed)) == []
        # the same again changes nothing and tells nobody twice
        assert practice.put_in_branch(admin, first, [placed.first], now=NOW) == []
        practice.set_secretary(admin, member, True, now=NOW)
        db.session.commit()
        assert len(notices(world.a_volunteer, NoticeKind.BRANCH_SECRETARY)) == 1
    with app.app_context():
        unit = db.session.get(HostUnit, placed.town_b.id)
        text = codes.make_code(db.session.get(Station, unit.station_id), codes.STATIC, None)
        morning = datetime.combine(AT_POST.date(), time(9, 0), tzinfo=DEFAULT_ZONE)
        checkin.scan_station_code(user_of(world.b_volunteer), text, now=morning)
        db.session.commit()
        secretary_app = db.session.get(StudentApplication, placed.first)
        branch, me, attendance = practice.my_branch(user_of(world.a_volunteer), secretary_app)
        assert branch.name == "第一支部" and me.is_secretary
        assert attendance[placed.second].days == 1 and attendance[placed.first].days == 0
        _branch, _me, hidden = practice.my_branch(user_of(world.b_volunteer),
                                                  db.session.get(StudentApplication, placed.second))
        assert hidden is None  # a member who is not a secretary sees the branch, not the attendance
        with pytest.raises(NotFound):
            practice.my_branch(user_of(world.b_volunteer), secretary_app)
        # moved to the other branch: a secretary no longer
        practice.put_in_branch(user_of(world.city_admin), db.session.get(Branch, second), [placed.first], now=NOW)
        db.session.commit()
        moved = practice.membership_of(secretary_app)
        assert moved.branch_id == second and not moved.is_secretary
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BranchMember)) == 2


def test_two_admins_putting_a_student_in_two_branches_at_once_leave_one_membership(app, world, placed):
    with app.app_context():
        move(placed.programme_id, ProgrammeState.RUNNING)
        admin = user_of(world.city_admin)
        ids = [practice.form_branch(admin, programme_of(placed), name, now=NOW).id for name in ("甲支部", "乙支部")]
        db.session.commit()
    gate, answers = threading.Barrier(2), []

    def put(branch_id):
        with app.app_context():
            gate.wait()
            try:
                practice.put_in_branch(user_of(world.city_admin), db.session.get(Branch, branch_id), [placed.first],
                                       now=NOW + timedelta(seconds=1))
                db.session.commit()
                answers.append("done")
            except DomainError as refused:
                db.session.rollback()
                answers.append(type(refused).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=put, args=(branch_id,)) for branch_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        members = db.session.scalars(sa.select(BranchMember).where(BranchMember.application_id == placed.first)).all()
        assert len(members) == 1 and members[0].branch_id in ids
        assert set(answers) <= {"done", "Conflict"} and "done" in answers


def test_the_branch_pages_for_the_league_the_secretary_and_a_member(app, world, placed, signed_in):
    with app.app_context():
        move(placed.programme_id, ProgrammeState.RUNNING)
    city = signed_in(world.city_admin)
    url = f"/practice/{placed.programme_id}/branches"
    assert 'data-testid="no-branches"' in city.get(url).get_data(as_text=True)
    assert city.post_form(url, {"name": "临溪返家乡临时团支部"}, form_url=url).status_code == 302
    with app.app_context():
        branch_id = db.session.scalar(sa.select(Branch.id))
    moved = city.post_form(f"/practice/branches/{branch_id}/members",
                           {"application_ids": [str(placed.first), str(placed.second)]}, form_url=url)
    assert moved.status_code == 302
    with app.app_context():
        member_id = practice.membership_of(db.session.get(StudentApplication, placed.first)).id
    city.post_form(f"/practice/branch-members/{member_id}/secretary", {"secretary": "1"}, form_url=url)
    page = city.get(url).get_data(as_text=True)
    assert page.count('data-testid="branch-member"') == 2 and page.count('data-testid="secretary"') == 1
    secretary = signed_in(world.a_volunteer)
    assert 'data-testid="branch-link"' in secretary.get(f"/practice/mine/{placed.first}").get_data(as_text=True)
    mine = secretary.get(f"/practice/mine/{placed.first}/branch").get_data(as_text=True)
    assert mine.count('data-testid="member-attendance"') == 2 and "临溪返家乡临时团支部" in mine
    member = signed_in(world.b_volunteer).get(f"/practice/mine/{placed.second}/branch").get_data(as_text=True)
    assert 'data-testid="branch-attendance"' not in member and world.a_volunteer.name in member
    assert signed_in(world.b_volunteer).get(f"/practice/mine/{placed.first}/branch").status_code == 404
    assert signed_in(world.b_admin).get(url).status_code == 404
