"""Registration on the web and through the API: adults, minors, every refusal per field."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_id_number
from volunteer.accounts import privacy
from volunteer.accounts.models import User, Volunteer
from volunteer.core.models import Event
from volunteer.extensions import db


def years_ago(years: int, days: int = 30) -> date:
    today = date.today()
    return today.replace(year=today.year - years) - timedelta(days=days)


@pytest.fixture
def town(factory):
    factory.org("LX", "临溪市团委", kind="city")
    return factory.org("LX-A", "甲镇团委", parent="LX")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_adult_registers_through_the_api_and_gets_a_volunteer_number(app, client, factory, town):
    data = factory.volunteer_data("LX-A", name="王小明", born=years_ago(30))
    response = client.post("/api/v1/volunteers", json=data)
    assert response.status_code == 201, response.json
    assert response.json["volunteer_no"] == "LX-A-000001"
    with app.app_context():
        volunteer = db.session.get(Volunteer, response.json["id"])
        assert volunteer.name == "王小明"
        assert volunteer.id_number == data["id_number"]
        # stored encrypted: the raw column does not contain the number
        assert data["id_number"].encode() not in volunteer.id_number_encrypted
        assert volunteer.consent_version == privacy.CURRENT_VERSION
        assert volunteer.birth_date == years_ago(30)
        assert volunteer.gender == "male"
        assert volunteer.guardian_name is None
        event = db.session.scalar(sa.select(Event).where(Event.action == "volunteer.registered"))
        assert event.subject_id == volunteer.id
        assert data["id_number"] not in str(event.after)


def test_volunteer_numbers_follow_the_organisation_sequence(factory, town):
    first = factory.volunteer("LX-A")
    second = factory.volunteer("LX-A")
    assert (first.volunteer_no, second.volunteer_no) == ("LX-A-000001", "LX-A-000002")


def test_names_in_any_script_are_kept(factory, town):
    for name in ("买买提·艾力", "Zhang San", "欧阳娜娜"):
        factory.volunteer("LX-A", name=name)


def test_fifteen_year_old_without_guardian_is_refused(app, client, factory, town):
    data = factory.volunteer_data("LX-A", born=years_ago(15))
    response = client.post("/api/v1/volunteers", json=data)
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) >= {"guardian.name", "guardian.phone", "guardian.consent"}
    assert "guardian.sensitive_consent" not in fields
    assert count(app, Volunteer) == 0 and count(app, User) == 0


def test_fifteen_year_old_whose_guardian_did_not_consent_is_refused(client, factory, town):
    data = factory.volunteer_data("LX-A", born=years_ago(15),
                                  guardian={"name": "王大明", "phone": "13912345678", "consent": False})
    response = client.post("/api/v1/volunteers", json=data)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["guardian.consent"]


def test_fifteen_year_old_with_guardian_consent_registers(app, client, factory, town):
    data = factory.volunteer_data("LX-A", born=years_ago(15), political_status="league_member",
                                  guardian={"name": "王大明", "phone": "13912345678", "consent": True})
    response = client.post("/api/v1/volunteers", json=data)
    assert response.status_code == 201, response.json
    with app.app_context():
        volunteer = db.session.get(Volunteer, response.json["id"])
        assert volunteer.guardian_name == "王大明"
        assert volunteer.guardian_consent_at is not None
        assert volunteer.guardian_sensitive_consent_at is None
        assert volunteer.political_status == "league_member"


def test_under_fourteen_needs_separate_consent_and_keeps_the_least_data(app, client, factory, town):
    guardian = {"name": "王大明", "phone": "13912345678", "consent": True}
    data = factory.volunteer_data("LX-A", born=years_ago(12), guardian=guardian,
                                  school_or_employer="临溪一小", skills="绘画")
    response = client.post("/api/v1/volunteers", json=data)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["guardian.sensitive_consent"]

    data["guardian"]["sensitive_consent"] = True
    response = client.post("/api/v1/volunteers", json=data)
    assert response.status_code == 201
    with app.app_context():
        volunteer = db.session.get(Volunteer, response.json["id"])
        assert volunteer.guardian_sensitive_consent_at is not None
        assert volunteer.school_or_employer is None and volunteer.skills is None


def test_every_bad_field_is_reported_at_once_and_nothing_is_written(app, client, factory, town):
    response = client.post("/api/v1/volunteers", json={
        "name": "", "phone": "12345", "id_number": "110105194912310021", "password": "short",
        "organisation_code": "NOPE", "consent_version": "1999-01"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "name", "phone", "id_number", "password", "organisation_code", "consent_version"}
    assert count(app, User) == 0


def test_the_same_id_number_or_phone_cannot_register_twice(client, factory, town):
    first = factory.volunteer("LX-A")
    data = factory.volunteer_data("LX-A")
    data["id_number"] = first.id_number.lower()
    data["phone"] = first.phone
    response = client.post("/api/v1/volunteers", json=data)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"id_number", "phone"}


def test_missing_json_fields_are_named(client, town):
    response = client.post("/api/v1/volunteers", json={"name": "王小明"})
    assert response.status_code == 422
    assert {"phone", "id_number", "password", "organisation_code", "consent_version"} <= set(
        response.json["error"]["fields"])


def test_web_registration_signs_the_volunteer_in(app, browser, factory, town):
    data = factory.volunteer_data("LX-A", name="赵六")
    form = {k: data[k] for k in ("name", "phone", "id_number", "password", "organisation_code")}
    form.update(consent="y", consent_version=privacy.CURRENT_VERSION)
    response = browser.post_form("/register", form)
    assert response.status_code == 302
    profile = browser.get("/me").get_data(as_text=True)
    assert "赵六" in profile and "LX-A-000001" in profile
    # the owner sees their own full ID number and phone
    assert data["id_number"] in profile and data["phone"] in profile


def test_web_registration_without_consent_shows_the_error_on_the_form(app, browser, factory, town):
    data = factory.volunteer_data("LX-A", born=years_ago(15))
    form = {k: data[k] for k in ("name", "phone", "id_number", "password", "organisation_code")}
    browser.client.set_cookie("lang", "en")
    response = browser.post_form("/register", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please read and agree to the current privacy notice." in html
    assert "need their guardian" in html
    assert count(app, User) == 0


def test_minor_without_guardian_is_refused_on_the_web_in_chinese(app, browser, factory, town):
    data = factory.volunteer_data("LX-A", born=years_ago(15))
    form = {k: data[k] for k in ("name", "phone", "id_number", "password", "organisation_code")}
    form.update(consent="y", consent_version=privacy.CURRENT_VERSION)
    html = browser.post_form("/register", form).get_data(as_text=True)
    assert "监护人" in html
    assert count(app, User) == 0


def test_concurrent_numbers_never_collide(app, factory, town):
    """Two organisations' counters are independent and each is gap-free in order."""
    factory.org("LX-B", parent="LX")
    numbers = [factory.volunteer(code).volunteer_no for code in ("LX-A", "LX-B", "LX-A")]
    assert numbers == ["LX-A-000001", "LX-B-000001", "LX-A-000002"]


def test_id_of_a_child_born_today_is_not_yet_registrable_without_guardian(client, factory, town):
    data = factory.volunteer_data("LX-A")
    data["id_number"] = make_id_number(date.today())
    response = client.post("/api/v1/volunteers", json=data)
    assert response.status_code == 422
    assert "guardian.sensitive_consent" in response.json["error"]["fields"]


def test_registration_is_rate_limited_per_address(app, client, town):
    limit = int(app.config["REGISTRATION_RATE_LIMIT"].split()[0])
    statuses = [client.post("/api/v1/volunteers", json={"name": "x"}).status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [422] * limit
    assert statuses[limit] == 429


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_digits_of_other_scripts_are_the_same_person_and_the_same_phone(app, client, factory, town):
    """Issue 13, finding 1: `1１０１…` registered beside `110…` (one person, two records), and
    `139０…` as a second account. Identifiers are made ASCII before every check."""
    first = factory.volunteer_data("LX-A", born=years_ago(30))
    assert client.post("/api/v1/volunteers", json=first).status_code == 201
    again = factory.volunteer_data("LX-A", born=years_ago(30))
    again["id_number"] = first["id_number"][:1] + first["id_number"][1:].translate(FULL_WIDTH)
    refused = client.post("/api/v1/volunteers", json=again)
    assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"id_number"}
    other = factory.volunteer_data("LX-A", born=years_ago(25))
    other["phone"] = first["phone"][:3] + first["phone"][3:].translate(ARABIC_INDIC)
    refused = client.post("/api/v1/volunteers", json=other)
    assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"phone"}
    assert count(app, Volunteer) == 1 and count(app, User) == 1
    # the owner signs in with the digits their keyboard gives
    signed = client.post("/api/v1/auth/token", json={"login": first["phone"].translate(FULL_WIDTH),
                                                     "password": first["password"]})
    assert signed.status_code == 200


def test_a_number_typed_in_full_width_registers_as_ascii(app, client, factory, town):
    data = factory.volunteer_data("LX-A", born=years_ago(30))
    typed = {**data, "phone": data["phone"].translate(FULL_WIDTH), "id_number": data["id_number"].translate(FULL_WIDTH)}
    assert client.post("/api/v1/volunteers", json=typed).status_code == 201
    with app.app_context():
        volunteer = db.session.scalar(sa.select(Volunteer))
        assert volunteer.id_number == data["id_number"] and volunteer.user.phone == data["phone"]
