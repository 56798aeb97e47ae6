"""The dashboard in a real Chromium, at desktop and phone size: each chart drawn with data on a
canvas that is not blank, the table beside it, a chart without data saying so, and no breach of
the content security policy (the page's own, unchanged)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.reports.conftest import served  # noqa: F401 (a fixture)
from volunteer.core.handlers import CSP

DESKTOP = {"width": 1280, "height": 900}
CHARTS = ("by_month", "by_organisation", "by_category")


def _painted_pixels(page, test_id: str) -> int:
    """Pixels of the chart's canvas that are not blank (drawn by ECharts, not an empty box)."""
    return page.evaluate("""(id) => {
        const canvas = document.querySelector(`[data-testid=chart-${id}] canvas`);
        if (!canvas) return 0;
        const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return painted;
    }""", test_id)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_chart_is_drawn_beside_its_table(chromium, live_server, world, served, viewport):  # noqa: F811
    context = chromium.new_context(viewport=viewport, locale="zh-CN", base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations, errors = [], []
    page.on("console", lambda m: m.type == "error" and "Failed to load resource" not in m.text and errors.append(m.text))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and errors.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, world.city_admin)
    page.add_init_script("document.addEventListener('securitypolicyviolation', "
                         "e => (window.__csp = window.__csp || []).push(e.violatedDirective))")
    response = page.goto("/reports/?organisation=LX&period=custom&from=2027-01-01&to=2027-12-31")
    assert response.headers["content-security-policy"] == CSP
    for name in CHARTS:
        figure = page.locator(f"[data-testid=chart-{name}]")
        figure.scroll_into_view_if_needed()
        assert figure.get_attribute("data-drawn") == "chart", name
        box = figure.locator("canvas").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 150, name
        assert _painted_pixels(page, name) > 1000, name
        assert page.locator(f"#table-{name} tbody tr").count() > 0
        assert box["width"] <= viewport["width"]
    violations = page.evaluate("window.__csp || []")
    assert violations == [] and errors == []
    # a period without service: the charts say so instead of drawing an empty box
    page.goto("/reports/?organisation=LX&period=custom&from=2020-01-01&to=2020-03-31")
    empty = page.locator("[data-testid=chart-by_category]")
    assert empty.get_attribute("data-drawn") == "empty"
    assert "本期暂无数据" in empty.inner_text() and empty.locator("canvas").count() == 0
    context.close()
