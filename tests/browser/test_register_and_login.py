"""A volunteer registers and signs in on a 360-px phone screen, in Chinese."""
import pytest

from tests.factories import make_id_number

pytestmark = pytest.mark.browser


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_volunteer_registers_then_signs_in_on_a_phone(phone_page, factory, tmp_path_factory):
    tmp_path = tmp_path_factory.getbasetemp()
    from datetime import date
    factory.org("LX", "临溪市团委", kind="city")
    factory.org("LX-A", "甲镇团委", parent="LX")
    page = phone_page
    id_number = make_id_number(date(1998, 3, 12), male=False)

    page.goto("/register")
    assert page.locator("h1").inner_text() == "注册成为志愿者"
    assert fits_the_screen(page)
    # an adult's ID number keeps the guardian section hidden
    page.fill("#name", "林小雨")
    page.fill("#phone", "13912340001")
    page.fill("#id_number", id_number)
    assert page.locator("#guardian-fields").is_hidden()
    page.fill("#password", "rain2026pass")
    page.select_option("#organisation_code", "LX-A")
    page.check("#consent")
    page.screenshot(path=str(tmp_path / "register.png"), full_page=True)
    page.click("button[type=submit]")

    page.wait_for_url("**/me")
    assert "LX-A-000001" in page.locator("[data-testid=volunteer-no]").inner_text()
    assert page.locator("[data-testid=id-number]").inner_text() == id_number
    assert "欢迎" in page.content()
    assert fits_the_screen(page)

    page.click("[data-testid=nav-more] summary")
    page.click("[data-testid=logout]")
    page.goto("/login")
    page.fill("#login", "13912340001")
    page.fill("#password", "rain2026pass")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "林小雨" in page.locator("h1").inner_text()
    assert fits_the_screen(page)


def test_a_minors_id_number_opens_the_guardian_section(phone_page, factory):
    from datetime import date, timedelta
    factory.org("LX", "临溪市团委", kind="city")
    page = phone_page
    page.goto("/register")
    today = date.today()
    page.fill("#id_number", make_id_number(today.replace(year=today.year - 15) - timedelta(days=10)))
    assert page.locator("#guardian-fields").is_visible()
    assert page.locator("#sensitive-consent").is_hidden()
    page.fill("#id_number", make_id_number(today.replace(year=today.year - 12)))
    assert page.locator("#sensitive-consent").is_visible()


def test_wrong_password_shows_a_message_in_chinese(phone_page, factory):
    factory.org("LX", kind="city")
    person = factory.volunteer("LX")
    page = phone_page
    page.goto("/login")
    page.fill("#login", person.phone)
    page.fill("#password", "wrong-password1")
    page.click("button[type=submit]")
    assert page.locator(".flash-error").inner_text() == "账号或密码错误。"
