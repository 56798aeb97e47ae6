"""POST /api/v1/checkins and POST /api/v1/stations/{id}/scans: answers, refusal codes, access."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from tests.checkin.fixtures import around_today
from volunteer.checkin.models import Scan, ServiceSession
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry


def bearer(token, lang="zh-CN"):
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_check_in_then_out_through_the_api(app, client, world, now_site, code, api_token, monkeypatch):
    token = api_token(world.a_volunteer)
    text = "http://localhost/s/" + code(now_site.station_id)
    first = client.post("/api/v1/checkins", json={"code": text}, headers=bearer(token))
    assert first.status_code == 201, first.json
    body = first.json
    assert body["action"] == "checked_in"
    session = body["session"]
    assert (session["state"], session["source"], session["minutes"]) == ("open", "self_scan", None)
    assert session["station"] == {"id": now_site.station_id, "name": "甲村志愿驿站"}
    assert session["project"] == {"id": now_site.project_id, "title": "社区助老服务"}
    assert body["volunteer"]["name"] == "王小明" and body["closed_session"] is None
    assert client.get("/api/v1/me", headers=bearer(token)).json["open_session"]["id"] == session["id"]

    repeat = client.post("/api/v1/checkins", json={"code": text}, headers=bearer(token))
    assert (repeat.status_code, repeat.json["action"]) == (200, "unchanged")

    monkeypatch.setitem(app.config, "SCAN_REPEAT_SECONDS", 0)
    out = client.post("/api/v1/checkins", json={"code": text, "request_id": "r-1"}, headers=bearer(token))
    assert (out.status_code, out.json["action"], out.json["session"]["state"]) == (200, "checked_out", "closed")
    retry = client.post("/api/v1/checkins", json={"code": text, "request_id": "r-1"}, headers=bearer(token))
    assert (retry.status_code, retry.json) == (200, out.json)
    assert count(app, ServiceSession) == 1 and count(app, LedgerEntry) == 1 and count(app, Scan) == 3
    assert client.get("/api/v1/me", headers=bearer(token)).json["open_session"] is None


def test_refusals_have_codes_and_messages_in_the_callers_language(app, client, world, now_site, code, api_token,
                                                                 add_project):
    token = api_token(world.a_volunteer)
    bad = client.post("/api/v1/checkins", json={"code": "S1.1.s0.forgedforgedforgedforged"}, headers=bearer(token))
    assert (bad.status_code, bad.json["error"]["code"]) == (400, "invalid_code")
    assert bad.json["error"]["message"] == "签到码无效，不是本系统的站点签到码。"
    english = client.post("/api/v1/checkins", json={"code": "nonsense"}, headers=bearer(token, "en"))
    assert english.json["error"]["message"] == "This is not a valid station code."

    second = add_project(now_site, "垃圾分类宣传", **around_today())
    asked = client.post("/api/v1/checkins", json={"code": code(now_site.station_id)}, headers=bearer(token))
    assert (asked.status_code, asked.json["error"]["code"]) == (422, "project_required")
    assert {p["id"] for p in asked.json["error"]["projects"]} == {now_site.project_id, second}
    chosen = client.post("/api/v1/checkins", json={"code": code(now_site.station_id), "project_id": second},
                         headers=bearer(token))
    assert chosen.status_code == 201 and chosen.json["session"]["project"]["id"] == second
    assert count(app, Scan, Scan.outcome == "refused") == 3


@pytest.mark.parametrize("body, field", [
    ({}, "code"), ({"code": "x" * 501}, "code"), ({"code": "x", "lat": 91, "lng": 0}, "lat"),
    ({"code": "x", "lat": 30.2}, "lat"),
    ({"code": "x", "project_id": "abc"}, "project_id"), ({"code": "x", "request_id": "r" * 65}, "request_id"),
    ({"code": "x", "scanned_at": "2026-11-21T09:00:00"}, "scanned_at"),
])
def test_bad_fields_are_named_and_nothing_is_written(app, client, world, now_site, api_token, body, field):
    response = client.post("/api/v1/checkins", json=body, headers=bearer(api_token(world.a_volunteer)))
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert count(app, ServiceSession) == 0


def test_check_in_needs_a_signed_in_volunteer(client, world, now_site, code, api_token):
    anonymous = client.post("/api/v1/checkins", json={"code": code(now_site.station_id)})
    assert anonymous.status_code == 401
    staff = client.post("/api/v1/checkins", json={"code": code(now_site.station_id)},
                        headers=bearer(api_token(world.a_manager)))
    assert (staff.status_code, staff.json["error"]["code"]) == (403, "not_a_volunteer")


def test_a_browser_session_needs_the_csrf_token_to_check_in(client, world, now_site, code, browser):
    browser.login(world.a_volunteer.login, world.a_volunteer.password)
    response = client.post("/api/v1/checkins", json={"code": code(now_site.station_id)})
    assert (response.status_code, response.json["error"]["code"]) == (400, "csrf_failed")


def test_lead_checks_a_volunteer_in_at_the_kiosk(app, client, world, now_site, card, api_token):
    url = f"/api/v1/stations/{now_site.station_id}/scans"
    response = client.post(url, json={"code": card(world.a_volunteer)}, headers=bearer(api_token(now_site.lead)))
    assert response.status_code == 201, response.json
    assert response.json["volunteer"] == {"name": "王小明", "volunteer_no": world.a_volunteer.volunteer_no}
    assert response.json["session"]["source"] == "kiosk"
    with app.app_context():
        session = db.session.scalar(sa.select(ServiceSession))
        assert session.checked_in_by_id == now_site.lead.user_id


@pytest.mark.parametrize("who, status", [("a_manager", 403), ("b_admin", 404), ("b_volunteer", 404),
                                         ("a_admin", 201), ("city_admin", 201)])
def test_only_the_stations_leads_and_admins_use_its_kiosk(client, world, now_site, card, api_token, who, status):
    response = client.post(f"/api/v1/stations/{now_site.station_id}/scans", json={"code": card(world.a_volunteer)},
                           headers=bearer(api_token(getattr(world, who))))
    assert response.status_code == status


def test_a_forged_or_replaced_card_is_refused(app, client, world, now_site, card, api_token):
    from volunteer.accounts.models import User
    from volunteer.checkin import cards
    token = api_token(now_site.lead)
    old = card(world.a_volunteer)
    url = f"/api/v1/stations/{now_site.station_id}/scans"
    forged = client.post(url, json={"code": old[:-4] + "AAAA"}, headers=bearer(token))
    assert (forged.status_code, forged.json["error"]["code"]) == (400, "invalid_code")
    with app.app_context():
        cards.replace_card(db.session.get(User, world.a_volunteer.user_id), now=utcnow())
        db.session.commit()
    replaced = client.post(url, json={"code": old}, headers=bearer(token))
    assert (replaced.status_code, replaced.json["error"]["message"]) == (400, "该志愿者卡已被新卡替换。")
    assert client.post(url, json={"code": card(world.a_volunteer)}, headers=bearer(token)).status_code == 201


def test_fifty_simultaneous_scans_make_one_session(app, world, now_site, code, api_token, live_server):
    """The burst of a crowd at the start of an event, by one volunteer pressing again and again."""
    token = api_token(world.a_volunteer)
    text = code(now_site.station_id)
    barrier = threading.Barrier(50)
    statuses, errors = [], []

    def scan():
        barrier.wait()
        request = urllib.request.Request(
            f"{live_server}/api/v1/checkins", data=json.dumps({"code": text}).encode(), method="POST",
            headers={**bearer(token), "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                statuses.append((response.status, json.load(response).get("action")))
        except urllib.error.HTTPError as exc:
            statuses.append((exc.code, None))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=scan) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted({s for s, _ in statuses}) == [200, 201] and len(statuses) == 50
    assert [a for _, a in statuses].count("checked_in") == 1
    assert [a for _, a in statuses].count("unchanged") == 49
    assert count(app, ServiceSession) == 1
    assert count(app, ServiceSession, ServiceSession.state == "open") == 1
    assert count(app, Scan) == 50


def test_the_volunteers_export_holds_their_sessions_and_scans(client, world, now_site, code, api_token):
    token = api_token(world.a_volunteer)
    client.post("/api/v1/checkins", json={"code": code(now_site.station_id)}, headers=bearer(token))
    client.post("/api/v1/checkins", json={"code": "forged"}, headers=bearer(token))
    export = client.get("/api/v1/me/export", headers=bearer(token)).json
    assert [(s["station"], s["state"]) for s in export["service_sessions"]] == [("甲村志愿驿站", "open")]
    assert [(c["outcome"], c["reason"]) for c in export["scans"]] == [("checked_in", None), ("refused", "invalid_code")]
