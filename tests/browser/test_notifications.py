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


def test_push_is_offered_on_the_profile_page_and_says_how_it_went(app, world, phone_page):
    """The service worker registers and the switch answers in words: subscribed (the browser's
    push service reached) or could not subscribe (this machine reaches no browser vendor's
    push service); either way the page says which and stays within the screen."""
    from volunteer.extensions import db
    from volunteer.notifications.models import PushSubscription
    page = phone_page
    page.context.grant_permissions(["notifications"])
    sign_in(page, world.a_volunteer)
    page.goto("/me")
    box = page.locator("[data-testid=push-box]")
    expect(box).to_have_attribute("data-ready", "true", timeout=15000)
    status = page.locator("[data-testid=push-status]")
    expect(status).to_have_text("此浏览器尚未开启消息推送。")
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 1
    page.click("[data-testid=push-on]")
    on, failed = "此浏览器会即时显示您的消息，关闭本页面后也会显示。", "此浏览器未能开启推送通知，请稍后重试。"
    expect(status).to_have_text(__import__("re").compile(f"^({on}|{failed})$"), timeout=30000)
    with app.app_context():
        subscribed = db.session.query(PushSubscription).count()
    assert subscribed == (1 if status.text_content() == on else 0)
    assert fits(page)
