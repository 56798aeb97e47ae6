"""Returning-home practice on a 360-px phone: a student applies with three ranked choices, accepts
the offer a unit made, writes the log of a week with a photo; the unit's contact, for the
supervisor, comments on it, and the student reads the comment. Every page fits the screen."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.practice.conftest import choice_of, move, season, user_of, with_password  # noqa: F401 (season is a fixture)
from tests.practice.test_at_post_pages import under_way_today
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.practice import services as practice
from volunteer.practice.vocabulary import PostChoiceState, ProgrammeState

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_apply_accept_log_and_comment_on_a_phone(app, world, season, phone_page, tmp_path):  # noqa: F811
    page = phone_page
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before accepting an offer
    sign_in(page, world.a_volunteer)
    page.goto("/practice/mine")
    page.click(f"[data-testid=apply-{season.programme_id}]")
    expect(page.locator("[data-testid=offered-post]")).to_have_count(3)
    assert fits(page)
    page.fill("#school_name", "华东师范大学")
    page.fill("#student_number", "10245000123")
    page.fill("#major", "行政管理")
    page.fill("#grade", "2025级")
    page.select_option("#hometown", "LX-A-1")
    for rank, post_id in enumerate((season.a1, season.b1, season.a2), start=1):
        page.select_option(f"#choice_{rank}", str(post_id))
    page.click("[data-testid=send-application]")
    expect(page.locator("[data-testid=choice]")).to_have_count(3)
    expect(page.locator("[data-testid=choice-state]").first).to_have_text("待单位处理")
    assert fits(page)
    application_id = int(page.url.rstrip("/").split("/")[-1])

    with app.app_context():
        move(season.programme_id, ProgrammeState.MATCHING)
        practice.unit_decides(user_of(season.town_a), choice_of(application_id, season.a1), PostChoiceState.OFFERED,
                              now=utcnow())
        db.session.commit()
        offer = choice_of(application_id, season.a1).id
    page.reload()
    page.click(f"[data-testid=accept-{offer}]")
    expect(page.locator("[data-testid=application-state]")).to_contain_text("已安排岗位")
    assert fits(page)

    under_way_today(app, season)
    page.click("[data-testid=logs-link]")
    page.fill("#log_text", "协助窗口接待群众 30 人次，整理档案 12 卷。")
    photo = tmp_path / "week.jpg"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 140, 90)).save(out, format="JPEG")
    photo.write_bytes(out.getvalue())
    page.set_input_files("#photos", str(photo))
    page.click("[data-testid=save-log]")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("[data-testid=log]")).to_contain_text("整理档案 12 卷")
    expect(page.locator("[data-testid=log] img")).to_have_count(1)
    assert fits(page)
    logs_url = page.url

    contact = with_password(app, season.town_a)
    page.context.clear_cookies()
    sign_in(page, contact)
    page.goto("/practice/unit")
    page.click("[data-testid=unit-students-link]")
    expect(page.locator("[data-testid=unit-log]")).to_contain_text("整理档案 12 卷")
    assert fits(page)
    page.locator("[data-testid=unit-log] textarea").fill("工作认真，服务热情。")
    page.locator("[data-testid=unit-log] button[type=submit]").click()
    expect(page.locator("[data-testid=log-comment]")).to_contain_text("工作认真，服务热情。")
    assert fits(page)

    page.context.clear_cookies()
    sign_in(page, world.a_volunteer)
    page.goto(logs_url)
    expect(page.locator("[data-testid=log-comment]")).to_contain_text("工作认真，服务热情。")
    expect(page.locator("[data-testid=log-form]")).to_be_visible()  # the other week is still to log


def test_the_leagues_practice_pages_fit_a_phone(app, phone_page):
    """The demo's closed programme: its evaluations, figures and questionnaire results on 360 px."""
    assert app.test_cli_runner().invoke(args=["seed-demo", "--volunteers", "40"]).exit_code == 0
    from tests.browser.test_every_page_fits import too_wide
    from volunteer.practice.models import Programme
    from volunteer.practice.vocabulary import ProgrammeState as S
    with app.app_context():
        closed = db.session.scalar(db.select(Programme.id).where(Programme.state == S.CLOSED))
    page = phone_page
    page.goto("/login")
    page.fill("#login", "13800000001")
    page.fill("#password", "demo2026")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/")
    for path, marker in ((f"/practice/{closed}", "[data-testid=programme-state]"),
                         (f"/practice/{closed}/evaluations", "[data-testid=certificate]"),
                         (f"/practice/{closed}/figures", "[data-testid=by-school]"),
                         (f"/practice/{closed}/survey", "[data-testid=mean]")):
        page.goto(path)
        expect(page.locator(marker).first).to_be_visible()
        assert too_wide(page) is None, (path, too_wide(page))
