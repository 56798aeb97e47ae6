"""The event log as a readable history: each event a sentence in the user's language, its
records named and linked, filters for every domain, nothing raw left (no action codes, table
names, field keys or ids)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import Browser
from volunteer.core import audit
from volunteer.core.models import Event
from volunteer.demo import DEMO_PASSWORD
from volunteer.extensions import db

CITY_ADMIN = "13800000001"  # the demo's city league admin: the whole tree
TOWN_ADMIN = "13800000002"  # 青山镇 only


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--volunteers", "40"])
    assert result.exit_code == 0, result.output
    return app


def signed(app, phone):
    browser = Browser(app.test_client())
    browser.login(phone, DEMO_PASSWORD)
    return browser


def event_list(html: str) -> str:
    start = html.index('data-testid="event-log"')
    return html[start:html.index("</ol>", start)]


def all_pages(browser, query="") -> str:
    """Every page of the log (100 events a page at most), the lists joined."""
    listings, page = [], 1
    while True:
        html = browser.get(f"/events?per_page=100&page={page}{query}").get_data(as_text=True)
        if 'data-testid="event-log"' not in html:
            return "".join(listings)
        listings.append(event_list(html))
        if 'rel="next"' not in html and "下一页" not in html:
            return "".join(listings)
        page += 1


def visible_text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))


def test_every_action_has_a_verb_in_chinese(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        for code, label in audit.actions():
            verb = audit.verb_of(code)
            assert verb != str(label), f"{code} has no verb of its own"
            assert re.search(r"[\u4e00-\u9fff]", verb), f"{code}'s verb is not translated: {verb}"


def test_every_event_of_the_demo_reads_as_a_sentence(demo):
    with demo.app_context():
        kinds = set(db.session.scalars(sa.select(Event.action).distinct()))
        total = db.session.scalar(sa.select(sa.func.count(Event.id)))
        keys = set()
        for before, after in db.session.execute(sa.select(Event.before, Event.after)):
            keys.update((before or {}).keys(), (after or {}).keys())
        tables = set(db.session.scalars(sa.select(Event.subject_type).distinct()))
    assert len(kinds) >= 15  # the demo makes most kinds; the test above covers every verb
    listing = all_pages(signed(demo, CITY_ADMIN))
    assert listing.count('data-testid="event"') == total
    text = visible_text(listing)
    for code in kinds:
        assert code not in text, f"raw action code {code} on the page"
    for table in tables:
        assert table not in text, f"raw table name {table} on the page"
    for key in keys:
        assert not re.search(rf"(?<![\w]){re.escape(key)}(?![\w])", text), f"raw field {key} on the page"
    assert not re.search(r"#\d+", text) and "None" not in text
    assert "通过了" in text and "小时" in text  # an approval says whose hours, where, how many
    # the records are links to their pages
    assert re.search(r'<a href="/projects/\d+">', listing) and re.search(r'<a href="/volunteers/\d+">', listing)


def test_the_filters_cover_every_domain_and_keep_to_it(demo):
    admin = signed(demo, CITY_ADMIN)
    page = admin.get("/events").get_data(as_text=True)
    for key, _name in audit.domains():
        assert f'<option value="{key}"' in page
    for key in ("ledger", "certificates", "projects"):
        listing = all_pages(admin, f"&domain={key}")
        actions = set(re.findall(r'data-action="([^"]+)"', listing))
        assert actions and actions <= {code for code, _label in audit.actions(key)}
    one = all_pages(admin, "&action=ledger.approved")
    assert set(re.findall(r'data-action="([^"]+)"', one)) == {"ledger.approved"}
    # an unknown filter value shows everything rather than failing
    assert admin.get("/events?domain=nope&action=x").status_code == 200


def test_a_town_admin_sees_only_their_towns_events(demo):
    city = visible_text(all_pages(signed(demo, CITY_ADMIN)))
    town = visible_text(all_pages(signed(demo, TOWN_ADMIN)))
    assert "白河街道" in city and "白河街道" not in town and "东洲镇" not in town
    assert "青山镇" in town


def test_a_page_of_the_log_costs_a_few_queries_whatever_it_shows(demo):
    from sqlalchemy import event as sa_event
    browser = signed(demo, CITY_ADMIN)
    counts = []

    def count(*_args, **_kwargs):
        counts[-1] += 1
    with demo.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        for per_page in (10, 100):
            counts.append(0)
            page = browser.get(f"/events?per_page={per_page}").get_data(as_text=True)
            assert page.count('data-testid="event"') == per_page
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    # one query per kind of record, not per row: the hundred cost what their further kinds of record
    # ask, one query each, whatever the rows
    with demo.app_context():
        newest = db.session.scalars(sa.select(Event).order_by(Event.occurred_at.desc(), Event.id.desc())
                                    .limit(100)).all()

        def kinds(events) -> int:
            return len({e.subject_type for e in events} | {t for e in events for t, _id in audit.references_of(e)})
        further = kinds(newest) - kinds(newest[:10])
    assert counts[1] <= counts[0] + further + 1 and counts[1] < 40, (counts, further)
