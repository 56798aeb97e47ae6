"""Tencent Cloud SMS through its real SDK, against a loopback HTTP server that answers as Tencent's
API does: it checks the headers SendSms carries and verifies the TC3-HMAC-SHA256 signature with
the secret key, computed here from Tencent's documented algorithm (not the SDK's), so a request it
accepts is one the real service would accept. No app or database: the config is a plain dict."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import socket
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from volunteer.notifications import sms_tencent
from volunteer.notifications.channels import DeliveryFailed

SECRET_ID = "AKIDvolunteerTest0123456789abcdefXYZ"
SECRET_KEY = "volunteerTestSecretKey0123456789"
APP_ID = "1400006666"
SIGN = "志愿服务"
TEMPLATE = "1234567"
PARAMS = ["社区助老服务", "2024-05-01 09:00"]
SKEW_SECONDS = 300  # Tencent refuses a signature more than five minutes off (AuthFailure.SignatureExpire)
AUTHORIZATION = re.compile(r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[^/]+)"
                           r"/tc3_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def tc3_signature(secret_key: str, *, method: str, path: str, query: str, headers: dict[str, str],
                  signed_headers: list[str], payload: bytes, timestamp: int, service: str) -> str:
    """Tencent Cloud API 3.0's signature v3, step by step as its documentation gives it."""
    canonical_headers = "".join(f"{name}:{headers[name].strip().lower()}\n" for name in sorted(signed_headers))
    canonical_request = "\n".join([method, path, query, canonical_headers, ";".join(sorted(signed_headers)),
                                   hashlib.sha256(payload).hexdigest()])
    date = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    string_to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), f"{date}/{service}/tc3_request",
                                hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()])
    signing_key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), date), service), "tc3_request")
    return hmac.new(signing_key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


class _Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.code, self.message = code, message


class FakeTencent(ThreadingHTTPServer):
    """sms.tencentcloudapi.com on loopback. ``requests``: the bodies it accepted (with their
    headers); ``refused``: the codes it answered instead; ``send_code``: the SendStatus Code it
    gives accepted messages; ``stall``: hold every request until the test ends."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.refused: list[str] = []
        self.serials: list[str] = []
        self.send_code = "Ok"
        self.stall = False
        self.released = threading.Event()

    @property
    def endpoint(self) -> str:
        return "%s:%d" % self.server_address[:2]


class _Handler(BaseHTTPRequestHandler):
    server: FakeTencent

    def log_message(self, format, *args):  # keep pytest's output clean
        pass

    def do_POST(self):  # noqa: N802 (http.server's name)
        if self.server.stall:
            self.server.released.wait(30)
            return
        payload = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request_id = str(uuid.uuid4())
        try:
            body = self._accept(payload)
        except _Refused as refused:
            self.server.refused.append(refused.code)
            self._answer({"Error": {"Code": refused.code, "Message": refused.message}, "RequestId": request_id})
            return
        self.server.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        self._answer({"SendStatusSet": [self._status(number) for number in body["PhoneNumberSet"]],
                      "RequestId": request_id})

    def _accept(self, payload: bytes) -> dict:
        """What Tencent checks before it sends: the action and version, then the signature."""
        headers = {k.lower(): v for k, v in self.headers.items()}
        if headers.get("x-tc-action") != "SendSms":
            raise _Refused("InvalidAction", f"unknown action {headers.get('x-tc-action')!r}")
        if headers.get("x-tc-version") != "2021-01-11":
            raise _Refused("NoSuchVersion", f"unknown version {headers.get('x-tc-version')!r}")
        if not headers.get("x-tc-region"):
            raise _Refused("MissingParameter", "X-TC-Region is missing")
        self._verify_signature(headers, payload)
        if headers.get("content-type") != "application/json":
            raise _Refused("InvalidParameter", "a POST must carry JSON")
        body = json.loads(payload)
        for field in ("PhoneNumberSet", "SmsSdkAppId", "TemplateId"):
            if not body.get(field):
                raise _Refused("MissingParameter", f"{field} is missing")
        return body

    def _verify_signature(self, headers: dict[str, str], payload: bytes) -> None:
        found = AUTHORIZATION.fullmatch(headers.get("authorization", ""))
        if not found:
            raise _Refused("AuthFailure.InvalidAuthorization", "Authorization is not TC3-HMAC-SHA256")
        if found["id"] != SECRET_ID:
            raise _Refused("AuthFailure.SecretIdNotFound", "The SecretId is not found")
        timestamp = int(headers.get("x-tc-timestamp") or 0)
        if abs(time.time() - timestamp) > SKEW_SECONDS:
            raise _Refused("AuthFailure.SignatureExpire", "The signature has expired")
        signed = found["signed"].split(";")
        if not {"content-type", "host"} <= set(signed) or not set(signed) <= set(headers):
            raise _Refused("AuthFailure.InvalidAuthorization", "SignedHeaders must name content-type and host")
        path, _, query = self.path.partition("?")
        expected = tc3_signature(SECRET_KEY, method=self.command, path=path, query=query, headers=headers,
                                 signed_headers=signed, payload=payload, timestamp=timestamp, service="sms")
        if found["service"] != "sms" or not hmac.compare_digest(found["signature"], expected):
            raise _Refused("AuthFailure.SignatureFailure", "The provided credentials could not be validated. "
                                                           "Please check your signature is correct.")

    def _status(self, number: str) -> dict:
        if self.server.send_code != "Ok":
            return {"SerialNo": "", "PhoneNumber": number, "Fee": 0, "SessionContext": "",
                    "Code": self.server.send_code, "Message": "the provider refused this message",
                    "IsoCode": "CN"}
        serial = f"2433:{uuid.uuid4().hex[:20]}"
        self.server.serials.append(serial)
        return {"SerialNo": serial, "PhoneNumber": number, "Fee": 1, "SessionContext": "", "Code": "Ok",
                "Message": "send success", "IsoCode": "CN"}

    def _answer(self, response: dict) -> None:
        # Tencent answers its errors with 200 too; the SDK reads Error only from this exact type.
        data = json.dumps({"Response": response}).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def tencent(monkeypatch):
    # The SDK (through requests) would send even a loopback request to a proxy named here.
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = FakeTencent()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def config(tencent) -> dict:
    return {"TENCENT_SECRET_ID": SECRET_ID, "TENCENT_SECRET_KEY": SECRET_KEY, "TENCENT_SMS_APP_ID": APP_ID,
            "TENCENT_SMS_SIGN": SIGN, "TENCENT_SMS_ENDPOINT": tencent.endpoint, "TENCENT_SMS_SCHEME": "http"}


def test_a_message_is_sent_once_with_its_template_sign_app_and_the_number_in_e164(tencent, config):
    serial = sms_tencent.send(config, "13800138000", TEMPLATE, PARAMS)

    assert tencent.refused == []
    assert len(tencent.requests) == 1
    sent = tencent.requests[0]
    assert sent["body"] == {"PhoneNumberSet": ["+8613800138000"], "SmsSdkAppId": APP_ID, "SignName": SIGN,
                            "TemplateId": TEMPLATE, "TemplateParamSet": PARAMS}
    assert sent["headers"]["x-tc-region"] == "ap-guangzhou"
    assert serial == tencent.serials[0]


def test_a_number_with_its_country_code_goes_as_it_is_to_the_configured_region(tencent, config):
    config["TENCENT_SMS_REGION"] = "ap-nanjing"

    serial = sms_tencent.send(config, "+85261234567", TEMPLATE, [])

    assert tencent.requests[0]["body"]["PhoneNumberSet"] == ["+85261234567"]
    assert tencent.requests[0]["body"]["TemplateParamSet"] == []
    assert tencent.requests[0]["headers"]["x-tc-region"] == "ap-nanjing"
    assert serial == tencent.serials[0]


@pytest.mark.parametrize("code", ["LimitExceeded.PhoneNumberDailyLimit", "FailedOperation.TemplateIncorrectOrUnapproved"])
def test_a_refusal_by_the_provider_fails_the_delivery_naming_its_code(tencent, config, code):
    tencent.send_code = code

    with pytest.raises(DeliveryFailed, match=re.escape(code)) as failed:
        sms_tencent.send(config, "13800138000", TEMPLATE, PARAMS)

    assert "the provider refused this message" in str(failed.value)
    assert len(tencent.requests) == 1  # it reached Tencent, which said no
    assert tencent.serials == []


def test_a_wrong_secret_key_is_refused_by_the_signature_check(tencent, config, caplog):
    caplog.set_level(logging.DEBUG)  # the SDK's own debug lines included
    config["TENCENT_SECRET_KEY"] = "notTheKeyTencentHasForThisId000"

    with pytest.raises(DeliveryFailed, match=r"AuthFailure\.SignatureFailure") as failed:
        sms_tencent.send(config, "13800138000", TEMPLATE, PARAMS)

    assert tencent.refused == ["AuthFailure.SignatureFailure"]
    assert tencent.requests == []
    assert config["TENCENT_SECRET_KEY"] not in str(failed.value) + caplog.text


def test_the_secret_key_is_never_logged(tencent, config, caplog):
    caplog.set_level(logging.DEBUG)

    sms_tencent.send(config, "13800138000", TEMPLATE, PARAMS)

    assert tencent.serials and "Tencent SMS sent" in caplog.text
    assert SECRET_KEY not in caplog.text


def test_a_server_that_is_down_fails_the_delivery_quickly(config):
    with socket.socket() as held:  # bound, never listening: the port refuses, and no one else takes it
        held.bind(("127.0.0.1", 0))
        config["TENCENT_SMS_ENDPOINT"] = "127.0.0.1:%d" % held.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(DeliveryFailed, match="ClientNetworkError"):
            sms_tencent.send(config, "13800138000", TEMPLATE, PARAMS)
    assert time.monotonic() - started < 3


def test_a_server_that_never_answers_fails_the_delivery_after_the_timeout(tencent, config, monkeypatch):
    monkeypatch.setattr(sms_tencent, "TIMEOUT_SECONDS", 1)  # the real 10 s, shortened for the test
    tencent.stall = True
    started = time.monotonic()

    with pytest.raises(DeliveryFailed, match="ClientNetworkError"):
        sms_tencent.send(config, "13800138000", TEMPLATE, PARAMS)

    assert 0.9 <= time.monotonic() - started < 5


@pytest.mark.parametrize("setting", sms_tencent.REQUIRED)
@pytest.mark.parametrize("value", [None, "", "  "])
def test_a_missing_setting_fails_the_delivery_naming_it(tencent, config, setting, value):
    if value is None:
        del config[setting]
    else:
        config[setting] = value

    with pytest.raises(DeliveryFailed, match=re.escape(setting)) as failed:
        sms_tencent.send(config, "13800138000", TEMPLATE, PARAMS)

    assert [name for name in sms_tencent.REQUIRED if name in str(failed.value)] == [setting]
    assert tencent.requests == [] and tencent.refused == []


def test_every_missing_setting_is_named_at_once():
    with pytest.raises(DeliveryFailed) as failed:
        sms_tencent.send({}, "13800138000", TEMPLATE, PARAMS)

    assert all(name in str(failed.value) for name in sms_tencent.REQUIRED)


def test_an_unknown_scheme_fails_the_delivery(tencent, config):
    config["TENCENT_SMS_SCHEME"] = "ftp"

    with pytest.raises(DeliveryFailed, match="TENCENT_SMS_SCHEME"):
        sms_tencent.send(config, "13800138000", TEMPLATE, PARAMS)

    assert tencent.requests == [] and tencent.refused == []


@pytest.mark.parametrize("phone, expected", [("13800138000", "+8613800138000"), (" 13800138000 ", "+8613800138000"),
                                             ("+8613800138000", "+8613800138000"), ("+447911123456", "+447911123456")])
def test_numbers_are_put_in_e164(phone, expected):
    assert sms_tencent.e164(phone) == expected


@pytest.mark.parametrize("phone", [None, "", "12345", "23800138000", "138001380001", "8613800138000"])
def test_a_number_that_is_not_a_mainland_mobile_nor_e164_is_not_sent(tencent, config, phone):
    with pytest.raises(DeliveryFailed):
        sms_tencent.send(config, phone, TEMPLATE, PARAMS)

    assert tencent.requests == [] and tencent.refused == []
