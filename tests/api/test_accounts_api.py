"""Bearer tokens, /me, the export, the privacy notice and the API's error shape."""
import re

import pytest

from tests.conftest import csrf_from
from volunteer.accounts import privacy


@pytest.fixture
def person(factory):
    factory.org("LX", kind="city")
    factory.org("LX-A", parent="LX")
    return factory.volunteer("LX-A", name="王小明", email="wang@example.com")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_token_gives_access_and_revocation_ends_it(client, person, api_token):
    token = api_token(person)
    me = client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json["volunteer_no"] == person.volunteer_no
    assert client.delete("/api/v1/auth/token", headers=bearer(token)).status_code == 204
    again = client.get("/api/v1/me", headers=bearer(token))
    assert again.status_code == 401
    assert again.json["error"]["code"] == "invalid_token"


def test_token_answer_has_an_expiry(client, person):
    response = client.post("/api/v1/auth/token", json={"login": person.phone, "password": person.password})
    assert response.status_code == 200
    assert set(response.json) == {"token", "expires_at"}
    assert re.match(r"\d{4}-\d\d-\d\dT", response.json["expires_at"])


def test_revoking_one_token_keeps_the_others(client, person, api_token):
    first, second = api_token(person), api_token(person)
    client.delete("/api/v1/auth/token", headers=bearer(first))
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200


def test_wrong_password_is_401_in_the_error_shape(client, person):
    response = client.post("/api/v1/auth/token", json={"login": person.phone, "password": "nope1234"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json == {"error": {"code": "invalid_credentials", "message": "Wrong login or password."}}


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic abc", "Bearer"])
def test_a_bad_authorization_header_is_401(client, person, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_token"


def test_me_without_credentials_is_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"


def test_me_is_masked(client, person, api_token):
    me = client.get("/api/v1/me", headers=bearer(api_token(person))).json
    assert me["phone_masked"] == person.phone[:3] + "****" + person.phone[-4:]
    assert me["id_number_masked"] == person.id_number[:6] + "********" + person.id_number[-4:]
    body = str(me)
    assert person.phone not in body and person.id_number not in body
    assert me["approved_hours"] == 0 and me["star_level"] == 0 and me["open_session"] is None
    assert me["roles"] == []


def test_me_lists_staff_roles(client, factory, person, api_token):
    admin = factory.staff("league_admin", "LX-A")
    me = client.get("/api/v1/me", headers=bearer(api_token(admin))).json
    assert me["roles"] == [{"role": "league_admin", "organisation_code": "LX-A"}]
    assert me["volunteer_no"] is None


def test_export_holds_everything_about_the_caller_unmasked(client, person, api_token):
    token = api_token(person)
    data = client.get("/api/v1/me/export", headers=bearer(token)).json
    assert data["volunteer"]["id_number"] == person.id_number
    assert data["account"]["phone"] == person.phone
    assert data["account"]["email"] == "wang@example.com"
    assert data["volunteer"]["name"] == "王小明"
    assert data["volunteer"]["consent_version"] == privacy.CURRENT_VERSION
    assert any(e["action"] == "volunteer.registered" for e in data["events"])
    assert all("digest" not in t for t in data["api_tokens"])


def test_privacy_notice_in_both_languages(client):
    zh = client.get("/api/v1/privacy").json
    en = client.get("/api/v1/privacy", headers={"Accept-Language": "en-US,en;q=0.9"}).json
    assert zh["version"] == en["version"] == privacy.CURRENT_VERSION
    assert "身份证" in zh["text"]
    assert "ID number" in en["text"]


def test_validation_errors_in_chinese_and_english(client, factory, person):
    data = factory.volunteer_data("LX-A")
    data["id_number"] = "110105194912310021"  # wrong check digit
    data["phone"] = "12345"
    zh = client.post("/api/v1/volunteers", json=data)
    en = client.post("/api/v1/volunteers", json=data, headers={"Accept-Language": "en"})
    for response in (zh, en):
        assert response.status_code == 422
        assert response.json["error"]["code"] == "validation_failed"
        assert set(response.json["error"]["fields"]) == {"id_number", "phone"}
        assert all(isinstance(m, str) for msgs in response.json["error"]["fields"].values() for m in msgs)
    assert "校验位" in zh.json["error"]["fields"]["id_number"][0]
    assert "check digit" in en.json["error"]["fields"]["id_number"][0]
    assert "手机" in zh.json["error"]["fields"]["phone"][0]
    assert "mobile number" in en.json["error"]["fields"]["phone"][0]
    assert zh.json["error"]["message"] != en.json["error"]["message"]


def test_schema_errors_are_translated_too(client):
    zh = client.post("/api/v1/volunteers", json={"name": 5})
    en = client.post("/api/v1/volunteers", json={"name": 5}, headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 422
    assert en.json["error"]["fields"]["phone"] == ["This field is required."]
    assert en.json["error"]["fields"]["name"] == ["Must be text."]
    assert zh.json["error"]["fields"]["phone"] != ["This field is required."]


def test_bad_json_is_a_clear_error_not_a_500(client):
    response = client.post("/api/v1/volunteers", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "error" in response.json


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json == {"error": {"code": "not_found", "message": "Not found."}}


def test_method_not_allowed_is_json(client):
    response = client.put("/api/v1/privacy")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"


def test_api_with_a_session_cookie_reads_but_never_writes_without_csrf(app, browser, person):
    browser.login(person.phone, person.password)
    assert browser.get("/api/v1/me").status_code == 200
    refused = browser.client.delete("/api/v1/auth/token")
    assert refused.status_code == 400
    assert refused.json["error"]["code"] == "csrf_failed"
    token = csrf_from(browser.get("/").get_data(as_text=True))
    allowed = browser.client.delete("/api/v1/auth/token", headers={"X-CSRFToken": token})
    assert allowed.status_code == 204


def test_organisations_are_public_and_filter_by_parent(client, person):
    everything = client.get("/api/v1/organisations").json
    assert everything["total"] == 2
    assert everything["items"][0] == {"code": "LX", "name": "LX", "kind": "city", "parent_code": None}
    children = client.get("/api/v1/organisations?parent=LX").json
    assert [o["code"] for o in children["items"]] == ["LX-A"]
    assert client.get("/api/v1/organisations?parent=NOPE").status_code == 404


def test_list_pagination_limits(client, person):
    page = client.get("/api/v1/organisations?per_page=1&page=2").json
    assert (page["page"], page["per_page"], page["total"], len(page["items"])) == (2, 1, 2, 1)
    too_many = client.get("/api/v1/organisations?per_page=101", headers={"Accept-Language": "en"})
    assert too_many.status_code == 422
    assert too_many.json["error"]["fields"] == {"per_page": ["Must be between 1 and 100."]}


def test_an_expired_token_is_refused(app, client, person, api_token):
    from datetime import timedelta

    import sqlalchemy as sa

    from volunteer.accounts.models import ApiToken
    from volunteer.core.time import utcnow
    from volunteer.extensions import db
    token = api_token(person)
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_export_holds_no_one_elses_personal_data(client, factory, person, api_token, signed_in):
    admin = factory.staff("league_admin", "LX-A")
    signed_in(admin).post_form("/organisations/LX-A/staff", {"login": person.phone, "role": "manager"})
    body = client.get("/api/v1/me/export", headers=bearer(api_token(person))).get_data(as_text=True)
    assert admin.phone not in body
    assert '"role": "manager"' in body or '"role":"manager"' in body
