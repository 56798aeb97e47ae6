"""The programmes' pages: a league admin sets one up from the list (errors beside the fields,
nothing made) and moves it on from its page; others do not see the menu entry or the pages."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tests.conftest import csrf_from
from volunteer.extensions import db
from volunteer.practice.models import Programme
from volunteer.practice.vocabulary import ProgrammeState

FORM = {"organisation": "LX-A", "name": "2027年暑期返家乡社会实践", "season": "summer",
        "applications_open_on": "2027-05-10", "applications_close_on": "2027-06-10",
        "practice_starts_on": "2027-07-05", "practice_ends_on": "2027-08-20", "areas": "LX-A-1", "rules": "属地管理"}


def count(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Programme))


def test_a_league_admin_sets_up_a_programme_and_moves_it_on(app, world, signed_in):
    admin = signed_in(world.a_admin)
    page = admin.get("/practice/").get_data(as_text=True)
    assert 'data-testid="no-programmes"' in page and "社会实践" in admin.get("/").get_data(as_text=True)
    wrong = admin.client.post("/practice/", data={**FORM, "csrf_token": csrf_from(page), "practice_ends_on": "2027-07-01",
                                                  "name": ""})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and "请输入名称" in text and "实践结束日期不能早于开始日期" in text
    assert count(app) == 0
    elsewhere = admin.client.post("/practice/", data={**FORM, "csrf_token": csrf_from(page), "organisation": "LX-B"})
    assert elsewhere.status_code == 200 and "请选择组织" in elsewhere.get_data(as_text=True) and count(app) == 0
    choices = re.findall(r'<option value="([^"]+)"', page)
    assert choices[:2] == ["LX-A", "LX-A-1"]  # the town and its village, not only the town
    made = admin.client.post("/practice/", data={**FORM, "csrf_token": csrf_from(page)}, follow_redirects=True)
    text = made.get_data(as_text=True)
    assert "实践项目已创建" in text and "筹备中" in text and "甲村团支部" in text and "暑期" in text
    programme_id = int(re.search(r"/practice/(\d+)/move", text).group(1))
    moved = admin.client.post(f"/practice/{programme_id}/move", data={
        "csrf_token": csrf_from(text), "target": ProgrammeState.COLLECTING_POSTS}, follow_redirects=True)
    assert "实践项目现为：岗位征集中。" in moved.get_data(as_text=True)
    jumped = admin.client.post(f"/practice/{programme_id}/move", data={
        "csrf_token": csrf_from(text), "target": ProgrammeState.CLOSED}, follow_redirects=True)
    assert "不能转到该状态" in jumped.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Programme, programme_id).state == ProgrammeState.COLLECTING_POSTS
    listed = admin.get("/practice/").get_data(as_text=True)
    assert "2027年暑期返家乡社会实践" in listed and "岗位征集中" in listed


def test_others_see_neither_the_menu_nor_the_pages(app, world, signed_in):
    admin = signed_in(world.a_admin)
    page = admin.get("/practice/").get_data(as_text=True)
    admin.client.post("/practice/", data={**FORM, "csrf_token": csrf_from(page)})
    with app.app_context():
        programme_id = db.session.scalar(sa.select(Programme.id))
    for person in (world.a_manager, world.a_volunteer):
        browser = signed_in(person)
        assert 'href="/practice/"' not in browser.get("/").get_data(as_text=True)
        assert browser.get("/practice/").status_code == 403
    other_town = signed_in(world.b_admin)
    assert other_town.get(f"/practice/{programme_id}").status_code == 404
    assert "2027年暑期返家乡社会实践" not in other_town.get("/practice/").get_data(as_text=True)
