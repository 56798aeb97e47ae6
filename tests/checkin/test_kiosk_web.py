"""The lead's kiosk page and the volunteer's personal card."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from volunteer.checkin.models import ServiceSession
from volunteer.extensions import db


def kiosk_post(person, station_id, code, fetch=True, **extra):
    url = f"/stations/{station_id}/kiosk"
    token = csrf_from(person.get(url).get_data(as_text=True))
    headers = {"X-Requested-With": "fetch"} if fetch else {}
    return person.client.post(url, data={"csrf_token": token, "code": code, **extra}, headers=headers)


@pytest.mark.parametrize("who, status", [("lead", 200), ("a_admin", 200), ("city_admin", 200), ("a_manager", 403),
                                         ("b_admin", 404), ("a_volunteer", 404)])
def test_kiosk_page_per_role(world, now_site, signed_in, who, status):
    person = now_site.lead if who == "lead" else getattr(world, who)
    response = signed_in(person).get(f"/stations/{now_site.station_id}/kiosk")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert 'data-testid="card-input"' in html and "autofocus" in html
        # the camera's decoder is WebAssembly: allowed on this page only
        assert "'wasm-unsafe-eval'" in response.headers["Content-Security-Policy"]


def test_lead_checks_in_by_card_and_sees_name_and_answer(app, world, now_site, signed_in, card):
    lead = signed_in(now_site.lead)
    response = kiosk_post(lead, now_site.station_id, card(world.a_volunteer))
    html = response.get_data(as_text=True)
    assert response.status_code == 201
    assert 'data-outcome="checked_in"' in html and "王小明" in html and "社区助老服务" in html
    assert "<html" not in html  # the page's script swaps in just the answer
    again = kiosk_post(lead, now_site.station_id, card(world.a_volunteer), fetch=False)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert 'data-outcome="unchanged"' in page and "<html" in page and "已签到" in page
    with app.app_context():
        session = db.session.scalar(sa.select(ServiceSession))
        assert (session.source, session.checked_in_by_id) == ("kiosk", now_site.lead.user_id)


def test_a_bad_card_is_red_and_changes_nothing(app, world, now_site, signed_in):
    response = kiosk_post(signed_in(now_site.lead), now_site.station_id, "V1.1.notsignednotsignednotsigned")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'data-outcome="refused"' in html and "这不是有效的志愿者卡" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ServiceSession.id))) == 0


def test_kiosk_post_outside_scope_is_refused(world, now_site, signed_in, card):
    response = kiosk_post(signed_in(now_site.lead), now_site.station_id, card(world.a_volunteer))
    assert response.status_code == 201
    other = signed_in(world.b_admin)
    token = csrf_from(other.get("/").get_data(as_text=True))
    refused = other.client.post(f"/stations/{now_site.station_id}/kiosk",
                                data={"csrf_token": token, "code": card(world.a_volunteer)})
    assert refused.status_code == 404
    assert other.get(f"/stations/{now_site.station_id}/kiosk").status_code == 404


def test_the_card_decodes_to_the_code_the_kiosk_accepts(app, world, now_site, signed_in, card):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    volunteer = signed_in(world.a_volunteer)
    page = volunteer.get("/me/card")
    assert page.status_code == 200 and "王小明" in page.get_data(as_text=True)
    assert world.a_volunteer.volunteer_no in page.get_data(as_text=True)
    png = volunteer.get("/me/card.png")
    [decoded] = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)),
                                                         formats=zxingcpp.BarcodeFormat.QRCode)]
    assert decoded == card(world.a_volunteer)
    assert re.fullmatch(r"V\d+\.\d+\.[A-Za-z0-9_-]+", decoded)  # no personal data in the code
    svg = volunteer.get("/me/card.svg")
    assert svg.mimetype == "image/svg+xml" and b"<path" in svg.data
    assert kiosk_post(signed_in(now_site.lead), now_site.station_id, decoded).status_code == 201


def test_replacing_the_card_revokes_the_old_one(app, world, now_site, signed_in, card):
    old = card(world.a_volunteer)
    volunteer = signed_in(world.a_volunteer)
    token = csrf_from(volunteer.get("/me/card").get_data(as_text=True))
    response = volunteer.client.post("/me/card/replace", data={"csrf_token": token})
    assert response.status_code == 302
    new = card(world.a_volunteer)
    assert new != old
    lead = signed_in(now_site.lead)
    refused = kiosk_post(lead, now_site.station_id, old)
    assert refused.status_code == 400 and "已被新卡替换" in refused.get_data(as_text=True)
    assert kiosk_post(lead, now_site.station_id, new).status_code == 201


def test_staff_without_a_volunteer_profile_have_no_card(world, signed_in):
    assert signed_in(world.a_manager).get("/me/card").status_code == 403


def test_a_kiosk_post_without_a_code_shows_the_kiosk_again(app, now_site, signed_in):
    lead = signed_in(now_site.lead)
    token = csrf_from(lead.get(f"/stations/{now_site.station_id}/kiosk").get_data(as_text=True))
    answer = lead.client.post(f"/stations/{now_site.station_id}/kiosk", data={"csrf_token": token})
    assert answer.status_code == 200 and 'data-outcome' not in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ServiceSession.id))) == 0


def typed_post(person, station_id, number):
    url = f"/stations/{station_id}/kiosk"
    html = person.get(url).get_data(as_text=True)
    token = re.search(r'name="typed-csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    return person.client.post(url, data={"typed-csrf_token": token.group(1), "typed-number": number})


def test_a_lost_card_is_typed_as_a_number_or_phone_and_the_kiosk_lists_who_is_here(app, world, now_site, signed_in,
                                                                                    monkeypatch):
    from volunteer.checkin.models import Scan
    lead = signed_in(now_site.lead)
    page = lead.get(f"/stations/{now_site.station_id}/kiosk").get_data(as_text=True)
    assert "当前在此签到：0 人" in page and "当前没有人在此签到" in page
    number = world.a_volunteer.volunteer_no.lower().replace("1", "１")  # lower-case, a full-width digit
    response = typed_post(lead, now_site.station_id, number)
    html = response.get_data(as_text=True)
    assert response.status_code == 201 and 'data-outcome="checked_in"' in html and "王小明" in html
    assert "当前在此签到：1 人" in html
    listed = html[html.index('data-testid="kiosk-present"'):]
    assert "王小明" in listed and world.a_volunteer.volunteer_no in listed
    with app.app_context():
        assert db.session.scalar(sa.select(Scan.code_kind).order_by(Scan.id.desc())) == "number"
    monkeypatch.setitem(app.config, "SCAN_REPEAT_SECONDS", 0)  # a second scan at once would be taken for a repeat
    out = typed_post(lead, now_site.station_id, world.a_volunteer.phone).get_data(as_text=True)
    assert 'data-outcome="checked_out"' in out and "当前在此签到：0 人" in out
    unknown = typed_post(lead, now_site.station_id, "LX-Z-9-999999")
    assert unknown.status_code == 404 and "没有使用该志愿者编号或手机号的志愿者" in unknown.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ServiceSession.id))) == 1


def test_typing_a_number_is_the_leads_as_the_card_is(app, world, now_site, signed_in):
    for who, status in (("b_admin", 404), ("a_volunteer", 404), ("a_manager", 403)):
        other = signed_in(getattr(world, who))
        token = csrf_from(other.get("/me").get_data(as_text=True))  # their own session's token
        response = other.client.post(f"/stations/{now_site.station_id}/kiosk",
                                     data={"typed-csrf_token": token, "typed-number": world.a_volunteer.volunteer_no})
        assert response.status_code == status, (who, response.status_code)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ServiceSession.id))) == 0


def test_a_typed_check_in_is_flagged_and_approved_by_someone_else(app, world, now_site, signed_in, monkeypatch):
    from volunteer.ledger.models import LedgerEntry
    monkeypatch.setitem(app.config, "SCAN_REPEAT_SECONDS", 0)
    lead = signed_in(now_site.lead)
    typed_post(lead, now_site.station_id, world.a_volunteer.volunteer_no)
    typed_post(lead, now_site.station_id, world.a_volunteer.volunteer_no)
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry))
        assert entry.typed_by_id == now_site.lead.user_id
        entry_id = entry.id
    queue = lead.get("/ledger/queue").get_data(as_text=True)
    assert "输入了志愿者编号" in queue or "输入志愿者编号" in queue
    refused = lead.client.post(f"/ledger/{entry_id}/decide", data={"csrf_token": csrf_from(queue), "decision": "approve"})
    assert refused.status_code == 403
    admin = signed_in(world.a_admin)
    page = admin.get("/ledger/queue").get_data(as_text=True)
    done = admin.client.post(f"/ledger/{entry_id}/decide", data={"csrf_token": csrf_from(page), "decision": "approve"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(LedgerEntry, entry_id).state == "approved"


def test_typing_numbers_is_rate_limited_per_lead(app, world, now_site, signed_in, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_TYPED_RATE_LIMIT", "3 per minute")
    lead = signed_in(now_site.lead)
    answers = [typed_post(lead, now_site.station_id, f"LX-A-1-99999{i}").status_code for i in range(5)]
    assert answers[:3] == [404, 404, 404] and answers[3:] == [429, 429]
