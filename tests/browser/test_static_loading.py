"""Pages on a slow phone in Chromium: nothing moves while an image or a script is still on its
way (layout shifts counted by the browser itself), and the kiosk fetches its camera decoder only
when the camera is switched on."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import launch, sign_in

pytestmark = pytest.mark.browser

# Every layout shift of the page, summed as Lighthouse's CLS does (shifts after input excepted).
COUNT_SHIFTS = """
window.__shift = 0;
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { if (!e.hadRecentInput) window.__shift += e.value; });
}).observe({ type: "layout-shift", buffered: true });
"""


def _slowly(page, pattern, seconds):
    """Answer requests matching ``pattern`` only after a delay, as a weak connection would."""
    def handle(route):
        time.sleep(seconds)
        route.continue_()
    page.route(pattern, handle)


def test_the_card_keeps_its_buttons_still_while_the_qr_code_loads(world, phone_page):
    page = phone_page
    sign_in(page, world.a_volunteer)
    page.add_init_script(COUNT_SHIFTS)
    _slowly(page, "**/me/card.svg*", 0.8)
    page.goto("/me/card", wait_until="domcontentloaded")
    button = page.locator("[data-print]")
    before = button.bounding_box()["y"]
    page.wait_for_load_state("load")
    expect(page.locator("img.qr")).to_have_js_property("complete", True)
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0
    assert button.bounding_box()["y"] == before
    assert page.evaluate("window.__shift") == 0


def test_registration_hides_the_guardian_fields_before_any_script_runs(phone_page):
    page = phone_page
    page.route("**/static/js/app.js*", lambda route: route.abort())  # the server's page alone
    page.goto("/register")
    expect(page.locator("#id_number")).to_be_visible()
    expect(page.locator("#guardian-fields")).to_be_hidden()
    page.unroute("**/static/js/app.js*")
    page.add_init_script(COUNT_SHIFTS)
    page.goto("/register")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shift") == 0
    # the script still shows the fields for a minor
    page.fill("#id_number", "330102" + str(time.localtime().tm_year - 12) + "0101001X")
    expect(page.locator("#guardian-fields")).to_be_visible()


def test_the_kiosk_fetches_the_camera_decoder_only_for_the_camera(now_site, playwright, live_server):
    browser = launch(playwright, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")
    try:
        context = browser.new_context(base_url=live_server, locale="zh-CN", permissions=["camera"])
        page = context.new_page()
        page.set_default_timeout(15_000)
        fetched = []
        page.on("request", lambda request: fetched.append(request.url))
        sign_in(page, now_site.lead)
        page.goto(f"/stations/{now_site.station_id}/kiosk", wait_until="networkidle")
        assert not [url for url in fetched if "zxing" in url]
        with page.expect_request("**/zxing-reader.js*"), page.expect_request("**/zxing_reader.wasm*"):
            page.click("#camera-button")
        expect(page.locator("#camera")).to_be_visible()
    finally:
        browser.close()
