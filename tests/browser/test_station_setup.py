"""An admin sets up a station on a 360-px phone, in Chromium: the form, the station's page and its
screen fit the width, the long choices (map apps, time zones) included; the screen has no menu."""
import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.stations.test_coordinates import XIDAN_GCJ
from volunteer.stations.vocabulary import CoordinateSystem

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_admin_sets_up_a_station_from_an_amap_point_on_a_phone(chromium, live_server, world):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, world.a_admin)
    page.goto("/stations/new")
    assert fits(page)
    page.fill("#name", "西单志愿驿站")
    page.fill("#lat", str(XIDAN_GCJ[0]))
    page.fill("#lng", str(XIDAN_GCJ[1]))
    page.select_option("#coordinate_system", CoordinateSystem.GCJ02.value)
    page.fill("#radius_m", "100")
    assert page.locator("#timezone").input_value() == "Asia/Shanghai"
    page.click("main form button[type=submit]")
    page.wait_for_url("**/stations/*")
    assert "（WGS-84）" in page.locator("[data-testid=stored-point]").inner_text()
    assert fits(page)
    page.click("text=在屏幕上显示动态签到码")
    page.wait_for_url("**/display")
    assert page.locator("#rotating-qr").is_visible() and fits(page)
    assert page.locator("nav").count() == 0 and page.locator("text=退出登录").count() == 0
    context.close()
