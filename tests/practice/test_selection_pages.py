"""The pages of host units and two-way selection: a league admin registers a unit and decides its
posts; the unit's contact, signed in with their number, offers a post and moves an applicant on;
a student applies with ranked choices and accepts the offer; nobody else sees these pages."""
from __future__ import annotations

import re
import shutil
import subprocess

import sqlalchemy as sa

from tests.conftest import csrf_from, require_tool
from tests.practice.conftest import applied, move, with_password
from volunteer.extensions import db
from volunteer.practice.models import HostUnit, Post, PostChoice, StudentApplication
from volunteer.practice.vocabulary import PostChoiceState, PostState, ProgrammeState, StudentApplicationState


def test_a_league_admin_registers_a_unit_and_decides_posts(app, world, season, signed_in):
    admin = signed_in(world.a_admin)
    page = admin.get("/practice/units").get_data(as_text=True)
    assert "甲镇人民政府" in page and "乙镇人民政府" not in page  # their own town's units only
    wrong = admin.client.post("/practice/units", data={"csrf_token": csrf_from(page), "organisation": "LX-A",
                                                       "name": "", "unit_kind": "enterprise", "contact_name": "李",
                                                       "contact_phone": "123"})
    assert wrong.status_code == 200 and "请输入单位名称" in wrong.get_data(as_text=True)
    done = admin.client.post("/practice/units", data={"csrf_token": csrf_from(page), "organisation": "LX-A-1",
                                                      "name": "甲村合作社", "unit_kind": "enterprise",
                                                      "contact_name": "李社长", "contact_phone": "15800000011"},
                             follow_redirects=True).get_data(as_text=True)
    assert "甲村合作社 已登记" in done and "158****0011" in done
    city = signed_in(world.city_admin)
    with app.app_context():
        post = db.session.get(Post, season.a1)
        post.state = PostState.SUBMITTED
        db.session.commit()
    listed = city.get(f"/practice/{season.programme_id}/posts").get_data(as_text=True)
    assert "政务服务助理" in listed and f'data-testid="approve-{season.a1}"' in listed
    city.client.post(f"/practice/posts/{season.a1}/decide", data={"csrf_token": csrf_from(listed),
                                                                  "decision": "send_back", "reason": ""})
    with app.app_context():
        assert db.session.get(Post, season.a1).state == PostState.SUBMITTED  # no reason: nothing changed
    city.client.post(f"/practice/posts/{season.a1}/decide", data={"csrf_token": csrf_from(listed),
                                                                  "decision": "send_back", "reason": "请补充工作时间"})
    with app.app_context():
        assert db.session.get(Post, season.a1).return_reason == "请补充工作时间"
    assert signed_in(world.b_admin).get(f"/practice/{season.programme_id}/posts").status_code == 404


def pdf_text(pdf: bytes, tmp_path) -> str:
    require_tool(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "filing.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_student_applies_the_unit_offers_and_the_student_accepts(app, world, season, signed_in, tmp_path):
    student = signed_in(world.a_volunteer)
    mine = student.get("/practice/mine").get_data(as_text=True)
    assert "2027年暑期返家乡社会实践" in mine and 'data-testid="no-applications"' in mine
    form = student.get(f"/practice/{season.programme_id}/apply").get_data(as_text=True)
    assert "乡村振兴专员" in form and "社区服务助理" in form
    filtered = student.get(f"/practice/{season.programme_id}/apply?kind=rural_revitalisation").get_data(as_text=True)
    assert filtered.count('data-testid="offered-post"') == 1
    fields = {"csrf_token": csrf_from(form), "school_name": "华东师范大学", "student_number": "10245", "major": "行政管理",
              "grade": "大三", "hometown": "LX-A-1", "choice_1": str(season.a2), "choice_2": str(season.a2),
              "choice_3": ""}
    twice = student.client.post(f"/practice/{season.programme_id}/apply", data=fields).get_data(as_text=True)
    assert "每个岗位只能填报一次" in twice
    sent = student.client.post(f"/practice/{season.programme_id}/apply", data={**fields, "choice_2": str(season.b1)},
                               follow_redirects=True).get_data(as_text=True)
    assert "报名成功" in sent and "待单位处理" in sent
    application_id = int(re.search(r"/practice/mine/(\d+)/withdraw", sent).group(1))
    with app.app_context():
        move(season.programme_id, ProgrammeState.MATCHING)
        choice_id = db.session.scalar(sa.select(PostChoice.id).where(PostChoice.application_id == application_id,
                                                                     PostChoice.post_id == season.a2))
    contact = signed_in(with_password(app, season.town_a))
    home = contact.get("/").get_data(as_text=True)
    assert "我的接收单位" in home
    unit_page = contact.get("/practice/unit").get_data(as_text=True)
    assert "华东师范大学" in unit_page and f'data-testid="offer_made-{choice_id}"' in unit_page
    contact.client.post(f"/practice/choices/{choice_id}/decide", data={"csrf_token": csrf_from(unit_page),
                                                                       "target": PostChoiceState.OFFERED})
    other_unit = signed_in(with_password(app, season.town_b)).get("/practice/unit").get_data(as_text=True)
    assert "政务服务助理" not in other_unit and "乡村振兴专员" not in other_unit
    page = student.get(f"/practice/mine/{application_id}").get_data(as_text=True)
    assert "已录用待确认" in page and f'data-testid="accept-{choice_id}"' in page
    accepted = student.client.post(f"/practice/choices/{choice_id}/answer", data={
        "csrf_token": csrf_from(page), "answer": "take"}, follow_redirects=True).get_data(as_text=True)
    assert "其他志愿已撤回" in accepted and "已安排岗位" in accepted
    with app.app_context():
        application = db.session.get(StudentApplication, application_id)
        assert (application.state, application.placed_post_id) == (StudentApplicationState.PLACED, season.a2)
        assert db.session.get(Post, season.a2).filled == 1
    filing = student.get(f"/practice/mine/{application_id}/filing.pdf")
    assert filing.status_code == 200 and filing.headers["Content-Type"] == "application/pdf"
    text = pdf_text(filing.data, tmp_path)
    for words in ("大学生返家乡社会实践报备表", "王小明", "华东师范大学", "10245", "乡村振兴专员", "甲镇人民政府", "学校意见（盖章）"):
        assert words in text, words
    assert signed_in(world.b_volunteer).get(f"/practice/mine/{application_id}/filing.pdf").status_code == 404


def test_others_do_not_reach_the_units_or_applications(app, world, season, signed_in):
    assert signed_in(world.a_volunteer).get("/practice/unit").status_code == 403
    assert signed_in(world.a_manager).get("/practice/units").status_code == 403
    with app.app_context():
        unit_b = db.session.scalar(sa.select(HostUnit.id).where(HostUnit.name == "乙镇人民政府"))
    contact_a = signed_in(with_password(app, season.town_a))
    assert contact_a.get(f"/practice/unit/{unit_b}/programmes/{season.programme_id}/posts").status_code == 404
    assert contact_a.get(f"/practice/posts/{season.b1}/edit").status_code == 404


def test_the_event_log_tells_the_selection_in_sentences(app, world, season, signed_in):
    page = signed_in(world.city_admin).get("/events?area=practice").get_data(as_text=True)
    page = page[page.index('data-testid="event-log"'):]  # the log itself, not the filters' option values
    for words in ("登记了接收单位", "甲镇人民政府", "提交了岗位", "通过了岗位", "甲镇人民政府的“政务服务助理”岗位"):
        assert words in page, words
    text = re.sub(r"<[^>]+>", " ", page)  # what a reader sees: no table name, action code or #id
    assert "practice_posts" not in text and "post.submitted" not in text and not re.search(r"#\d", text)


def test_a_unit_offers_only_to_programmes_open_to_it_and_edits_only_what_is_editable(app, world, season, signed_in):
    application = applied(app, world.b_volunteer, season.programme_id, [season.b1], hometown="LX-B")
    with app.app_context():
        move(season.programme_id, ProgrammeState.MATCHING)
    contact = signed_in(with_password(app, season.town_a))
    assert contact.get(f"/practice/unit/{season.town_a.id}/programmes/{season.programme_id}/posts").status_code == 404
    edited = contact.get(f"/practice/posts/{season.a1}/edit", follow_redirects=True).get_data(as_text=True)
    assert "只有待审核或已退回的岗位可以修改" in edited and 'data-testid="post-form"' not in edited
    city = signed_in(world.city_admin)
    page = city.get(f"/practice/{season.programme_id}").get_data(as_text=True)
    odd = city.client.post(f"/practice/{season.programme_id}/applications/{application}/place",
                           data={"csrf_token": csrf_from(page), "post": "²"}, follow_redirects=True)
    assert odd.status_code == 200 and "请选择岗位" in odd.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(StudentApplication, application).state == StudentApplicationState.CHOOSING
