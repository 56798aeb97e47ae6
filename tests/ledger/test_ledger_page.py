"""The staff ledger in scope, its filters, and the CSV and XLSX exports of what the filter shows."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.checkin.fixtures import DAY, local
from tests.ledger.test_decisions import decide, served  # noqa: F401 (served is a fixture)
from volunteer.accounts.models import User, Volunteer
from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger import exports
from volunteer.ledger import services as ledger
from volunteer.ledger.models import LedgerEntry
from volunteer.organisations.services import get_by_code
from volunteer.projects import services as projects


@pytest.fixture
def b_entry(app, world):
    """A manual entry for 李小红 on a project of 乙镇, recorded by its manager: outside 甲镇's scope."""
    with app.app_context():
        manager = db.session.get(User, world.b_manager.id)
        project = projects.create_project(manager, get_by_code("LX-B"), {
            "title": "乙镇河道清洁", "category": "environment", "starts_on": date(2027, 1, 1),
            "ends_on": date(2027, 12, 31)}, now=utcnow())
        db.session.flush()
        project.state = "running"
        entry = ledger.record_manual(manager, project, db.session.get(Volunteer, world.b_volunteer.id), {
            "minutes": 120, "served_on": DAY, "reason": "手机没电未扫码", "activity": "河道清洁"}, now=local(20))
        db.session.commit()
        return entry.id


@pytest.fixture
def three_entries(app, world, site, served, b_entry):  # noqa: F811
    """Two of 甲镇 (王小明 approved on DAY, the lead pending the day after) and 乙镇's manual one."""
    first = served()
    decide(app, site.lead, first)
    second = served(person=site.lead, day=date(2027, 3, 16))
    with app.app_context():
        ids = [db.session.scalar(sa.select(LedgerEntry.id).where(LedgerEntry.session_id == s)) for s in (first, second)]
    return ids + [b_entry]


def shown_ids(html: str) -> set[int]:
    import re
    return {int(n) for n in re.findall(r'data-testid="ledger-row" data-entry="(\d+)"', html)}


@pytest.mark.parametrize("who, status, sees", [
    ("city_admin", 200, {0, 1, 2}),  # the organisation above both towns
    ("a_manager", 200, {0, 1}),
    ("lead", 200, {0, 1}),           # the entries of the station they lead
    ("b_admin", 200, {2}),
    ("a_volunteer", 403, set()),
])
def test_the_ledger_shows_each_role_its_scope(world, site, three_entries, signed_in, who, status, sees):
    person = site.lead if who == "lead" else getattr(world, who)
    page = signed_in(person).get("/ledger/")
    assert page.status_code == status
    if status == 200:
        assert shown_ids(page.get_data(as_text=True)) == {three_entries[i] for i in sees}


def test_filters_narrow_what_is_shown(world, site, three_entries, signed_in):
    admin = signed_in(world.city_admin)
    cases = {
        "?state=approved": {0},
        "?state=pending": {1, 2},
        "?source=manual": {2},
        "?volunteer=王小明": {0},
        "?volunteer=" + site.lead.volunteer_no.lower(): {1},
        "?served_from=2027-03-16": {1},
        "?served_to=2027-03-15": {0, 2},
        "?organisation=LX-B": {2},
        "?organisation=LX-A&state=pending": {1},
        "?organisation=NOPE": set(),
        f"?station_id={site.station_id}": {0, 1},
    }
    for query, expected in cases.items():
        html = admin.get("/ledger/" + query).get_data(as_text=True)
        assert shown_ids(html) == {three_entries[i] for i in expected}, query


def test_a_bad_filter_says_what_is_wrong_and_shows_nothing(world, three_entries, signed_in):
    html = signed_in(world.city_admin).get("/ledger/?served_from=2027-13-01&state=lost").get_data(as_text=True)
    assert 'data-testid="filter-errors"' in html
    assert "必须是日期" in html or "日期" in html
    assert "请从列表中选择" in html
    assert shown_ids(html) == set()
    backwards = signed_in(world.city_admin).get("/ledger/?served_from=2027-03-16&served_to=2027-03-15")
    assert "结束日期早于开始日期" in backwards.get_data(as_text=True)


def test_the_empty_ledger_says_so(world, signed_in):
    html = signed_in(world.a_manager).get("/ledger/").get_data(as_text=True)
    assert 'data-testid="ledger-empty"' in html and "export-csv" not in html


def _xlsx_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _personal(world, site) -> list[str]:
    people = [world.a_volunteer, world.b_volunteer, site.lead]
    return [p.id_number for p in people] + [p.phone for p in people]


def test_the_xlsx_export_has_the_filtered_rows_and_no_unmasked_id_or_phone(app, world, site, three_entries,
                                                                           signed_in):
    admin = signed_in(world.city_admin)
    shown = shown_ids(admin.get("/ledger/?organisation=LX-A").get_data(as_text=True))
    response = admin.client.get("/ledger/export.xlsx?organisation=LX-A")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    rows = _xlsx_rows(response.data)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["记录编号", "服务日期", "志愿者编号", "姓名", "证件号码", "手机号"]
    assert {row[0] for row in body} == shown == {three_entries[0], three_entries[1]}
    cells = " ".join(str(c) for row in rows for c in row if c is not None)
    for secret in _personal(world, site):
        assert secret not in cells
    wang = next(row for row in body if row[3] == "王小明")
    assert wang[4] == world.a_volunteer.id_number[:6] + "********" + world.a_volunteer.id_number[-4:]
    assert wang[5] == world.a_volunteer.phone[:3] + "****" + world.a_volunteer.phone[-4:]
    assert (wang[6], wang[9], wang[10], wang[11], wang[12]) == ("社区助老服务", 150, 150, "已通过审核", "赵站长")
    assert wang[13] == datetime(2027, 3, 15, 18, 0)  # decided at 18:00 station time, as the page shows
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.action == "ledger.exported"))
        assert event.actor_id == world.city_admin.id and event.after["rows"] == 2


def test_the_csv_export_matches_the_page_and_masks_personal_data(world, site, three_entries, signed_in,
                                                                 monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 1)  # streamed in several pieces, as a large export is
    lead = signed_in(site.lead)
    shown = shown_ids(lead.get("/ledger/?state=pending").get_data(as_text=True))
    response = lead.client.get("/ledger/export.csv?state=pending")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {int(row[0]) for row in rows[1:]} == shown == {three_entries[1]}
    for secret in _personal(world, site):
        assert secret not in text
    everything = list(csv.reader(io.StringIO(lead.client.get("/ledger/export.csv").get_data(as_text=True))))
    assert [int(row[0]) for row in everything[1:]] == [three_entries[1], three_entries[0]]  # newest first


def test_a_spreadsheet_formula_in_a_title_is_exported_as_text(app, world, site, served, signed_in):  # noqa: F811
    served()
    with app.app_context():
        db.session.execute(sa.text("UPDATE projects SET title = '=HYPERLINK(\"http://x\")'"))
        db.session.commit()
    admin = signed_in(world.city_admin)
    text = admin.client.get("/ledger/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    rows = _xlsx_rows(admin.client.get("/ledger/export.xlsx").data)
    assert rows[1][6].startswith("'=")


def test_a_control_character_in_a_reason_does_not_break_the_spreadsheet(app, world, site, served,  # noqa: F811
                                                                        signed_in):
    """Approved entries never change, so a reason holding ESC or BEL must not make every later
    export fail: the characters XLSX cannot hold are left out."""
    served()
    with app.app_context():
        changed = db.session.execute(sa.text("UPDATE ledger_entries SET reason = :r WHERE state = 'pending'"),
                                     {"r": "迟到\x1b半小时\x07"}).rowcount
        assert changed
        db.session.commit()
    admin = signed_in(world.city_admin)
    response = admin.client.get("/ledger/export.xlsx")
    assert response.status_code == 200
    assert "迟到半小时" in {row[14] for row in _xlsx_rows(response.data)[1:]}


def test_exports_follow_scope_and_refuse_volunteers(world, three_entries, signed_in):
    rows = _xlsx_rows(signed_in(world.b_admin).client.get("/ledger/export.xlsx").data)
    assert [row[0] for row in rows[1:]] == [three_entries[2]]
    assert signed_in(world.a_volunteer).client.get("/ledger/export.csv").status_code == 403
    assert signed_in(world.city_admin).client.get("/ledger/export.pdf").status_code == 404


def test_an_export_too_large_or_badly_filtered_is_refused_and_logs_nothing(app, world, three_entries, signed_in):
    admin = signed_in(world.city_admin)
    app.config["LEDGER_EXPORT_MAX_ROWS"] = 2
    try:
        refused = admin.client.get("/ledger/export.csv", follow_redirects=True)
        assert "符合条件的记录有 3 条" in refused.get_data(as_text=True)
        assert admin.client.get("/ledger/export.csv?organisation=LX-A").status_code == 200
    finally:
        app.config["LEDGER_EXPORT_MAX_ROWS"] = 100_000
    bad = admin.client.get("/ledger/export.xlsx?served_to=yesterday", follow_redirects=True)
    assert "请先修正筛选条件再导出" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)
                                 .where(Event.action == "ledger.exported")) == 1


def test_query_words_that_are_also_url_arguments_are_harmless(world, three_entries, signed_in):
    admin = signed_in(world.city_admin)
    for query in ("?endpoint=x&kind=y&_external=1", "?state=pending&endpoint=x"):
        page = admin.get("/ledger/" + query)
        assert page.status_code == 200, query
        assert admin.client.get("/ledger/export.csv" + query).status_code == 200
    html = admin.get("/ledger/?state=pending&endpoint=x").get_data(as_text=True)
    assert "/ledger/export.csv?state=pending&amp;endpoint=x" in html
