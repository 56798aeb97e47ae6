"""Shifts on a 360-px phone: a volunteer signs up from the list; at the kiosk, the lead sees who
should be here on the shift going on, who came (checked in by card) and who is missing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.checkin.fixtures import card, now_site  # noqa: F401 (fixtures)
from volunteer.accounts.models import User
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.projects import services as projects
from volunteer.projects.models import Project
from volunteer.shifts import services as shifts

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _shift(app, world, site, starts, hours=2):
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        position = projects.add_position(manager, db.session.get(Project, site.project_id),
                                         {"title": "驿站值守", "capacity": 10}, now=utcnow())
        shift = shifts.create_shift(manager, position, {"starts_at": starts, "ends_at": starts + timedelta(hours=hours),
                                                        "capacity": 3, "station_id": site.station_id},
                                     now=min(utcnow(), starts - timedelta(hours=1)))
        db.session.commit()
        return shift.id


def test_a_volunteer_signs_up_from_the_list_on_a_phone(app, world, now_site, phone_page):  # noqa: F811
    shift_id = _shift(app, world, now_site, utcnow() + timedelta(days=1))
    page = phone_page
    sign_in(page, world.a_volunteer)
    page.goto("/shifts/")
    expect(page.locator("[data-testid=shift]")).to_contain_text("驿站值守")
    assert fits(page)
    page.click(f"a[href='/shifts/{shift_id}']")
    page.click("[data-testid=sign-up]")
    expect(page.locator(".flash-success")).to_contain_text("您已获得该班次的名额")
    expect(page.locator("[data-testid=signup-state]")).to_have_text("已确认")
    expect(page.locator("[data-testid=shift-places]")).to_contain_text("已报 1 / 3 个名额")
    assert fits(page)
    page.goto("/shifts/")
    expect(page.locator("[data-testid=my-shifts]")).to_contain_text("驿站值守")


def test_the_kiosk_shows_who_should_be_here_now(app, world, now_site, factory, card, phone_page):  # noqa: F811
    starts = utcnow() - timedelta(minutes=10)
    shift_id = _shift(app, world, now_site, starts)
    came, missing = factory.volunteer("LX-A-1", name="李到岗"), factory.volunteer("LX-A-1", name="王未到")
    with app.app_context():
        for person in (came, missing):
            shifts.sign_up(db.session.get(User, person.user_id), shifts.get_shift(shift_id), now=starts - timedelta(hours=1))
        db.session.commit()
    page = phone_page
    sign_in(page, now_site.lead)
    page.goto(f"/stations/{now_site.station_id}/kiosk")
    expected = page.locator("[data-testid=kiosk-expected]")
    expect(expected).to_contain_text("本时段应到 2 人，2 人未到")
    page.keyboard.type(card(came))
    page.keyboard.press("Enter")
    expect(page.locator("#kiosk-result .kiosk-answer")).to_have_attribute("data-outcome", "checked_in")
    page.reload()
    expect(expected).to_contain_text("本时段应到 2 人，1 人未到")
    expect(page.locator("[data-testid=expected-here]")).to_contain_text("李到岗")
    expect(page.locator("[data-testid=expected-missing]")).to_contain_text("王未到")
    assert fits(page)
