"""A real Chromium (Debian's, no browser download) driven by Playwright against the app served
on a free loopback port."""
import pytest

from tests.conftest import CHROMIUM, require_tool

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def playwright():
    require_tool(CHROMIUM is not None, "Chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool(False, "Playwright for Python")
    driver = sync_playwright().start()
    yield driver
    driver.stop()


def launch(playwright, *extra_args):
    """Debian's Chromium, headless, with the flags this machine needs (and any extra ones)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS + list(extra_args), headless=True)


@pytest.fixture(scope="session")
def chromium(playwright):
    browser = launch(playwright)
    yield browser
    browser.close()


@pytest.fixture
def phone_page(chromium, live_server):
    """A page the size of a small phone, in a fresh browser profile."""
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server,
                                   is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, person, button="main form button[type=submit]"):
    """Through the real sign-in form, to the home page."""
    page.goto("/login")
    page.fill("#login", person.login)
    page.fill("#password", person.password)
    page.click(button)
    page.wait_for_url("**/")
