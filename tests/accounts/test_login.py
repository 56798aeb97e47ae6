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
    statuses = [client.post("/login", data={"login": f"1310000000{i}", "password": "wrong-pass1",
                                            "csrf_token": token}).status_code
                for i in range(limit + 1)]
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
    for i in range(limit):
        assert client.post("/api/v1/auth/token", json={"login": f"1310000000{i}", "password": "x"}).status_code == 401
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


def token(client, login, password, address):
    return client.post("/api/v1/auth/token", json={"login": login, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def wait_said(response) -> int:
    """The seconds the answer asks to wait, as its message says them."""
    import re
    return int(re.search(r"(\d+) 秒", response.json["error"]["message"]).group(1))


def test_one_address_guessing_an_account_is_stopped_for_that_account_only(app, client, person):
    per_pair = int(app.config["LOGIN_FAILURE_LIMIT"].split()[0])
    for _ in range(per_pair):
        assert token(client, person.phone, "wrong-pass1", "10.0.0.1").status_code == 401
    blocked = token(client, person.phone, person.password, "10.0.0.1")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "该账号登录失败次数过多" in blocked.json["error"]["message"]
    assert token(client, "13111111111", "x", "10.0.0.1").status_code == 401  # other accounts: tried
    assert token(client, person.phone, person.password, "10.0.0.2").status_code == 200  # the owner elsewhere


def test_guessing_from_many_addresses_slows_the_guesser_but_not_the_owner(app, client, person):
    """The owner signed in from home once; a guesser spread over many addresses spends the free
    failures, then waits longer after each failure; the owner, from home, still signs in."""
    import time
    assert token(client, person.phone, person.password, "10.1.1.1").status_code == 200  # home
    free = app.config["LOGIN_ACCOUNT_FREE_FAILURES"]
    for i in range(free + 1):
        assert token(client, person.phone, "wrong-pass1", f"10.0.0.{i}").status_code == 401
    waited = token(client, person.phone, person.password, "10.0.9.1")  # even the right password
    assert waited.status_code == 429 and 1 <= wait_said(waited) <= 2
    assert token(client, person.phone, person.password, "10.1.1.1").status_code == 200  # home: in at once
    assert token(client, "13111111111", "x", "10.0.9.2").status_code == 401  # another account: no wait
    time.sleep(2.1)
    assert token(client, person.phone, "wrong-pass1", "10.0.9.3").status_code == 401
    longer = token(client, person.phone, person.password, "10.0.9.4")
    assert longer.status_code == 429 and 2 < wait_said(longer) <= 4


def test_with_rate_limits_switched_off_signing_in_still_works(app, client, person):
    """RATELIMIT_ENABLED = False (a load test, a trusted network): the throttle has no storage."""
    from volunteer import create_app
    from volunteer.extensions import limiter
    try:
        bare = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                          RATELIMIT_ENABLED=False)
        answer = bare.test_client().post("/api/v1/auth/token", json={"login": person.phone,
                                                                     "password": person.password})
        assert answer.status_code == 200
    finally:
        limiter.init_app(app)  # the one limiter of the process counts for the tests' app again
