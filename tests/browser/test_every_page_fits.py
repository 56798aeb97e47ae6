"""Every page of each demo role's menu, and the first record page each list links to, fits a
360-px phone in Chinese and in English: nothing wider than the screen, no 500."""
from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE
from volunteer.demo import DEMO_PASSWORD
from volunteer.extensions import limiter

pytestmark = pytest.mark.browser

ROLES = {"volunteer": "13900000001", "lead": "13800000022", "manager": "13800000012",
         "town_admin": "13800000002", "city_admin": "13800000001"}
# From a list page, the first link to one of its records.
DETAILS = ("/projects/", "/stations/", "/volunteers/", "/organisations/LX")


@pytest.fixture
def demo_server(app, live_server):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--volunteers", "40"])
    assert result.exit_code == 0, result.output
    return live_server


def menu_urls(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('.site-header a[href^="/"]')]
        .map(a => a.getAttribute('href'))""")


def too_wide(page) -> str | None:
    return page.evaluate("""() => {
      if (document.documentElement.scrollWidth <= window.innerWidth) return null;
      const wide = [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1);
      const e = wide[wide.length - 1];
      return document.documentElement.scrollWidth + ' px: ' + (e ? e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 60) : '');
    }""")


def test_every_page_of_every_role_fits_a_phone(chromium, demo_server):
    problems, visited = [], {}
    for role in ROLES:
        for locale in ("zh-CN", "en"):
            found, visited[role] = _walk(chromium, demo_server, role, locale)
            problems += [f"{role} {locale} {p}" for p in found]
    assert not problems, "\n".join(problems)
    # the walk saw each role's pages: a volunteer's menu and a city admin's, records included
    assert len(visited["volunteer"]) >= 6 and len(visited["city_admin"]) >= 16, visited


def _walk(chromium, demo_server, role, locale) -> tuple[list[str], list[str]]:
    context = chromium.new_context(viewport=PHONE, locale=locale, base_url=demo_server, is_mobile=True,
                                   has_touch=True, extra_http_headers={"Accept-Language": locale})
    page = context.new_page()
    page.set_default_timeout(10_000)
    limiter.reset()  # ten sign-ins from one address in a minute is this test, not an attack
    page.goto("/login")
    page.fill("#login", ROLES[role])
    page.fill("#password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, page.inner_text("main")[:300]
    urls = list(dict.fromkeys(menu_urls(page)))
    problems = []
    for url in list(urls):
        response = page.goto(url)
        if response.status >= 500:
            problems.append(f"{url}: {response.status}")
            continue
        for prefix in DETAILS:
            link = page.locator(f'main a[href^="{prefix}"]').first
            if link.count() and (href := link.get_attribute("href")) not in urls:
                urls.append(href)
        if (wide := too_wide(page)):
            problems.append(f"{url}: {wide}")
    for url in urls[len(dict.fromkeys(menu_urls(page))):]:
        response = page.goto(url)
        if response.status >= 500:
            problems.append(f"{url}: {response.status}")
        elif (wide := too_wide(page)):
            problems.append(f"{url}: {wide}")
    context.close()
    return problems, urls
