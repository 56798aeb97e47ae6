"""Password reset, end to end: "忘记密码" on the login page sends a one-time code by text message
(the console backend, read from the log) or a link by e-mail (a real SMTP server on loopback); the
code works once, expires, takes a few wrong tries, is rate-limited, answers the same for a login
nobody has, and setting the new password signs out every other session and API token. A league
admin over a volunteer has a code sent to the volunteer; another town's admin learns nothing."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import Browser, csrf_from
from tests.notifications.conftest import body_of, mailbox, smtp  # noqa: F401 (fixtures)
from volunteer.accounts import services as accounts
from volunteer.accounts.errors import ResetCodeRefused
from volunteer.accounts.models import PasswordReset, User
from volunteer.accounts.vocabulary import AccountEvent, CodeChannel
from volunteer.core.models import Event
from volunteer.core.time import utcnow
from volunteer.extensions import db

NEW_PASSWORD = "fresh2027x"
SENT = "如该账号存在，验证码已发送至其手机或邮箱，15 分钟内有效"


@pytest.fixture
def sms(app, monkeypatch, caplog):
    """The console SMS backend: ``sms(phone)`` is the last code texted to that phone."""
    monkeypatch.setitem(app.config, "SMS_BACKEND", "console")
    caplog.set_level(logging.INFO, logger="volunteer.notifications.channels")

    def last_code(phone):
        texts = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"SMS to {phone}: ")]
        assert texts, f"no text message to {phone}"
        return re.search(r"(\d{6})", texts[-1].split(": ", 1)[1])[1]
    last_code.texts = lambda: [r.getMessage() for r in caplog.records if r.getMessage().startswith("SMS to ")]
    return last_code


def ask_for_code(browser, login):
    return browser.post_form("/password-reset", {"login": login})


def set_password(browser, login, code, password=NEW_PASSWORD, url="/password-reset/new"):
    return browser.post_form(url, {"login": login, "code": code, "new_password": password}, form_url=url)


def can_sign_in(app, login, password) -> bool:
    page = Browser(app.test_client()).post_form("/login", {"login": login, "password": password})
    return page.status_code == 302


def text_of(response) -> str:
    return response.get_data(as_text=True)


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" (?:type="hidden" )?value="[^"]+"', "", html)


def test_the_login_page_leads_to_forgot_password(client):
    page = text_of(client.get("/login"))
    assert 'href="/password-reset"' in page and "忘记密码？" in page


def test_a_code_by_text_message_sets_a_new_password_once(app, world, browser, sms, signed_in, api_token):
    person = world.a_volunteer
    other_device, token = signed_in(person), api_token(person)
    assert other_device.get("/me").status_code == 200

    asked = ask_for_code(browser, person.phone)
    assert asked.status_code == 302 and asked.location.endswith("/password-reset/new")
    page = browser.get("/password-reset/new")
    assert SENT in text_of(page) and f'value="{person.phone}"' in text_of(page)  # the login filled in
    code = sms(person.phone)
    assert "15 分钟内有效" in sms.texts()[-1]

    done = set_password(browser, person.phone, code)
    assert done.status_code == 302 and done.location.endswith("/me")
    assert "您的密码已重置" in text_of(browser.get("/me"))  # signed in here, with a new session
    assert not can_sign_in(app, person.phone, person.password) and can_sign_in(app, person.phone, NEW_PASSWORD)
    # every other session and token of the account has ended
    assert other_device.get("/me").status_code == 302
    assert browser.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    again = set_password(Browser(app.test_client()), person.phone, code, password="another2027")
    assert again.status_code == 200 and "此验证码已使用过" in text_of(again)
    assert can_sign_in(app, person.phone, NEW_PASSWORD)
    with app.app_context():
        [row] = db.session.scalars(sa.select(PasswordReset)).all()
        assert row.channel == CodeChannel.SMS and code not in row.code_digest and len(row.code_digest) == 64
        actions = [(e.action, e.actor_id) for e in db.session.scalars(
            sa.select(Event).where(Event.subject_type == "users", Event.subject_id == person.user_id))]
    assert (AccountEvent.RESET_CODE_SENT, None) in actions and (AccountEvent.PASSWORD_RESET, person.user_id) in actions


def test_a_link_by_e_mail_in_the_recipients_language(app, world, browser, smtp, mailbox):  # noqa: F811
    person = world.a_volunteer
    mailbox(person, "wang@example.org", locale="en")
    assert ask_for_code(browser, "Wang@Example.org").status_code == 302
    [message] = smtp.received
    assert message["To"] == "wang@example.org" and message["Subject"] == "Reset your password"
    body = body_of(message)
    assert "valid for 15 minutes" in body
    link = re.search(r"(http://\S+/password-reset/new\?\S+)", body)[1]
    html = message.get_body(preferencelist=("html",)).get_content()
    assert 'href="' in html and "/password-reset/new?" in html

    follow = Browser(app.test_client())
    page = text_of(follow.get(link))
    code = re.search(r"code=(\d{6})", link)[1]
    assert f'value="{code}"' in page and 'value="wang@example.org"' in page
    path = link.split("localhost", 1)[1]
    assert set_password(follow, "wang@example.org", code, url=path).status_code == 302
    assert can_sign_in(app, "wang@example.org", NEW_PASSWORD) and can_sign_in(app, person.phone, NEW_PASSWORD)
    assert "此验证码已使用过" in text_of(set_password(Browser(app.test_client()), "wang@example.org", code))


def test_a_code_sent_to_the_phone_when_the_phone_is_typed_and_to_the_mail_when_the_mail_is(app, world, browser, sms,
                                                                                           smtp, mailbox):  # noqa: F811
    person = world.a_volunteer
    mailbox(person, "wang@example.org")
    ask_for_code(browser, person.phone)
    assert smtp.received == [] and len(sms.texts()) == 1
    ask_for_code(browser, "wang@example.org")
    assert len(smtp.received) == 1 and len(sms.texts()) == 1
    assert "您的密码重置验证码为" in body_of(smtp.received[0])  # Chinese when no language was chosen


def test_without_an_sms_provider_the_code_goes_by_e_mail(app, world, browser, smtp, mailbox):  # noqa: F811
    mailbox(world.a_volunteer, "wang@example.org")
    ask_for_code(browser, world.a_volunteer.phone)
    assert len(smtp.received) == 1


def test_a_code_expires(app, world):
    person = world.a_volunteer
    sent = []
    start = utcnow()
    with app.app_context():
        from volunteer.core import signals

        def keep(user, **words):
            sent.append(words["code"])
            return True
        signals.code_to_send.connect(keep)
        try:
            accounts.request_password_reset(person.phone, now=start)
            db.session.commit()
        finally:
            signals.code_to_send.disconnect(keep)
        late = start + timedelta(seconds=app.config["PASSWORD_RESET_SECONDS"] + 1)
        with pytest.raises(ResetCodeRefused) as refused:
            accounts.reset_password(person.phone, sent[0], NEW_PASSWORD, now=late)
        assert "已过期" in str(refused.value.fields["code"][0])
        db.session.rollback()
        user = accounts.reset_password(person.phone, sent[0], NEW_PASSWORD, now=late - timedelta(seconds=2))
        assert user.id == person.user_id


def test_an_expired_code_is_refused_over_http(app, world, browser, sms, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_SECONDS", 0)
    ask_for_code(browser, world.a_volunteer.phone)
    page = set_password(browser, world.a_volunteer.phone, sms(world.a_volunteer.phone))
    assert page.status_code == 200 and "此验证码已过期，请重新获取。" in text_of(page)
    assert can_sign_in(app, world.a_volunteer.phone, world.a_volunteer.password)


def test_a_newer_code_ends_the_one_before(app, world, browser, sms, monkeypatch):
    from volunteer.accounts.services import reset
    drawn = iter([123456, 654321])  # two different codes, whatever chance would give
    monkeypatch.setattr(reset.secrets, "randbelow", lambda _n: next(drawn))
    phone = world.a_volunteer.phone
    ask_for_code(browser, phone)
    first = sms(phone)
    ask_for_code(browser, phone)
    second = sms(phone)
    assert (first, second) == ("123456", "654321")
    assert "此验证码已过期" in text_of(set_password(browser, phone, first))
    assert set_password(browser, phone, second).status_code == 302


def test_a_few_wrong_codes_end_the_code(app, world, browser, sms):
    phone = world.a_volunteer.phone
    ask_for_code(browser, phone)
    code = sms(phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(app.config["PASSWORD_RESET_TRIES"]):
        page = set_password(browser, phone, wrong)
        assert page.status_code == 200 and "验证码不正确" in text_of(page)
    page = set_password(browser, phone, code)
    assert "验证码输错次数过多" in text_of(page)
    assert can_sign_in(app, phone, world.a_volunteer.password)


def test_a_weak_password_keeps_the_code_for_a_better_one(app, world, browser, sms):
    phone = world.a_volunteer.phone
    ask_for_code(browser, phone)
    code = sms(phone)
    page = set_password(browser, phone, code, password="short")
    assert page.status_code == 200 and "至少" in text_of(page)
    assert set_password(browser, phone, code).status_code == 302


def test_a_known_and_an_unknown_login_get_the_same_answer(app, world, sms):
    answers = []
    for login in (world.a_volunteer.phone, "13999999999", "nobody@example.org"):
        browser = Browser(app.test_client())
        asked = ask_for_code(browser, login)
        page = browser.get(asked.location)
        api = app.test_client().post("/api/v1/auth/password-reset", json={"login": login})
        confirm = app.test_client().post("/api/v1/auth/password-reset/confirm",
                                         json={"login": login, "code": "000000", "new_password": NEW_PASSWORD})
        answers.append((asked.status_code, asked.location,
                        without_tokens(text_of(page)).replace(login, "LOGIN"),
                        api.status_code, api.get_json(), confirm.status_code, confirm.get_json()))
    assert answers[0][0] == 302 and answers[0][3] == 202 and answers[0][5] == 422
    assert answers[0] == answers[1] == answers[2]
    assert len(sms.texts()) == 2  # the known account got its codes; the others nothing


def test_a_code_that_could_not_be_sent_answers_the_same(app, world, browser):
    """No SMS provider and no e-mail: nothing goes, nothing is kept, and the answer tells nothing."""
    asked = ask_for_code(browser, world.a_volunteer.phone)
    assert asked.status_code == 302 and SENT in text_of(browser.get(asked.location))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordReset)) == 0


def test_codes_are_rate_limited_per_login_known_or_not(app, world, sms, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_LOGIN_LIMIT", "2 per hour")
    for login in (world.a_volunteer.phone, "13999999999"):
        client = app.test_client()
        statuses = [client.post("/api/v1/auth/password-reset", json={"login": login}).status_code for _ in range(3)]
        assert statuses == [202, 202, 429]
        refused = client.post("/api/v1/auth/password-reset", json={"login": login})
        assert refused.json["error"]["code"] == "rate_limited" and int(refused.headers["Retry-After"]) > 0
    assert len(sms.texts()) == 2
    # another login from the same address still gets its code
    assert app.test_client().post("/api/v1/auth/password-reset", json={"login": world.b_volunteer.phone}).status_code == 202


def test_codes_are_rate_limited_per_address(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_ADDRESS_LIMIT", "3 per hour")
    client = app.test_client()
    statuses = [client.post("/api/v1/auth/password-reset", json={"login": f"1390000000{n}"}).status_code
                for n in range(4)]
    assert statuses == [202, 202, 202, 429]
    tried = client.post("/api/v1/auth/password-reset/confirm",
                        json={"login": "13900000000", "code": "000000", "new_password": NEW_PASSWORD})
    assert tried.status_code == 429


def test_the_api_resets_a_password_and_ends_every_token(app, world, sms, api_token):
    person = world.a_volunteer
    token = api_token(person)
    client = app.test_client()
    asked = client.post("/api/v1/auth/password-reset", json={"login": person.phone})
    assert asked.status_code == 202 and SENT in asked.json["message"]
    code = sms(person.phone)
    body = {"login": person.phone, "code": code, "new_password": NEW_PASSWORD}
    weak = client.post("/api/v1/auth/password-reset/confirm", json={**body, "new_password": "weak"})
    assert weak.status_code == 422 and "new_password" in weak.json["error"]["fields"]
    done = client.post("/api/v1/auth/password-reset/confirm", json=body)
    assert done.status_code == 200 and "您的密码已重置" in done.json["message"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    signed = client.post("/api/v1/auth/token", json={"login": person.phone, "password": NEW_PASSWORD})
    assert signed.status_code == 200
    again = client.post("/api/v1/auth/password-reset/confirm", json={**body, "new_password": "another2027"})
    assert again.status_code == 422 and again.json["error"]["fields"]["code"] == ["此验证码已使用过，请重新获取。"]


def test_the_api_documents_both_operations(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    asked = paths["/api/v1/auth/password-reset"]["post"]
    confirm = paths["/api/v1/auth/password-reset/confirm"]["post"]
    assert "202" in asked["responses"] and "429" in asked["responses"]
    assert {"200", "422", "429"} <= set(confirm["responses"])
    schema = confirm["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(client.get("/api/v1/openapi.json").json["components"]["schemas"][schema]["properties"]) == {
        "login", "code", "new_password"}


def reset_button(page: str) -> bool:
    return 'data-testid="password-reset"' in page


def test_an_admin_over_the_volunteer_has_a_code_sent_to_them(app, world, signed_in, sms):
    person = world.a_volunteer
    admin = signed_in(world.a_admin)
    detail = f"/volunteers/{person.id}"
    page = text_of(admin.get(detail))
    assert reset_button(page) and "data-confirm=" in page
    sent = admin.post_form(f"{detail}/password-reset", {}, form_url=detail)
    assert sent.status_code == 302 and sent.location.endswith(detail)
    after = text_of(admin.get(detail))
    code = sms(person.phone)
    assert "已通过短信向该志愿者发送设置新密码的验证码" in after and code not in after
    # the volunteer sets their password with the code from their own phone
    done = app.test_client().post("/api/v1/auth/password-reset/confirm",
                                  json={"login": person.phone, "code": code, "new_password": NEW_PASSWORD})
    assert done.status_code == 200
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.action == AccountEvent.RESET_CODE_SENT))
        assert event.actor_id == world.a_admin.id and event.subject_id == person.user_id


def test_an_admin_is_told_when_no_code_could_be_sent(app, world, signed_in):
    admin = signed_in(world.a_admin)
    detail = f"/volunteers/{world.a_volunteer.id}"
    admin.post_form(f"{detail}/password-reset", {}, form_url=detail)
    assert "验证码未能发送，请稍后再试。" in text_of(admin.get(detail))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordReset)) == 0


@pytest.mark.parametrize("who, status", [("b_admin", 404), ("a_manager", 403), ("city_admin", 302)])
def test_only_admins_over_the_volunteer_may_start_a_reset(app, world, signed_in, sms, who, status):
    staff = signed_in(getattr(world, who))
    detail = f"/volunteers/{world.a_volunteer.id}"
    token = csrf_from(text_of(staff.get("/me")))
    answer = staff.client.post(f"{detail}/password-reset", data={"csrf_token": token})
    assert answer.status_code == status
    assert (len(sms.texts()) == 1) is (status == 302)
    if who == "a_manager":
        assert not reset_button(text_of(staff.get(detail)))


def test_the_event_log_says_who_reset_what(app, world, browser, sms, signed_in):
    phone = world.a_volunteer.phone
    ask_for_code(browser, phone)
    set_password(browser, phone, sms(phone))
    log = text_of(signed_in(world.a_admin).get("/events"))
    assert "发送了密码重置验证码" in log and "用验证码重置了登录密码" in log


def test_a_closed_account_gets_no_code(app, world, browser, sms):
    with app.app_context():
        user = db.session.get(User, world.a_volunteer.user_id)
        accounts.close_account(user, password=world.a_volunteer.password, now=utcnow())
        db.session.commit()
    ask_for_code(browser, world.a_volunteer.phone)
    assert sms.texts() == []
