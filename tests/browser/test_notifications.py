"""Notices on a 360-px phone: the unread count in the menu, the inbox, a notice leading to its
record, the settings page; nothing wider than the screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.notifications.conftest import position  # noqa: F401 (a fixture)
from tests.notifications.test_outbox import apply_and_accept

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_volunteer_reads_a_notice_and_follows_it(app, world, position, phone_page):  # noqa: F811
    apply_and_accept(app, world, position)
    page = phone_page
    sign_in(page, world.a_volunteer)
    expect(page.locator("[data-testid=unread-count]")).to_have_text("1")
    page.click("[data-testid=inbox-link]")
    notice = page.locator("[data-testid=notice]")
    expect(notice).to_contain_text("报名已被录用")
    expect(notice).to_contain_text("陪伴老人")
    assert fits(page)
    notice.locator("[data-testid=open-notice]").click()
    page.wait_for_url(f"**/projects/{position.project_id}")
    expect(page.locator("[data-testid=unread-count]")).to_have_count(0)
    page.goto("/me/notifications/settings")
    assert fits(page)
    box = page.locator("[data-testid=choice-application_accepted-mail]")
    expect(box).to_be_checked()
    box.uncheck()
    page.click("[data-testid=save-settings]")
    expect(page.locator(".flash-success")).to_contain_text("通知设置已保存")
    expect(page.locator("[data-testid=choice-application_accepted-mail]")).not_to_be_checked()
    assert fits(page)
