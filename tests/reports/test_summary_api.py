"""GET /api/v1/reports/summary: the dashboard's figures for a client, for staff over the
organisation only."""
from __future__ import annotations

from datetime import date

import pytest

from volunteer.organisations.services import get_by_code
from volunteer.reports import direct
from volunteer.reports.figures import Period

F_KEYS = {"registered_volunteers", "active_volunteers", "person_times", "approved_hours", "checkin_hours",
          "manual_hours", "pending_hours", "projects_by_state", "projects_by_category", "stations_active", "coverage"}


def _get(client, token, **params):
    return client.get("/api/v1/reports/summary", query_string=params, headers={"Authorization": f"Bearer {token}"})


def test_the_summary_equals_the_entries_and_the_year_before(app, client, world, served, api_token):
    token = api_token(world.city_admin)
    answer = _get(client, token, organisation="LX", **{"from": "2027-03-16", "to": "2027-05-31"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["organisation"] == {"code": "LX", "name": "临溪市团委"}
    assert body["period"] == {"from": "2027-03-16", "to": "2027-05-31"}
    assert set(body["figures"]) == F_KEYS and set(body["previous"]) == F_KEYS
    period = Period(date(2027, 3, 16), date(2027, 5, 31))
    with app.app_context():
        city = get_by_code("LX")
        for key, value in direct.headline(city, period).items():
            assert body["figures"][key] == pytest.approx(value), key
        for key, value in direct.headline(city, period.year_before()).items():
            assert body["previous"][key] == pytest.approx(value), key
        assert [c["organisation"]["code"] for c in body["children"]] == ["LX-A", "LX-B"]
        for child in body["children"]:
            expected = direct.headline(get_by_code(child["organisation"]["code"]), period)
            assert child["figures"]["approved_hours"] == pytest.approx(expected["approved_hours"])
    assert [m["month"] for m in body["by_month"]] == ["2027-03", "2027-04", "2027-05"]
    assert sum(m["approved_hours"] for m in body["by_month"]) == pytest.approx(body["figures"]["approved_hours"])
    assert body["figures"]["projects_by_category"]["education"] == 1


def test_this_year_to_date_by_default(client, world, served, api_token):
    body = _get(client, api_token(world.a_admin)).get_json()
    assert body["organisation"]["code"] == "LX-A" and body["period"]["from"].endswith("-01-01")


def test_scope_and_bad_input(client, world, served, site, api_token):
    town = api_token(world.a_admin)
    assert _get(client, town, organisation="LX-B").status_code == 404
    assert _get(client, town, organisation="LX").status_code == 404
    assert _get(client, town, organisation="NOPE").status_code == 404
    assert _get(client, town, organisation="LX\x00").status_code in (404, 422)  # never a database error
    for start, end in (("0001-01-01", "0001-12-31"), ("9999-12-01", "9999-12-31")):  # past the calendar's ends
        assert _get(client, town, organisation="LX-A", **{"from": start, "to": end}).status_code == 422
    assert _get(client, api_token(world.b_manager), organisation="LX-B").status_code == 200
    for person in (world.a_volunteer, site.lead):
        refused = _get(client, api_token(person))
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    bad = _get(client, town, **{"from": "2027-05-01", "to": "2027-04-01"})
    assert bad.status_code == 422 and "to" in bad.get_json()["error"]["fields"]
    bad = _get(client, town, **{"from": "2027-13-01"})
    assert bad.status_code == 422 and "from" in bad.get_json()["error"]["fields"]
    assert client.get("/api/v1/reports/summary").status_code == 401
