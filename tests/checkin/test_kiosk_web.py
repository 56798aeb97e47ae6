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
