"""A project from draft to recruiting, a volunteer applies, the manager accepts: in Chromium at
phone size, each person in their own browser."""
import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import LAUNCH_ARGS, PHONE  # noqa: F401

pytestmark = pytest.mark.browser


def sign_in(chromium, live_server, person):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.fill("#login", person.login)
    page.fill("#password", person.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def click_transition(page, to, comment=None):
    form = page.locator(f"form.transition-form:has([data-testid=to-{to}])")
    if comment:
        form.locator("input[name=comment]").fill(comment)
    form.locator(f"[data-testid=to-{to}]").click()
    page.wait_for_load_state()


def test_draft_to_recruiting_then_apply_and_accept(chromium, live_server, world, tmp_path_factory):
    manager = sign_in(chromium, live_server, world.a_manager)
    manager.goto("/projects/new")
    manager.select_option("#organisation_code", "LX-A")
    manager.fill("#title", "周末助老陪伴")
    manager.select_option("#category", "elderly")
    manager.fill("#description", "每周六上午陪伴社区老人")
    manager.fill("#starts_on", str(date.today() - timedelta(days=1)))
    manager.fill("#ends_on", str(date.today() + timedelta(days=365)))
    manager.click("main form button[type=submit]")
    manager.wait_for_url(re.compile(r".*/projects/\d+$"))
    project_url = manager.url
    assert manager.locator("[data-testid=project-state]").inner_text() == "草稿"

    click_transition(manager, "submitted")
    assert manager.locator("[data-testid=project-state]").inner_text() == "待审核"

    admin = sign_in(chromium, live_server, world.a_admin)
    admin.goto(project_url)
    click_transition(admin, "approved")
    assert admin.locator("[data-testid=project-state]").inner_text() == "已通过审核"

    manager.goto(project_url)
    click_transition(manager, "recruiting")
    assert manager.locator("[data-testid=project-state]").inner_text() == "招募中"
    manager.locator("#positions details summary").last.click()
    manager.fill("#positions #title", "陪伴员")
    manager.fill("#positions #capacity", "3")
    manager.locator("#positions form button[type=submit]").last.click()
    manager.wait_for_load_state()
    assert "陪伴员" in manager.locator("[data-testid=position]").inner_text()

    volunteer = sign_in(chromium, live_server, world.a_volunteer)
    volunteer.goto("/projects")
    volunteer.click("text=周末助老陪伴")
    volunteer.fill("[data-testid=position] input[name=note]", "周六有空")
    volunteer.click("[data-testid=apply]")
    volunteer.wait_for_load_state()
    assert volunteer.locator("[data-testid=my-application]").inner_text() == "待处理"

    manager.goto(project_url)
    assert "王小明" in manager.locator("[data-testid=application]").inner_text()
    manager.click("[data-testid=accept]")
    manager.wait_for_load_state()
    assert "已录用 1 人，共 3 个名额" in manager.locator("[data-testid=position]").inner_text()
    assert manager.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    manager.screenshot(path=str(tmp_path_factory.getbasetemp() / "project.png"), full_page=True)

    volunteer.goto("/me/applications")
    assert volunteer.locator("[data-testid=application-state]").inner_text() == "已录用"
    for page in (manager, admin, volunteer):
        page.context.close()
