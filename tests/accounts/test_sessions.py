"""Browser sessions that end: signing out ends a copied cookie too, sessions time out when idle
and after a fixed time, every sign-in starts a new one, and "sign out everywhere" ends them all."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import Browser
from volunteer.accounts.models import User, UserSession
from volunteer.core.models import Event
from volunteer.extensions import db


@pytest.fixture
def person(factory):
    factory.org("LX", kind="city")
    return factory.volunteer("LX")


def copy_of(app, browser) -> Browser:
    """Another browser holding a copy of this one's session cookie (as a thief would)."""
    thief = Browser(app.test_client())
    thief.client.set_cookie("session", browser.client.get_cookie("session").value)
    return thief


def signed_in_as(browser, person) -> bool:
    page = browser.get("/me")
    return page.status_code == 200 and person.volunteer_no in page.get_data(as_text=True)


def test_signing_out_ends_a_copied_cookie_too(app, signed_in, person):
    owner = signed_in(person)
    thief = copy_of(app, owner)
    assert signed_in_as(thief, person)  # the copy works while the session lasts
    owner.logout()
    assert not signed_in_as(owner, person)
    assert not signed_in_as(thief, person)
    assert thief.get("/me").status_code == 302


def move_session(app, person, **back):
    with app.app_context():
        row = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == person.user_id,
                                                             UserSession.ended_at.is_(None)))
        for column, seconds in back.items():
            setattr(row, column, getattr(row, column) - timedelta(seconds=seconds))
        db.session.commit()


@pytest.mark.parametrize("column, setting, ends", [
    ("last_seen_at", "SESSION_IDLE_SECONDS", True),
    ("created_at", "SESSION_ABSOLUTE_SECONDS", True),
    ("last_seen_at", None, False),
])
def test_sessions_time_out_when_idle_and_after_a_fixed_time(app, signed_in, person, column, setting, ends):
    browser = signed_in(person)
    seconds = app.config[setting] + 5 if setting else app.config["SESSION_IDLE_SECONDS"] - 120
    move_session(app, person, **{column: seconds})
    assert signed_in_as(browser, person) is not ends
    if ends:
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)
                                     .where(UserSession.ended_at.is_(None))) == 0


def test_every_sign_in_starts_a_new_session(app, browser, person):
    """A cookie planted before signing in (session fixation) signs nobody in after, and each
    sign-in has a session of its own."""
    browser.get("/login")
    planted = copy_of(app, browser)
    browser.login(person.phone, person.password)
    assert signed_in_as(browser, person) and not signed_in_as(planted, person)
    browser.logout()
    browser.login(person.phone, person.password)
    with app.app_context():
        rows = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == person.user_id)).all()
        assert len(rows) == 2 and [r.ended_at is None for r in rows].count(True) == 1


def test_sign_out_everywhere_ends_every_browser_and_the_apps_tokens(app, client, signed_in, api_token, person):
    phone, laptop = signed_in(person), signed_in(person)
    token = api_token(person)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    done = laptop.post_form("/me/sign-out-everywhere", {}, form_url="/me")
    assert done.status_code == 302
    assert not signed_in_as(laptop, person) and not signed_in_as(phone, person)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(
            Event.action == "user.signed_out_everywhere", Event.subject_id == person.user_id)) == 1
    laptop.login(person.phone, person.password)  # and one may sign in again
    assert signed_in_as(laptop, person)


def test_a_new_password_ends_the_other_browsers_sessions(app, signed_in, person):
    mine, other = signed_in(person), signed_in(person)
    changed = mine.post_form("/me/password", {"current_password": person.password, "new_password": "newpass123"})
    assert changed.status_code == 302
    assert signed_in_as(mine, person) and not signed_in_as(other, person)


def test_a_closed_account_signs_nobody_in(app, signed_in, person):
    mine = signed_in(person)
    thief = copy_of(app, mine)
    with app.app_context():
        db.session.get(User, person.user_id).active = False
        db.session.commit()
    assert not signed_in_as(thief, person) and not signed_in_as(mine, person)


def test_an_operator_signs_an_account_out_everywhere(app, signed_in, person):
    browser = signed_in(person)
    result = app.test_cli_runner().invoke(args=["users", "sign-out", person.phone])
    assert result.exit_code == 0, result.output
    assert not signed_in_as(browser, person)
    unknown = app.test_cli_runner().invoke(args=["users", "sign-out", "13999999999"])
    assert unknown.exit_code != 0 and "No account" in unknown.output
