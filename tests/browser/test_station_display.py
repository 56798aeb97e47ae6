"""The station screen swaps in a new rotating code when the step changes (the clock is Chromium's
own, driven forward by Playwright rather than waited for)."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.stations.test_stations import make_station

pytestmark = pytest.mark.browser


def test_display_refreshes_its_code(chromium, live_server, app, world):
    station_id = make_station(app, world)
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN", base_url=live_server)
    page = context.new_page()
    page.clock.install()
    sign_in(page, world.a_admin, button="main button[type=submit]")
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "rotating.svg" in r.url else None)
    page.goto(f"/stations/{station_id}/display")
    assert page.locator("#rotating-qr").is_visible()
    first = page.locator("#rotating-qr").get_attribute("src")
    page.clock.run_for(31_000)
    # (wait_for_function would need eval, which the page's CSP rightly forbids)
    expect(page.locator("#rotating-qr")).to_have_attribute("src", re.compile(r"\?t=\d+"))
    assert page.locator("#rotating-qr").get_attribute("src") != first
    assert any("?t=" in url for url in requests)
    context.close()
