"""A city's summer programme open for applications today, with two host units (one in each town,
each with its contact's account) and their approved posts; helpers that act as a person."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.factories import PASSWORD
from volunteer.accounts.models import User
from volunteer.core.time import local_date, utcnow
from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.practice import services as practice
from volunteer.practice.models import Post, Programme, StudentApplication
from volunteer.practice.vocabulary import PostKind, ProgrammeState, Season, UnitKind

NOW = utcnow().replace(microsecond=0)
TODAY = local_date(NOW)


def user_of(person):
    return db.session.get(User, getattr(person, "user_id", None) or person.id)


def post_data(**changes) -> dict:
    return {"title": "政务服务助理", "post_kind": PostKind.GOVERNMENT, "places": 2, "place_of_work": "甲镇便民服务中心",
            "duties": "协助窗口接待、整理档案", "requirements": "行政管理、法学专业优先", "supervisor_name": "陈主任",
            "supervisor_phone": "13900001111", **changes}


def move(programme_id, *states, at=NOW):
    actor = db.session.get(Programme, programme_id).created_by_id
    for state in states:
        practice.transition_programme(db.session.get(User, actor), db.session.get(Programme, programme_id), state,
                                      now=at)
    db.session.commit()


def unit(app, admin, code, name, phone):
    with app.app_context():
        made = practice.register_unit(user_of(admin), get_by_code(code), {
            "name": name, "unit_kind": UnitKind.GOVERNMENT, "contact_name": f"{name}联系人", "contact_phone": phone,
            "address": "人民路1号"}, now=NOW)
        db.session.commit()
        return SimpleNamespace(id=made.id, user_id=made.contact_user_id, login=phone, password=None)


def with_password(app, person):
    """A unit contact's account with the tests' password, as if they set it by a code."""
    from volunteer.accounts.services import hash_password
    with app.app_context():
        db.session.get(User, person.user_id).password_hash = hash_password(PASSWORD)
        db.session.commit()
    person.password = PASSWORD
    return person


def offered(app, contact, unit_id, programme_id, **changes) -> int:
    with app.app_context():
        post = practice.submit_post(user_of(contact), practice.get_unit_for(user_of(contact), unit_id),
                                    db.session.get(Programme, programme_id), post_data(**changes), now=NOW)
        db.session.commit()
        return post.id


def approve(app, admin, *post_ids):
    with app.app_context():
        for post_id in post_ids:
            practice.decide_post(user_of(admin), db.session.get(Post, post_id), approve=True, now=NOW)
        db.session.commit()


def applied(app, student, programme_id, choices, **changes) -> int:
    with app.app_context():
        made = practice.apply(user_of(student), db.session.get(Programme, programme_id), {
            "school_name": "华东师范大学", "student_number": f"2025{student.id:06d}", "major": "行政管理", "grade": "2025级",
            "hometown": "LX-A-1", "choices": [str(c) for c in choices], **changes}, now=NOW)
        db.session.commit()
        return made.id


def choice_of(application_id, post_id):
    application = db.session.get(StudentApplication, application_id)
    return next(c for c in application.choices if c.post_id == post_id)


@pytest.fixture
def season(app, world):
    """A programme of the city (areas: the whole city) open for applications, units in both towns."""
    with app.app_context():
        programme = practice.create_programme(user_of(world.city_admin), get_by_code("LX"), {
            "name": "2027年暑期返家乡社会实践", "season": Season.SUMMER,
            "applications_open_on": TODAY - timedelta(days=5), "applications_close_on": TODAY + timedelta(days=10),
            "practice_starts_on": TODAY + timedelta(days=20), "practice_ends_on": TODAY + timedelta(days=60),
            "rules": "因需设岗、按岗招人、双向选择"}, now=NOW)
        db.session.commit()
        programme_id = programme.id
        move(programme_id, ProgrammeState.COLLECTING_POSTS)
    town_a = unit(app, world.a_admin, "LX-A", "甲镇人民政府", "15800000001")
    town_b = unit(app, world.b_admin, "LX-B", "乙镇人民政府", "15800000002")
    a1 = offered(app, town_a, town_a.id, programme_id, title="政务服务助理", places=2)
    a2 = offered(app, town_a, town_a.id, programme_id, title="乡村振兴专员", post_kind=PostKind.RURAL, places=1)
    b1 = offered(app, town_b, town_b.id, programme_id, title="社区服务助理", post_kind=PostKind.COMMUNITY, places=1,
                 place_of_work="乙镇社区服务站")
    approve(app, world.city_admin, a1, a2, b1)
    with app.app_context():
        move(programme_id, ProgrammeState.APPLICATIONS_OPEN)
    return SimpleNamespace(programme_id=programme_id, town_a=town_a, town_b=town_b, a1=a1, a2=a2, b1=b1)
