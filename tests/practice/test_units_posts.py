"""Host units and posts: a league admin registers a unit under their subtree with its contact's
account (made for a new number, theirs for a known one, told either way); the contact offers posts
to a programme covering the unit, refused field by field, outside its areas and out of stage; the
programme's league admins approve or return them (a reason required), and each side is told."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.practice.conftest import NOW, TODAY, offered, post_data, unit, user_of
from volunteer.accounts.models import User
from volunteer.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from volunteer.core.models import Event
from volunteer.extensions import db
from volunteer.notifications import services as notifications
from volunteer.notifications.models import Notice
from volunteer.notifications.vocabulary import NoticeKind
from volunteer.organisations.services import get_by_code
from volunteer.practice import services as practice
from volunteer.practice.errors import NotInStage, PostNotEditable
from volunteer.practice.models import HostUnit, Post, Programme
from volunteer.practice.vocabulary import PostState, ProgrammeEvent, ProgrammeState, UnitKind


def notices(kind):
    return db.session.scalars(sa.select(Notice).where(Notice.kind == kind).order_by(Notice.id)).all()


def test_a_unit_is_registered_with_its_contacts_account(app, world):
    made = unit(app, world.a_admin, "LX-A-1", "甲村村委会", "15800000009")
    known = unit(app, world.a_admin, "LX-A", "甲镇卫生院", world.a_volunteer.phone)
    with app.app_context():
        contact = db.session.get(User, made.user_id)
        assert contact.phone == "15800000009" and contact.display_name == "甲村村委会联系人" and contact.is_active
        assert known.user_id == world.a_volunteer.user_id  # the volunteer's own account, not a second one
        told = notices(NoticeKind.UNIT_CONTACT)
        assert sorted(n.user_id for n in told) == sorted([made.user_id, known.user_id])
        assert "甲村村委会" in notifications.words_of(told[0])[1] and "忘记密码" in notifications.words_of(told[0])[1]
        event = db.session.scalar(sa.select(Event).where(Event.action == ProgrammeEvent.UNIT_REGISTERED,
                                                         Event.subject_id == made.id))
        assert (event.actor_id, event.after["title"]) == (world.a_admin.id, "甲村村委会")
        assert [u.name for u in db.session.scalars(practice.units_in_scope(user_of(world.a_admin)))] == [
            "甲镇卫生院", "甲村村委会"]
        assert db.session.scalars(practice.units_in_scope(user_of(world.b_admin))).all() == []


def test_registering_a_unit_refuses_bad_input_and_other_towns(app, world):
    with app.app_context():
        with pytest.raises(ValidationFailed) as bad:
            practice.register_unit(user_of(world.a_admin), get_by_code("LX-A"), {
                "name": "", "unit_kind": "bank", "contact_name": "", "contact_phone": "12345"}, now=NOW)
        assert set(bad.value.fields) == {"name", "unit_kind", "contact_name"}
        with pytest.raises(ValidationFailed) as phone:
            practice.register_unit(user_of(world.a_admin), get_by_code("LX-A"), {
                "name": "甲镇政府", "unit_kind": UnitKind.GOVERNMENT, "contact_name": "陈", "contact_phone": "12345"},
                now=NOW)
        assert set(phone.value.fields) == {"contact_phone"} and "11" in str(phone.value.fields["contact_phone"][0])
        with pytest.raises(ValidationFailed):  # NUL in text: PostgreSQL would refuse it, so it is never stored
            practice.register_unit(user_of(world.a_admin), get_by_code("LX-A"), {
                "name": "甲\x00镇", "unit_kind": UnitKind.GOVERNMENT, "contact_name": "陈", "contact_phone": "15800000003"},
                now=NOW)
        with pytest.raises(NotFound):
            practice.register_unit(user_of(world.b_admin), get_by_code("LX-A"), {}, now=NOW)
        with pytest.raises(Forbidden):
            practice.register_unit(user_of(world.a_manager), get_by_code("LX-A"), {}, now=NOW)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(HostUnit)) == 0
        assert db.session.scalar(sa.select(User.id).where(User.phone == "15800000003")) is None
    unit(app, world.a_admin, "LX-A", "甲镇政府", "15800000004")
    with app.app_context():
        with pytest.raises(ValidationFailed) as twice:
            practice.register_unit(user_of(world.a_admin), get_by_code("LX-A"), {
                "name": "甲镇政府", "unit_kind": UnitKind.GOVERNMENT, "contact_name": "陈", "contact_phone": "15800000005"},
                now=NOW)
        assert "已登记" in str(twice.value.fields["name"][0])


def test_posts_are_offered_and_decided(app, world, season):
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        assert [p.title for p in practice.posts_of_unit(db.session.get(HostUnit, season.town_a.id))] == [
            "乡村振兴专员", "政务服务助理"]
        waiting = notices(NoticeKind.POST_WAITING)
        assert {n.user_id for n in waiting} == {world.city_admin.id}  # the programme's league admins
        assert "乙镇人民政府" in notifications.words_of(waiting[-1])[1]
        unit_a = practice.get_unit_for(user_of(season.town_a), season.town_a.id)
        post = practice.submit_post(user_of(season.town_a), unit_a, programme, post_data(title="档案整理"), now=NOW)
        db.session.commit()
        with pytest.raises(NotFound):  # the unit's contact does not decide its own post (no role: not the league's)
            practice.decide_post(user_of(season.town_a), post, approve=True, now=NOW)
        with pytest.raises(ValidationFailed) as no_reason:
            practice.decide_post(user_of(world.city_admin), post, approve=False, reason=" ", now=NOW)
        assert "reason" in no_reason.value.fields
        practice.decide_post(user_of(world.city_admin), post, approve=False, reason="请写明每日工作时间", now=NOW)
        db.session.commit()
        assert (post.state, post.return_reason) == (PostState.RETURNED, "请写明每日工作时间")
        told = notices(NoticeKind.POST_DECIDED)[-1]
        assert told.user_id == season.town_a.user_id and "请写明每日工作时间" in notifications.words_of(told)[1]
        practice.edit_post(user_of(season.town_a), post, post_data(title="档案整理", duties="每日9:00-17:00整理档案"),
                           now=NOW)
        db.session.commit()
        assert (post.state, post.return_reason, post.duties) == (PostState.SUBMITTED, None, "每日9:00-17:00整理档案")
        practice.decide_post(user_of(world.city_admin), post, approve=True, now=NOW)
        db.session.commit()
        assert post.state == PostState.APPROVED and post.is_offered
        with pytest.raises(PostNotEditable):
            practice.edit_post(user_of(season.town_a), post, post_data(), now=NOW)
        with pytest.raises(Conflict):  # decided once
            practice.decide_post(user_of(world.city_admin), post, approve=False, reason="x", now=NOW)


def test_bad_posts_are_refused_field_by_field(app, world, season):
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        unit_a = practice.get_unit_for(user_of(season.town_a), season.town_a.id)
        with pytest.raises(ValidationFailed) as bad:
            practice.submit_post(user_of(season.town_a), unit_a, programme, post_data(
                title="", post_kind="farming", places="0", duties="", supervisor_name="", place_of_work="",
                starts_on=str(TODAY), ends_on="2099-01-01"), now=NOW)
        assert set(bad.value.fields) == {"title", "post_kind", "places", "duties", "supervisor_name", "place_of_work",
                                         "starts_on", "ends_on"}
        assert str(programme.practice_starts_on) in str(bad.value.fields["starts_on"][0])
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 3


def test_posts_only_from_units_the_programme_covers_and_while_it_takes_them(app, world, season, factory):
    factory.org("QT", "邻市团委", kind="city")
    outside_admin = factory.staff("league_admin", "QT")
    elsewhere = unit(app, outside_admin, "QT", "邻市企业", "15800000007")
    with app.app_context():
        programme = db.session.get(Programme, season.programme_id)
        with pytest.raises(Forbidden):
            practice.submit_post(user_of(elsewhere), practice.get_unit_for(user_of(elsewhere), elsewhere.id), programme,
                                 post_data(), now=NOW)
        assert practice.programmes_open_to(db.session.get(HostUnit, elsewhere.id)) == []
        assert [p.id for p in practice.programmes_open_to(db.session.get(HostUnit, season.town_b.id))] == [programme.id]
        with pytest.raises(NotFound):  # one unit's contact does not see another's unit or posts
            practice.get_unit_for(user_of(season.town_b), season.town_a.id)
        with pytest.raises(NotFound):
            practice.get_post_for(user_of(season.town_b), season.a1)
        with pytest.raises(NotFound):
            practice.get_post_for(user_of(world.b_admin), season.a1)
        assert practice.get_post_for(user_of(world.a_admin), season.a1).id == season.a1
        practice.transition_programme(user_of(world.city_admin), programme, ProgrammeState.MATCHING, now=NOW)
        db.session.commit()
        with pytest.raises(NotInStage):
            practice.submit_post(user_of(season.town_a), practice.get_unit_for(user_of(season.town_a), season.town_a.id),
                                 programme, post_data(), now=NOW)


def test_a_post_nobody_accepted_is_withdrawn(app, world, season):
    extra = offered(app, season.town_a, season.town_a.id, season.programme_id, title="临时岗位")
    with app.app_context():
        post = db.session.get(Post, extra)
        practice.withdraw_post(user_of(season.town_a), post, now=NOW)
        db.session.commit()
        assert post.state == PostState.WITHDRAWN
        with pytest.raises(NotFound):
            practice.withdraw_post(user_of(season.town_b), db.session.get(Post, season.a1), now=NOW)
