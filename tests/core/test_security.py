"""Security headers, cookie flags, CSRF on every form, and error pages in the user's language."""
import pytest
from flask import abort

from config import ConfigurationError
from volunteer import create_app


def test_security_headers_on_pages_and_api(client):
    for url in ("/", "/api/v1/privacy"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site(browser, factory):
    factory.org("LX", kind="city")
    person = factory.volunteer("LX")
    response = browser.login(person.phone, person.password)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@localhost/db")
    from cryptography.fernet import Fernet
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", Fernet.generate_key().decode())
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "DATA_ENCRYPTION_KEY"])
def test_production_refuses_to_start_without_its_secrets(monkeypatch, missing):
    from cryptography.fernet import Fernet
    values = {"SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://u@localhost/db",
              "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigurationError) as info:
        create_app("production")
    assert missing in str(info.value)


def test_production_refuses_a_malformed_encryption_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@localhost/db")
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", "not-a-key")
    with pytest.raises(ConfigurationError, match="Fernet"):
        create_app("production")


@pytest.mark.parametrize("url, data", [
    ("/login", {"login": "13800000000", "password": "x"}),
    ("/register", {"name": "王"}),
    ("/logout", {}),
])
def test_forms_without_a_csrf_token_are_refused(client, url, data):
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True) or "expired" in response.get_data(as_text=True)


def test_not_found_page_in_chinese_by_default_and_english_on_request(client):
    zh = client.get("/no-such-page")
    assert zh.status_code == 404
    assert '<html lang="zh-CN">' in zh.get_data(as_text=True)
    assert "页面不存在" in zh.get_data(as_text=True)
    client.set_cookie("lang", "en")
    en = client.get("/no-such-page")
    assert "Page not found" in en.get_data(as_text=True)


def test_web_ignores_browser_language_and_starts_in_chinese(client):
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in html


def test_language_switch_sets_a_cookie_and_stays_on_site(client, browser):
    response = browser.post_form("/lang/en?next=/privacy", {}, form_url="/privacy")
    assert response.status_code == 302 and response.location.endswith("/privacy")
    assert "lang=en" in response.headers["Set-Cookie"]
    assert "Privacy notice" in client.get("/privacy").get_data(as_text=True)
    evil = browser.post_form("/lang/zh_CN?next=//evil.example/", {}, form_url="/privacy")
    assert "evil" not in evil.location
    assert client.get("/lang/en").status_code == 405
    assert client.post("/lang/zh_CN").status_code == 400  # no CSRF token


def test_signed_in_users_keep_their_language(app, browser, factory):
    factory.org("LX", kind="city")
    person = factory.volunteer("LX")
    browser.login(person.phone, person.password)
    browser.post_form("/lang/en", {}, form_url="/")
    fresh = app.test_client()  # another device: no cookie, same account
    from tests.conftest import Browser
    other = Browser(fresh)
    other.login(person.phone, person.password)
    assert "My profile" in other.get("/me").get_data(as_text=True)


def test_server_error_page_and_api_error_do_not_leak_details(app):
    app_ = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      PROPAGATE_EXCEPTIONS=False)

    @app_.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app_.route("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internals")

    @app_.route("/forbidden")
    def forbidden():
        abort(403)

    client = app_.test_client()
    page = client.get("/boom")
    assert page.status_code == 500 and "secret internals" not in page.get_data(as_text=True)
    assert "服务器" in page.get_data(as_text=True)
    api = client.get("/api/v1/boom", headers={"Accept-Language": "en"})
    assert api.status_code == 500 and api.json["error"]["code"] == "internal_error"
    assert "secret" not in api.get_data(as_text=True)
    assert client.get("/forbidden").status_code == 403
