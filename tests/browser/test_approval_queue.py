"""A station lead approves a batch of hours from the queue on a 360-px phone."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.checkin.fixtures import DAY, local
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry

pytestmark = pytest.mark.browser


def test_lead_approves_a_batch_on_a_phone(app, world, site, code, scan, phone_page):
    for person, (start, end) in ((world.a_volunteer, ((9, 0), (11, 30))), (world.b_volunteer, ((9, 30), (12, 0)))):
        scan(person, code(site.station_id), local(*start, day=DAY))
        scan(person, code(site.station_id), local(*end, day=DAY))
    page = phone_page
    page.on("dialog", lambda dialog: dialog.accept())  # "approve the selected entries?"
    sign_in(page, site.lead)
    page.goto("/ledger/queue")
    entries = page.locator("[data-testid=queue-entry]")
    expect(entries).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for box in page.locator("[data-testid=select-entry]").all():
        box.check()
    page.click("[data-testid=approve-selected]")
    expect(page.locator(".flash-success")).to_contain_text("2 条记录已通过")
    expect(page.locator("[data-testid=queue-empty]")).to_be_visible()
    with app.app_context():
        states = db.session.scalars(sa.select(LedgerEntry.state)).all()
        assert states == ["approved", "approved"]
