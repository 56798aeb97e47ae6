"""Web push: a browser subscribes on the profile page, and a notice reaches its push service on
loopback encrypted for that browser (aes128gcm, decrypted here with the browser's own keys) and
signed with the deployment's VAPID key (checked here against the key the page gave out); a
subscription the push service forgot is dropped; pushes wait out the quiet hours; bad
subscriptions change nothing."""
from __future__ import annotations

import base64
import json
import os
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.checkin.fixtures import DAY, local
from tests.conftest import csrf_from
from tests.notifications.test_outbox import apply_and_accept, send
from volunteer.accounts.models import User
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.notifications import services as notifications
from volunteer.notifications.models import Delivery, PushSubscription
from volunteer.notifications.vocabulary import Channel, DeliveryState, NoticeKind


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService(ThreadingHTTPServer):
    """A browser vendor's push service on loopback: keeps what it is sent, answers ``status``."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.status = 201

    def endpoint(self, name: str) -> str:
        return "http://%s:%d/push/%s" % (*self.server_address[:2], name)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                     "body": body})
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def push_service():
    server = PushService()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


class Browser:
    """A browser's own push keys, as PushManager.subscribe() makes them."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self) -> dict:
        point = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(point), "auth": b64(self.auth)}}

    def read(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def subscribe(person_browser, subscription) -> int:
    page = person_browser.get("/me").get_data(as_text=True)
    return person_browser.client.post("/me/notifications/push", json=subscription,
                                      headers={"X-CSRFToken": csrf_from(page)}).status_code


def send_when_allowed(app):
    """Send as the periodic job would once pushes may go: now, or in the night the morning after
    the quiet hours (the tests run at any hour)."""
    with app.app_context():
        at = notifications.quiet_until(utcnow())
    return send(app, at=at)


def push_on(app, person, kind):
    with app.app_context():
        notifications.change_settings(db.session.get(User, person.user_id), [(kind, Channel.PUSH, True)], now=local(8))
        db.session.commit()


def verify_vapid(header: str, public_key: str, audience: str) -> dict:
    """The Authorization header a push service checks: a JWT signed (ES256) with the VAPID key."""
    token, key = re.fullmatch(r"vapid t=([^,]+),\s*k=(\S+)", header).groups()
    assert key == public_key
    head, claims, signature = token.split(".")
    raw = unb64(signature)
    verifier = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
    verifier.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                    f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    payload = json.loads(unb64(claims))
    assert payload["aud"] == audience and payload["sub"].startswith("mailto:")
    return payload


def test_a_browser_subscribed_on_the_profile_page_gets_the_notice_encrypted_and_signed(
        app, world, position, signed_in, push_service):
    volunteer = signed_in(world.a_volunteer)
    page = volunteer.get("/me").get_data(as_text=True)
    key = re.search(r'data-key="([^"]+)"', page).group(1)
    browser = Browser(push_service.endpoint("a1"))
    assert subscribe(volunteer, browser.subscription()) == 204
    assert "已在 1 个浏览器上开启" in volunteer.get("/me").get_data(as_text=True)
    push_on(app, world.a_volunteer, NoticeKind.APPLICATION_ACCEPTED)

    apply_and_accept(app, world, position)
    send_when_allowed(app)

    [pushed] = push_service.received
    assert pushed["path"] == "/push/a1" and pushed["headers"]["content-encoding"] == "aes128gcm"
    verify_vapid(pushed["headers"]["authorization"], key, "http://%s:%d" % push_service.server_address[:2])
    message = browser.read(pushed["body"])
    assert message["title"] == "报名已被录用" and "陪伴老人" in message["body"]
    assert message["url"] == f"/projects/{position.project_id}"
    with app.app_context():
        assert db.session.scalars(sa.select(Delivery.state).where(Delivery.channel == Channel.PUSH)).all() == [
            DeliveryState.SENT]
    send_when_allowed(app)
    assert len(push_service.received) == 1  # sent once


def test_a_subscription_the_push_service_forgot_is_dropped(app, world, position, signed_in, push_service):
    volunteer = signed_in(world.a_volunteer)
    assert subscribe(volunteer, Browser(push_service.endpoint("gone")).subscription()) == 204
    push_on(app, world.a_volunteer, NoticeKind.APPLICATION_ACCEPTED)
    push_service.status = 410
    apply_and_accept(app, world, position)
    send_when_allowed(app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0
        delivery = db.session.scalar(sa.select(Delivery).where(Delivery.channel == Channel.PUSH))
        assert delivery.state == DeliveryState.DUE and "gone" in delivery.error
        # with no browser left, push no longer reaches them: a later notice waits for no push
        assert not notifications.reachable(db.session.get(User, world.a_volunteer.user_id), Channel.PUSH)


def test_a_push_written_at_night_waits_for_the_morning(app, world, position, signed_in, push_service):
    volunteer = signed_in(world.a_volunteer)
    assert subscribe(volunteer, Browser(push_service.endpoint("n")).subscription()) == 204
    push_on(app, world.a_volunteer, NoticeKind.APPLICATION_ACCEPTED)
    with app.app_context():
        user = db.session.get(User, world.a_volunteer.user_id)
        notice = notifications.write_notice(user.id, NoticeKind.APPLICATION_ACCEPTED, user, {}, None,
                                            organisation_id=None, now=local(23, 30))
        db.session.commit()
        [delivery] = notice.deliveries
        assert delivery.next_attempt_at == local(7, day=DAY + timedelta(days=1))
    assert send(app, at=local(23, 45))[DeliveryState.SENT] == 0 and push_service.received == []


def test_bad_subscriptions_are_refused_and_change_nothing(app, world, signed_in, push_service, monkeypatch):
    volunteer = signed_in(world.a_volunteer)
    good = Browser(push_service.endpoint("x")).subscription()
    short_key = {**good, "keys": {**good["keys"], "p256dh": b64(b"\x04" * 10)}}
    no_auth = {**good, "keys": {"p256dh": good["keys"]["p256dh"]}}
    nul = {**good, "endpoint": good["endpoint"] + "\x00"}
    for bad in (short_key, no_auth, nul, {"endpoint": "ftp://x/y", "keys": good["keys"]}, [], "text"):
        assert subscribe(volunteer, bad) == 422, bad
    # outside tests the push service must be https and on the public internet: not this machine
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOCAL_ENDPOINTS", False)
    for local_one in (good["endpoint"], "https://127.0.0.1/push/x", "https://localhost/push/x", "https://10.0.0.7/p"):
        assert subscribe(volunteer, {**good, "endpoint": local_one}) == 422, local_one
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


def test_the_same_browser_signed_in_as_someone_else_is_theirs_and_turning_off_ends_it(
        app, world, signed_in, push_service):
    browser = Browser(push_service.endpoint("shared"))
    first, second = signed_in(world.a_volunteer), signed_in(world.b_volunteer)
    assert subscribe(first, browser.subscription()) == 204
    assert subscribe(second, browser.subscription()) == 204
    with app.app_context():
        owners = db.session.scalars(sa.select(PushSubscription.user_id)).all()
    assert owners == [world.b_volunteer.user_id]
    page = second.get("/me").get_data(as_text=True)
    # ending another's browser does nothing; one's own is ended
    assert first.client.post("/me/notifications/push/delete", json={"endpoint": browser.endpoint},
                             headers={"X-CSRFToken": csrf_from(first.get("/me").get_data(as_text=True))}).status_code == 204
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 1
    everywhere = second.client.post("/me/notifications/push/delete", data={"csrf_token": csrf_from(page)},
                                    follow_redirects=True)
    assert "已在 1 个浏览器上关闭推送通知" in everywhere.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


def test_without_a_vapid_key_the_profile_offers_no_push(app, world, signed_in, monkeypatch):
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", None)
    page = signed_in(world.a_volunteer).get("/me").get_data(as_text=True)
    assert 'data-testid="push-box"' not in page


def test_the_personal_data_download_names_the_push_services_not_the_endpoints(app, world, signed_in, push_service):
    volunteer = signed_in(world.a_volunteer)
    browser = Browser(push_service.endpoint("secret-part"))
    assert subscribe(volunteer, browser.subscription()) == 204
    data = volunteer.get("/me/export").get_json()
    assert [s["push_service"] for s in data["push_subscriptions"]] == ["127.0.0.1"]
    assert "secret-part" not in str(data)


def test_a_person_keeps_ten_browsers_at_most_the_newest(app, world, signed_in, push_service):
    volunteer = signed_in(world.a_volunteer)
    for n in range(12):
        assert subscribe(volunteer, Browser(push_service.endpoint(f"b{n}")).subscription()) == 204
    with app.app_context():
        kept = db.session.scalars(sa.select(PushSubscription.endpoint).order_by(PushSubscription.id)).all()
    assert [e.rsplit("/", 1)[1] for e in kept] == [f"b{n}" for n in range(2, 12)]


def test_an_endpoint_is_asked_again_before_each_send(app, world, position, signed_in, push_service, monkeypatch):
    """A name that pointed to the internet when the browser subscribed may point inside since."""
    volunteer = signed_in(world.a_volunteer)
    assert subscribe(volunteer, Browser(push_service.endpoint("moved")).subscription()) == 204
    push_on(app, world.a_volunteer, NoticeKind.APPLICATION_ACCEPTED)
    apply_and_accept(app, world, position)
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOCAL_ENDPOINTS", False)
    send_when_allowed(app)
    assert push_service.received == []
    with app.app_context():
        delivery = db.session.scalar(sa.select(Delivery).where(Delivery.channel == Channel.PUSH))
        assert delivery.state == DeliveryState.DUE and "not a public push service" in delivery.error
