"""The volunteer's own data: see it, correct it, export it, close the account."""
import json

import sqlalchemy as sa

from volunteer.accounts.models import ApiToken, User, Volunteer
from volunteer.core.models import Event
from volunteer.extensions import db


def test_profile_shows_the_owner_everything(world, signed_in):
    html = signed_in(world.a_volunteer).get("/me").get_data(as_text=True)
    assert world.a_volunteer.id_number in html and world.a_volunteer.phone in html
    assert world.a_volunteer.volunteer_no in html


def test_profile_edit_is_logged(app, world, signed_in):
    me = signed_in(world.a_volunteer)
    response = me.post_form("/me/edit", {"email": "ming@example.com", "political_status": "league_member",
                                         "school_or_employer": "临溪一中", "skills": "摄影",
                                         "current_password": world.a_volunteer.password})
    assert response.status_code == 302
    with app.app_context():
        volunteer = db.session.get(Volunteer, world.a_volunteer.id)
        assert volunteer.political_status == "league_member" and volunteer.skills == "摄影"
        assert volunteer.user.email == "ming@example.com"
        event = db.session.scalar(sa.select(Event).where(Event.action == "volunteer.profile_updated"))
        assert event.after["skills"] == "摄影" and event.before["skills"] is None


def test_a_new_email_needs_the_current_password(app, world, signed_in):
    """Whoever finds the browser signed in cannot take the account over by changing its login."""
    me = signed_in(world.a_volunteer)
    for password in ("", "wrong-pass1"):
        html = me.post_form("/me/edit", {"email": "thief@example.com", "current_password": password,
                                         "skills": "摄影"}).get_data(as_text=True)
        assert "请输入当前密码以修改邮箱" in html
    with app.app_context():
        user = db.session.get(User, world.a_volunteer.user_id)
        assert user.email is None and user.volunteer.skills is None
    kept = me.post_form("/me/edit", {"skills": "摄影"})  # the rest needs no password
    assert kept.status_code == 302


def test_profile_edit_refuses_an_email_someone_else_uses(app, world, signed_in, factory):
    factory.volunteer("LX-A-1", email="taken@example.com")
    me = signed_in(world.a_volunteer)
    me.client.set_cookie("lang", "en")
    html = me.post_form("/me/edit", {"email": "taken@example.com"}).get_data(as_text=True)
    assert "already registered" in html


def test_export_downloads_json_with_the_owners_data(world, signed_in):
    response = signed_in(world.a_volunteer).get("/me/export")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["volunteer"]["id_number"] == world.a_volunteer.id_number
    assert data["volunteer"]["name"] == "王小明"


def test_closing_an_account_erases_personal_data_and_keeps_the_number(app, world, signed_in, api_token):
    token = api_token(world.a_volunteer)
    me = signed_in(world.a_volunteer)
    refused = me.post_form("/me/close", {"password": "wrong-pass1", "confirm": "y"})
    assert refused.status_code == 200
    response = me.post_form("/me/close", {"password": world.a_volunteer.password, "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        volunteer = db.session.get(Volunteer, world.a_volunteer.id)
        assert volunteer.volunteer_no == world.a_volunteer.volunteer_no
        assert volunteer.name is None and volunteer.id_number_encrypted is None
        assert volunteer.id_number_hash is None and volunteer.closed_at is not None
        user = db.session.get(User, world.a_volunteer.user_id)
        assert user.phone is None and not user.is_active
        assert db.session.scalar(sa.select(ApiToken).where(ApiToken.revoked_at.is_(None))) is None
        assert db.session.scalar(sa.select(Event).where(Event.action == "account.closed")) is not None
    # the bearer token stopped working and the staff page shows a pseudonym, no data
    from flask import Flask  # noqa: F401
    client = app.test_client()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    html = signed_in(world.a_admin).get(f"/volunteers/{world.a_volunteer.id}").get_data(as_text=True)
    assert "王小明" not in html and world.a_volunteer.volunteer_no in html


def test_closed_id_number_can_register_again(client, world, signed_in, factory):
    me = signed_in(world.a_volunteer)
    me.post_form("/me/close", {"password": world.a_volunteer.password, "confirm": "y"})
    data = factory.volunteer_data("LX-A-1")
    data["id_number"] = world.a_volunteer.id_number
    data["phone"] = world.a_volunteer.phone
    assert client.post("/api/v1/volunteers", json=data).status_code == 201


def test_closing_needs_the_confirmation_box(app, world, signed_in):
    me = signed_in(world.a_volunteer)
    response = me.post_form("/me/close", {"password": world.a_volunteer.password})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(User, world.a_volunteer.user_id).is_active
