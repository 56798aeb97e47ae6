"""The dashboard page, its exports and the public figures, per role and per organisation scope."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from volunteer.extensions import db
from volunteer.organisations.services import get_by_code
from volunteer.reports import direct
from volunteer.reports.figures import Period

YEAR_2027 = {"period": "custom", "from": "2027-01-01", "to": "2027-12-31"}


def _figure(html: str, key: str) -> str:
    match = re.search(rf'data-testid="figure-{key}">.*?data-value="([^"]*)"', html, re.S)
    assert match, key
    return match.group(1)


def test_the_city_admin_sees_the_figures_of_the_entries(app, world, served, signed_in):
    page = signed_in(world.city_admin).get("/reports/", query_string={"organisation": "LX", **YEAR_2027})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with app.app_context():
        expected = direct.headline(get_by_code("LX"), Period(date(2027, 1, 1), date(2027, 12, 31)))
    for key, value in expected.items():
        assert float(_figure(html, key)) == pytest.approx(value), key
    assert "临溪市团委" in html and "2027-01-01" in html
    # one row per town, each a link one level down with the same period
    assert 'href="/reports/?organisation=LX-A&amp;period=custom&amp;from=2027-01-01&amp;to=2027-12-31"' in html
    assert 'data-testid="chart-by_month"' in html and 'id="table-by_month"' in html


def test_a_town_admin_sees_only_their_town(world, served, signed_in):
    admin = signed_in(world.a_admin)
    own = admin.get("/reports/", query_string=YEAR_2027)
    html = own.get_data(as_text=True)
    assert own.status_code == 200 and "甲镇团委 · " in html and "乙镇团委" not in html and "夜间巡逻" not in html
    assert admin.get("/reports/", query_string={"organisation": "LX-B"}).status_code == 404
    for nonsense in ("\x00", "LX\x00"):  # refused at the door (core.edge), never a database error
        assert admin.get("/reports/", query_string={"organisation": nonsense}).status_code == 422
    assert admin.get("/reports/", query_string={"organisation": "x" * 500}).status_code == 404
    for start, end in (("2027-01-01x", ""), ("0001-01-01", "0001-12-31"), ("9999-12-01", "9999-12-31")):
        bad_date = admin.get("/reports/", query_string={"period": "custom", "from": start, "to": end})
        assert bad_date.status_code == 200 and 'data-testid="period-error"' in bad_date.get_data(as_text=True)
    assert admin.get("/reports/", query_string={"organisation": "LX"}).status_code == 404
    assert admin.get("/reports/by_organisation.csv", query_string={"organisation": "LX-B"}).status_code == 404
    assert admin.get("/reports/by_organisation.xlsx", query_string={"organisation": "LX"}).status_code == 404


def test_a_manager_sees_their_subtree_and_a_volunteer_or_a_lead_none(world, site, served, signed_in):
    manager = signed_in(world.b_manager).get("/reports/", query_string=YEAR_2027)
    assert manager.status_code == 200 and "乙镇团委" in manager.get_data(as_text=True)
    # a manager neither screens projects nor issues certificates: no such waits are shown
    assert 'data-testid="wait-projects"' not in manager.get_data(as_text=True)
    for person in (world.a_volunteer, site.lead):
        b = signed_in(person)
        assert b.get("/reports/").status_code == 403
        assert b.get("/reports/by_month.csv").status_code == 403
    assert signed_in(world.a_volunteer).get("/").get_data(as_text=True).count('data-testid="headline"') == 0


def test_a_bad_custom_period_says_why_and_shows_this_year(world, served, signed_in):
    page = signed_in(world.city_admin).get("/reports/", query_string={"period": "custom", "from": "2027-05-01",
                                                                        "to": "2027-04-01"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="period-error"' in html
    assert "结束日期早于开始日期" in html or "The period ends before it begins" in html
    assert signed_in(world.city_admin).get("/reports/by_month.csv", query_string={"period": "custom",
                                                                                   "from": "x"}).status_code == 400


def test_the_xlsx_and_csv_hold_the_figures_on_screen(world, served, signed_in):
    admin = signed_in(world.city_admin)
    html = admin.get("/reports/", query_string={"organisation": "LX", **YEAR_2027}).get_data(as_text=True)
    response = admin.get("/reports/by_organisation.xlsx", query_string={"organisation": "LX", **YEAR_2027})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "临溪市团委" in rows[0][0] and "2027-01-01" in rows[0][0]
    headers = rows[1]
    assert (headers[0], headers[4]) == ("组织", "已审核时长")  # in the user's language (Chinese by default)
    towns = {row[0]: row for row in rows[2:]}
    hours_column = 4
    for town in ("甲镇团委", "乙镇团委"):
        assert isinstance(towns[town][hours_column], int | float)  # a number, not text
        # the same number as the table cell on the page
        cells = re.search(rf">{town}</a></td>(.*?)</tr>", html, re.S).group(1)
        values = re.findall(r'data-value="([^"]*)"', cells)
        assert float(values[hours_column - 1]) == towns[town][hours_column]
    total = rows[-1]
    assert total[hours_column] == pytest.approx(float(_figure(html, "approved_hours")))
    text = admin.get("/reports/by_month.csv", query_string={"organisation": "LX", **YEAR_2027}).data.decode("utf-8-sig")
    months = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in months[2:]] == [f"2027-{m:02d}" for m in range(1, 13)]
    march = next(row for row in months if row[0] == "2027-03")
    assert float(march[1]) == 6.0  # town A's 4 h of check-ins and town B's 2 h across midnight


def test_the_city_admin_home_shows_the_headline_and_what_waits(world, served, signed_in):
    html = signed_in(world.city_admin).get("/").get_data(as_text=True)
    assert 'data-testid="headline"' in html and 'data-testid="waiting-for-me"' in html
    assert 'data-testid="wait-pending"' in html
    # each count inside its sentence, with its unit and full-width punctuation
    assert '未处理的异议：<strong data-testid="wait-disputes">0</strong> 条' in html


def test_public_figures_are_off_until_an_admin_publishes_them(app, world, served, signed_in, client):
    assert client.get("/figures/LX-A").status_code == 404
    admin = signed_in(world.a_admin)
    assert signed_in(world.a_manager).get("/organisations/LX-A/figures").status_code == 403
    assert admin.get("/organisations/LX-B/figures").status_code == 404
    refused = admin.post_form("/organisations/LX-A/figures", {"publishes": "y", "population": "-3"})
    assert refused.status_code == 200 and client.get("/figures/LX-A").status_code == 404
    done = admin.post_form("/organisations/LX-A/figures", {"publishes": "y", "population": "12000"})
    assert done.status_code == 302
    public = client.get("/figures/LX-A")
    html = public.get_data(as_text=True)
    assert public.status_code == 200 and "甲镇团委" in html
    for name in ("王小明", "张小华", "赵站长", "1370000"):  # nobody is named, no phone shown
        assert name not in html
    with app.app_context():
        org = get_by_code("LX-A")
        assert org.publishes_figures and org.population == 12000
        from volunteer.core.models import Event
        actions = [e.action for e in db.session.scalars(db.select(Event).where(Event.action.like("report.%")))]
        assert sorted(actions) == ["report.figures_published", "report.population_set"]


def test_names_that_look_like_formulas_or_hold_control_characters_export_as_plain_text(app, world, served,
                                                                                       signed_in):
    """A project's title is staff text: whatever it holds, the export opens and runs nothing."""
    with app.app_context():
        db.session.execute(sa.text("UPDATE projects SET title = :t WHERE title = '社区助老服务'"),
                           {"t": "\u200b=HYPERLINK(\"http://x\")\x1b"})
        db.session.execute(sa.text("UPDATE projects SET title = :t WHERE title = '助学课堂'"), {"t": "＝1+1\x07"})
        db.session.commit()
    admin = signed_in(world.city_admin)
    response = admin.get("/reports/top_projects.xlsx", query_string={"organisation": "LX", **YEAR_2027})
    assert response.status_code == 200
    titles = [row[0] for row in list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))[2:]]
    assert "'\u200b=HYPERLINK(\"http://x\")" in titles and "'＝1+1" in titles
    text = admin.get("/reports/top_projects.csv", query_string={"organisation": "LX", **YEAR_2027}).data.decode()
    assert "'\u200b=HYPERLINK" in text and "\x1b" not in text


def test_the_registration_rate_is_said_from_the_counts(app, world, served, signed_in):
    """Three registered in town A among 5,200 residents: one in 1,733.3 (not 1/0.0006 = 1,666.7)."""
    with app.app_context():
        get_by_code("LX-A").population = 5200
        db.session.commit()
    page = signed_in(world.city_admin).get("/reports/", query_string={"organisation": "LX-A"}).get_data(as_text=True)
    assert "1733.3" in page and "1666.7" not in page
