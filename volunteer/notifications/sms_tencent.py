"""Text messages through Tencent Cloud SMS (腾讯云短信, SendSms of API 2021-01-11) with its official
SDK: one templated message to one number, the provider's serial number back, and every failure
(settings, network, the SDK, the provider refusing) a DeliveryFailed, so the outbox tries again."""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import SendSmsRequest
from tencentcloud.sms.v20210111.sms_client import SmsClient

from volunteer.notifications.errors import DeliveryFailed

log = logging.getLogger(__name__)

REQUIRED = ("TENCENT_SECRET_ID", "TENCENT_SECRET_KEY", "TENCENT_SMS_APP_ID", "TENCENT_SMS_SIGN")
DEFAULT_REGION = "ap-guangzhou"
# The SDK's own default is 60 s; a provider that hangs must not hold a delivery worker that long.
TIMEOUT_SECONDS = 10
SUCCESS = "Ok"
_MAINLAND_MOBILE = re.compile(r"1\d{10}")


def send(config: Mapping, phone: str, template_id: str, params: list[str]) -> str:
    """Send template ``template_id`` filled with ``params`` to ``phone``; return the SerialNo."""
    settings = _settings(config)
    request = SendSmsRequest()
    request.PhoneNumberSet = [e164(phone)]
    request.SmsSdkAppId = settings["TENCENT_SMS_APP_ID"]
    request.SignName = settings["TENCENT_SMS_SIGN"]
    request.TemplateId = str(template_id)
    request.TemplateParamSet = [str(param) for param in params]
    try:
        response = _client(config, settings).SendSms(request)
    except DeliveryFailed:
        raise
    except TencentCloudSDKException as exc:
        # Its code and message name the cause (AuthFailure.SignatureFailure, ClientNetworkError, …).
        request_id = f" (request {exc.get_request_id()})" if exc.get_request_id() else ""
        raise DeliveryFailed(f"Tencent SMS {exc.get_code()}: {exc.get_message()}{request_id}") from exc
    except Exception as exc:  # anything the SDK lets through unwrapped: try again later all the same
        raise DeliveryFailed(f"Tencent SMS {type(exc).__name__}: {exc}") from exc
    statuses = response.SendStatusSet or []
    if len(statuses) != 1:
        raise DeliveryFailed(f"Tencent SMS answered {len(statuses)} send statuses for one number "
                             f"(request {response.RequestId})")
    status = statuses[0]
    if status.Code != SUCCESS:
        raise DeliveryFailed(f"Tencent SMS {status.Code}: {status.Message} (request {response.RequestId})")
    log.info("Tencent SMS sent: template %s, serial %s", template_id, status.SerialNo)
    return status.SerialNo


def e164(phone: str | None) -> str:
    """The app keeps mainland mobiles as 11 digits; Tencent wants +86 before them. A number that
    already has its country code (+…) is Tencent's form as it is."""
    number = (phone or "").strip()
    if not number:
        raise DeliveryFailed("no phone number")
    if number.startswith("+"):
        return number
    if _MAINLAND_MOBILE.fullmatch(number):
        return "+86" + number
    # Not echoed: the number is personal data and the delivery that failed names its recipient.
    raise DeliveryFailed("the phone number is neither 11 mainland digits nor E.164 (+country code)")


def _settings(config: Mapping) -> dict[str, str]:
    values = {name: str(config.get(name) or "").strip() for name in REQUIRED}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise DeliveryFailed(f"Tencent SMS is not configured: {', '.join(missing)} not set")
    return values


def _client(config: Mapping, settings: Mapping[str, str]) -> SmsClient:
    scheme = str(config.get("TENCENT_SMS_SCHEME") or "https").strip().lower()
    if scheme not in ("http", "https"):
        raise DeliveryFailed(f"TENCENT_SMS_SCHEME must be http or https, not {scheme!r}")
    # None keeps the SDK's own host (sms.tencentcloudapi.com); tests point it at a loopback server.
    endpoint = str(config.get("TENCENT_SMS_ENDPOINT") or "").strip() or None
    http = HttpProfile(protocol=scheme, endpoint=endpoint, reqMethod="POST", reqTimeout=TIMEOUT_SECONDS)
    profile = ClientProfile(signMethod="TC3-HMAC-SHA256", httpProfile=http)
    region = str(config.get("TENCENT_SMS_REGION") or DEFAULT_REGION).strip()
    credential = Credential(settings["TENCENT_SECRET_ID"], settings["TENCENT_SECRET_KEY"])
    return SmsClient(credential, region, profile)
