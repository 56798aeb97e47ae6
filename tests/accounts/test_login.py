"""Sign-in by phone or e-mail, sign-out, password change, the login rate limit."""
import pytest

from tests.conftest import csrf_from


@pytest.fixture
def person(factory):
    factory.org("LX", kind="city")
    return factory.volunteer("LX")


@pytest.mark.parametrize("which", ["phone", "email"])
def test_sign_in_by_phone_or_email(app, client, browser, factory, which):
    factory.org("LX", kind="city")
    person = factory.volunteer("LX", email="Xiao.Ming@Example.com")
    login = person.phone if which == "phone" else "xiao.ming@example.com"
    browser.login(login, person.password)
    assert person.volunteer_no in browser.get("/me").get_data(as_text=True)


def test_wrong_password_and_unknown_login_get_the_same_answer(client, browser, person):
    browser.client.set_cookie("lang", "en")
    wrong = browser.post_form("/login", {"login": person.phone, "password": "wrong-pass1"})
    unknown = browser.post_form("/login", {"login": "13111111111", "password": "wrong-pass1"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Wrong login or password." in response.get_data(as_text=True)
    assert browser.get("/me").status_code == 302  # still signed out


def test_sign_out_ends_the_session(browser, person):
    browser.login(person.phone, person.password)
    assert browser.get("/me").status_code == 200
    browser.logout()
    response = browser.get("/me")
    assert response.status_code == 302 and "/login" in response.location


def test_sign_out_needs_a_csrf_token(browser, person):
    browser.login(person.phone, person.password)
    assert browser.client.post("/logout").status_code == 400
    assert browser.get("/me").status_code == 200


def test_next_is_followed_only_within_the_site(browser, person):
    response = browser.post_form("/login?next=/me", {"login": person.phone, "password": person.password, "next": "/me"},
                                 form_url="/login?next=/me")
    assert response.location.endswith("/me")
    browser.logout()
    response = browser.post_form("/login", {"login": person.phone, "password": person.password,
                                            "next": "https://evil.example/"})
    assert "evil" not in response.location


def test_change_password_signs_out_other_sessions(app, browser, signed_in, person):
    other_device = signed_in(person)
    browser.login(person.phone, person.password)
    response = browser.post_form("/me/password", {"current_password": person.password,
                                                  "new_password": "newsecret456"})
    assert response.status_code == 302
    assert browser.get("/me").status_code == 200          # this device follows the change
    assert other_device.get("/me").status_code == 302     # the other one is signed out
    browser.logout()
    bad = browser.post_form("/login", {"login": person.phone, "password": person.password})
    assert bad.status_code == 200
    browser.login(person.phone, "newsecret456")


def test_change_password_refuses_a_wrong_current_password_or_a_weak_one(browser, person):
    browser.login(person.phone, person.password)
    browser.client.set_cookie("lang", "en")
    html = browser.post_form("/me/password", {"current_password": "nope12345",
                                              "new_password": "short"}).get_data(as_text=True)
    assert "The current password is wrong." in html
    assert "At least 8 characters." in html


def test_login_is_rate_limited_per_address(app, client, person):
    page = client.get("/login")
    token = csrf_from(page.get_data(as_text=True))
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = [client.post("/login", data={"login": person.phone, "password": "wrong-pass1",
                                            "csrf_token": token}).status_code
                for _ in range(limit + 1)]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429
    blocked = client.post("/login", data={"login": person.phone, "password": person.password,
                                          "csrf_token": token})
    assert blocked.status_code == 429  # even the right password waits
    assert "尝试次数过多" in blocked.get_data(as_text=True)
    # Another address is not affected.
    other = client.post("/login", data={"login": person.phone, "password": person.password,
                                        "csrf_token": token}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 302


def test_api_token_endpoint_is_rate_limited_too(app, client, person):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        assert client.post("/api/v1/auth/token", json={"login": person.phone, "password": "x"}).status_code == 401
    response = client.post("/api/v1/auth/token", json={"login": person.phone, "password": person.password})
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"


def test_closed_account_cannot_sign_in(app, browser, person):
    browser.login(person.phone, person.password)
    response = browser.post_form("/me/close", {"password": person.password, "confirm": "y"})
    assert response.status_code == 302
    assert browser.get("/me").status_code == 302
    again = browser.post_form("/login", {"login": person.phone, "password": person.password})
    assert again.status_code == 200


def test_web_and_api_share_one_counter_per_address(app, client, person):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for i in range(limit):
        if i % 2:
            client.post("/api/v1/auth/token", json={"login": f"1310000000{i}", "password": "x"})
        else:
            client.post("/login", data={"login": f"1310000000{i}", "password": "x", "csrf_token": token})
    assert client.post("/api/v1/auth/token", json={"login": person.phone, "password": person.password}).status_code == 429


def test_guessing_one_account_from_many_addresses_is_limited(app, client, person):
    per_account = int(app.config["LOGIN_ACCOUNT_RATE_LIMIT"].split()[0])
    for i in range(per_account):
        response = client.post("/api/v1/auth/token", json={"login": person.phone, "password": "wrong-pass1"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{i}"})
        assert response.status_code == 401
    blocked = client.post("/api/v1/auth/token", json={"login": person.phone, "password": person.password},
                          environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert blocked.status_code == 429
    # another person's account is not affected
    other = client.post("/api/v1/auth/token", json={"login": "13111111111", "password": "x"},
                        environ_base={"REMOTE_ADDR": "10.0.1.2"})
    assert other.status_code == 401


def test_behind_a_trusted_proxy_the_client_address_counts(app, person):
    from volunteer import create_app
    proxied = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         TRUSTED_PROXIES=1)
    client = proxied.test_client()
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for i in range(limit + 1):
        client.post("/api/v1/auth/token", json={"login": f"1310000{i:04d}", "password": "x"},
                    headers={"X-Forwarded-For": "203.0.113.7"})
    other_client = client.post("/api/v1/auth/token", json={"login": person.phone, "password": person.password},
                               headers={"X-Forwarded-For": "203.0.113.8"})
    assert other_client.status_code == 200


def test_the_csrf_token_changes_at_sign_in(browser, person):
    """Issue 13, finding 9: a token seen on a page before signing in (a shared computer, a
    page someone else opened) must not work in the signed-in session."""
    before = csrf_from(browser.get("/login").get_data(as_text=True))
    browser.login(person.phone, person.password)
    after = csrf_from(browser.get("/me/password").get_data(as_text=True))
    assert after != before
    stale = browser.client.post("/logout", data={"csrf_token": before})
    assert stale.status_code == 400 and browser.get("/me").status_code == 200  # refused: still signed in
