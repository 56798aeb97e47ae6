"""Each role's daily path on a 360-px phone in Chromium (and the event log on a desktop too): no
page of the walk is wider than the screen, the kiosk's answer is readable (contrast computed from
the colours the browser rendered), and the words each user expects are on screen."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in
from tests.checkin.fixtures import local
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.stations.models import Station

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}

# WCAG's contrast of the text's colour against the first opaque background behind it.
CONTRAST = """el => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let back = el, bg;
  while (back) {
    bg = rgb(getComputedStyle(back).backgroundColor);
    if (bg.length === 3 || (bg.length === 4 && bg[3] > 0.99)) break;
    back = back.parentElement;
  }
  const fg = lum(rgb(getComputedStyle(el).color)), bl = lum(bg.slice(0, 3));
  return (Math.max(fg, bl) + 0.05) / (Math.min(fg, bl) + 0.05);
}"""


def new_page(chromium, live_server, viewport=PHONE):
    context = chromium.new_context(viewport=viewport, locale="zh-CN", base_url=live_server,
                                   is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def fits(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide on a {width[1]} px screen"


def visit(page, url) -> None:
    page.goto(url)
    fits(page)


def open_station(app, site):
    with app.app_context():  # no coordinates: a phone's browser is not asked where it is
        station = db.session.get(Station, site.station_id)
        station.lat = station.lng = station.radius_m = None
        db.session.commit()


def test_a_volunteer_scans_in_sees_it_at_home_scans_out_and_disputes(app, world, now_site, code, chromium,
                                                                     live_server, monkeypatch):
    open_station(app, now_site)
    monkeypatch.setitem(app.config, "SCAN_REPEAT_SECONDS", 0)
    page = new_page(chromium, live_server)
    sign_in(page, world.a_volunteer)
    fits(page)
    visit(page, f"/s/{code(now_site.station_id)}")
    expect(page.locator("[data-testid=scan-result]")).to_have_attribute("data-outcome", "checked_in")
    fits(page)
    visit(page, "/")
    expect(page.locator("[data-testid=checked-in-now]")).to_contain_text("正在签到中")
    visit(page, f"/s/{code(now_site.station_id)}")
    expect(page.locator("[data-testid=scan-result]")).to_have_attribute("data-outcome", "checked_out")
    visit(page, "/")
    expect(page.locator("[data-testid=checked-in-now]")).to_have_count(0)
    visit(page, "/ledger/mine")
    page.click("text=记录有误？")
    page.fill("textarea[name=note]", "我提前半小时到岗")
    page.click("text=提交给站长")
    expect(page.locator(".flash-success")).to_contain_text("您的说明已提交给站长")
    fits(page)
    for url in ("/projects", "/certificates/mine", "/me"):
        visit(page, url)


def test_a_lead_runs_the_kiosk_by_card_and_by_number_and_decides_in_the_queue(app, world, now_site, card, code,
                                                                                scan, chromium, live_server):
    day = date.today() - timedelta(days=1)  # yesterday's session waits in the queue
    scan(world.a_volunteer, code(now_site.station_id), local(9, 0, day=day))
    scan(world.a_volunteer, code(now_site.station_id), local(11, 0, day=day))
    page = new_page(chromium, live_server)
    sign_in(page, now_site.lead)
    visit(page, f"/stations/{now_site.station_id}/kiosk")
    page.keyboard.type(card(world.a_volunteer))
    page.keyboard.press("Enter")
    answer = page.locator("#kiosk-result .kiosk-answer")
    expect(answer).to_have_attribute("data-outcome", "checked_in")
    for text in answer.locator("p").all():
        assert text.evaluate(CONTRAST) >= 4.5, text.inner_text()
    page.keyboard.type("V1.1.notavalidcardnotavalidcard")
    page.keyboard.press("Enter")
    expect(answer).to_have_attribute("data-outcome", "refused")
    for text in answer.locator("p").all():
        assert text.evaluate(CONTRAST) >= 4.5, text.inner_text()
    fits(page)
    # A lost card: the number typed instead; the list of who is here follows.
    page.click("text=没带志愿者卡？")
    page.fill("[data-testid=number-input]", world.b_volunteer.volunteer_no)
    page.click("[data-testid=number-submit]")
    expect(page.locator("[data-testid=kiosk-present]")).to_contain_text("李小红")
    expect(page.locator("[data-testid=kiosk-present]")).to_contain_text("当前在此签到：2 人")
    fits(page)

    # The queue: an adjustment without a reason keeps its place, its text and what was typed.
    visit(page, "/ledger/queue")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.click("[data-testid=approve-selected]")  # nothing selected: said on the page, nothing asked
    expect(page.locator("[data-testid=batch-none]")).to_be_visible()
    assert dialogs == []
    entry = page.locator("[data-testid=queue-entry]").first
    entry.locator("summary").click()
    entry.locator("input[name=minutes]").fill("100")
    entry.locator("button[value=approve]").click()
    failed = page.locator("[data-testid=entry-error]")
    expect(failed).to_contain_text("原因")
    expect(page.locator(".flash-error")).to_contain_text("王小明")
    expect(page.locator("details[open] input[name=minutes]")).to_have_value("100")
    fits(page)
    page.check("[data-testid=select-all]")
    assert all(box.is_checked() for box in page.locator("[data-testid=select-entry]").all())
    page.uncheck("[data-testid=select-all]")
    assert not any(box.is_checked() for box in page.locator("[data-testid=select-entry]").all())


def test_a_manager_records_service_without_a_scan_on_a_phone(app, world, now_site, chromium, live_server, tmp_path):
    photo = tmp_path / "sheet.jpg"
    Image.new("RGB", (800, 600), "white").save(photo, format="JPEG")
    page = new_page(chromium, live_server)
    sign_in(page, world.a_manager)
    page.click("[data-testid=nav-more] summary")
    page.click("text=补录时长")
    expect(page.locator("#record-project")).to_be_visible()  # the page has loaded before it is measured
    fits(page)
    page.select_option("#record-project", str(now_site.project_id))
    page.fill("#record-q", "王小明")
    page.click("text=查找")
    expect(page.locator("[data-testid=record-form]")).to_contain_text("王小明")
    fits(page)
    page.fill("#served_on", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#service_from", "08:00")
    page.fill("#service_to", "12:00")
    page.fill("#reason", "社区广场义诊，未设扫码点")
    page.set_input_files("#photo", str(photo))
    page.click("[data-testid=record-submit]")
    expect(page.locator(".flash-success")).to_contain_text("已补录")
    expect(page.locator(".flash-success")).to_contain_text("240 分钟")
    fits(page)
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry))
        assert (entry.minutes, entry.state, entry.photo is not None) == (240, "pending", True)


def test_an_admin_reads_the_event_log_and_searches_the_register(app, world, now_site, chromium, live_server):
    from volunteer.accounts.models import User, Volunteer
    from volunteer.certificates import services as certificates
    from volunteer.ledger import services as ledger
    from volunteer.projects.models import Project
    with app.app_context():
        manager = db.session.get(User, world.a_manager.id)
        entry = ledger.record_manual(manager, db.session.get(Project, now_site.project_id),
                                     db.session.get(Volunteer, world.a_volunteer.id),
                                     {"minutes": 150, "served_on": date.today() - timedelta(days=1), "reason": "义诊"},
                                     now=local(20, day=date.today()))
        ledger.decide(db.session.get(User, world.a_admin.id), entry, "approve", now=local(21, day=date.today()))
        certificates.issue_certificate(db.session.get(User, world.a_admin.id),
                                       db.session.get(Volunteer, world.a_volunteer.id),
                                       base_url=live_server + "/", now=local(21, day=date.today()))
        db.session.commit()
    for viewport in (PHONE, DESKTOP):
        page = new_page(chromium, live_server, viewport)
        sign_in(page, world.a_admin)
        visit(page, "/events")
        log = page.locator("[data-testid=event-log]")
        expect(log).to_contain_text("通过了")
        expect(log).to_contain_text("王小明 在 社区助老服务 的 2.5 小时")
        assert not re.search(r"ledger\.|ledger_entries|#\d", log.inner_text())
        sentence = page.locator(".event-sentence").first
        assert sentence.bounding_box()["width"] > (150 if viewport is PHONE else 300)
        assert page.evaluate("document.documentElement.scrollHeight") < 5000
        visit(page, "/certificates/")
        page.fill("input[name=q]", "王小明")
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_contain_text("王小明")
        fits(page)
        page.context.close()


def test_the_staff_menu_is_one_row_on_a_phone(world, chromium, live_server):
    page = new_page(chromium, live_server)
    sign_in(page, world.city_admin)
    links = page.locator(".site-header .nav-links > li")
    tops = {round(box["y"]) for box in (li.bounding_box() for li in links.all()) if box}
    assert len(tops) <= 2, tops  # the brand's row and one row of links at most
    page.click("[data-testid=nav-more] summary")
    expect(page.locator("[data-testid=nav-more]")).to_contain_text("操作日志")
    fits(page)
