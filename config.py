"""Configuration classes.

Development is the default and needs nothing installed: a SQLite file under ``instance/`` and
secrets generated on first start into ``instance/dev-secrets.json`` (never committed).
``DATABASE_URL`` switches to PostgreSQL (psycopg 3); ``REDIS_URL`` moves rate limits to Redis.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
from datetime import date
from pathlib import Path

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


class ConfigurationError(RuntimeError):
    """Raised when the app is started without the settings it cannot run without."""


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` and ``postgresql://`` forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def new_vapid_key() -> str:
    """A web-push (VAPID) signing key: a P-256 private key, base64url of its 32 bytes."""
    from cryptography.hazmat.primitives.asymmetric import ec
    raw = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value.to_bytes(32, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _dev_secrets() -> dict[str, str]:
    """Secrets for a local checkout: generated once, kept in instance/, outside git; one a newer
    version needs is added to the file on the next start."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "dev-secrets.json"
    values = json.loads(path.read_text()) if path.exists() else {}
    makers = {"SECRET_KEY": lambda: secrets.token_urlsafe(48),
              "DATA_ENCRYPTION_KEY": lambda: Fernet.generate_key().decode(), "VAPID_PRIVATE_KEY": new_vapid_key}
    missing = {key: make() for key, make in makers.items() if key not in values}
    if missing:
        values.update(missing)
        path.write_text(json.dumps(values))
        path.chmod(0o600)
    return values


class Config:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "中文", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    # A browser session ends after this long without a request, and this long after signing in.
    SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", 2 * 60 * 60))
    SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60))
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # bound to the session instead of a clock

    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # Redis unreachable: count the same limits per worker process meanwhile (as without REDIS_URL)
    # rather than answer 500; Flask-Limiter goes back to Redis once it answers (bench/faults.py).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Signing in (volunteer/accounts/limits.py): every attempt per client address; failures per
    # account and address; and per account from anywhere a growing wait after the free failures,
    # which the addresses the account signed in from lately do not have to sit out.
    LOGIN_RATE_LIMIT = "10 per minute"
    LOGIN_FAILURE_LIMIT = "10 per 15 minutes"
    LOGIN_ACCOUNT_FREE_FAILURES = 10
    LOGIN_ACCOUNT_MAX_DELAY_SECONDS = 300
    REGISTRATION_RATE_LIMIT = "20 per hour"
    # Password reset (accounts/services/reset.py): a code is good for this long, once, and for a
    # few wrong tries; codes are asked for at most so often per login typed (the same for a login
    # nobody has), and codes asked for and tried at most so often per client address. The e-mail's
    # link starts with PUBLIC_URL (set it in production: else the request's own host is used).
    PASSWORD_RESET_SECONDS = int(os.environ.get("PASSWORD_RESET_SECONDS", 15 * 60))
    PASSWORD_RESET_TRIES = 5
    PASSWORD_RESET_LOGIN_LIMIT = "3 per 15 minutes;10 per day"
    PASSWORD_RESET_ADDRESS_LIMIT = "20 per hour"

    # Proxies in front of the app (e.g. 1 for nginx): their X-Forwarded-For gives the client
    # address that rate limits count by. 0 trusts no header.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # A TrueType-outline CJK font for PDFs (Debian: fonts-wqy-microhei; Noto CJK is CFF and
    # cannot be embedded by reportlab).
    CJK_FONT_PATH = os.environ.get("CJK_FONT_PATH", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

    API_TOKEN_TTL_DAYS = 30
    API_PAGE_MAX = 100

    # Check-in rules (DESIGN.md, "Rules the records follow").
    SCAN_REPEAT_SECONDS = 60            # the same scan again within this answers "unchanged"
    SESSIONS_PER_PROJECT_DAY = 3        # check-in/check-out pairs per volunteer, project and day
    SESSION_MAX_MINUTES = 12 * 60       # an open session is closed by the system after this
    SESSION_CLOSE_GRACE_MINUTES = 30    # check-out still counts this long after the station closes
    STATION_DEFAULT_RADIUS_M = 300      # for a station with coordinates but no radius
    LOCATION_RETENTION_DAYS = 90        # distances from check-ins are forgotten after this

    # Crediting (DESIGN.md): of each started hour, under 15 min counts 0, 15-45 half, over 45 a full
    # hour. Change the version whenever the figures change: entries keep the version they got.
    CREDIT_RULE = {"version": "2020-quarter", "zero_below": 15, "full_above": 45}
    DAILY_LEAD_LIMIT_MINUTES = 8 * 60     # a day's credit up to this needs only the lead
    DAILY_PARENT_LIMIT_MINUTES = 12 * 60  # up to this an admin of the organisation above; beyond, the top
    # Public holidays, not working days when entries are judged overdue: LEDGER_HOLIDAYS=2027-02-08,...
    # (a bad date stops the start). Make-up working weekends stay weekends: flagged later, never earlier.
    LEDGER_HOLIDAYS = tuple(date.fromisoformat(d.strip())
                            for d in os.environ.get("LEDGER_HOLIDAYS", "").split(",") if d.strip())
    JOB_STALE_SECONDS = 120      # a running job silent this long lost its worker: it may be resumed
    JOB_TIMEOUT_SECONDS = 6 * 3600  # RQ stops a job after this
    VERIFY_RATE_LIMIT = "30 per minute"  # public certificate verification, per client address
    # A lead typing volunteer numbers or phones at the kiosk (a lost card), per lead: enough for a
    # queue of people without cards, too few to try numbers and learn whose they are.
    KIOSK_TYPED_RATE_LIMIT = "20 per minute"
    # The calendar feed (/calendar/<token>.ics), per client address. Calendar apps fetch it every
    # hour or so; a service that fetches for many people from one address (a web calendar) shares
    # one counter, hence generous. Guessing a token (256 bits) is hopeless whatever the limit.
    CALENDAR_FEED_RATE_LIMIT = os.environ.get("CALENDAR_FEED_RATE_LIMIT", "120 per minute")
    PUBLIC_URL = os.environ.get("PUBLIC_URL")  # e.g. https://volunteer.example.org, for QR codes made by jobs
    CERTIFICATE_LAYOUT_PATH = os.environ.get("CERTIFICATE_LAYOUT_PATH")  # JSON replacing parts of layout.py
    LEDGER_EXPORT_MAX_ROWS = 100_000  # beyond this an export is refused: narrow the filter (or a report job)
    STAR_THRESHOLDS_HOURS = (100, 300, 600, 1000, 1500)
    YEARLY_EXPECTED_HOURS = int(os.environ.get("YEARLY_EXPECTED_HOURS", "20"))  # dashboards count who is below
    # A read-only engine (a replica) for the dashboards' and reports' queries; the main one without it.
    REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL")

    # Notifications (volunteer/notifications/): e-mail through Flask-Mailman over SMTP with MAIL_*
    # ("console" writes messages to the log instead, for development); SMS only through a provider
    # (SMS_BACKEND; "console" logs them); deliveries retried after 1, 2, 4, ... minutes and given
    # up after NOTIFY_MAX_ATTEMPTS; a claim older than NOTIFY_CLAIM_STALE_SECONDS is taken again.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console" if os.environ.get("MAIL_SERVER") is None else "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "") == "1"
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "志愿服务 <noreply@localhost>")
    SMS_BACKEND = os.environ.get("SMS_BACKEND")  # None: nothing is sent by SMS; "console"; "tencent"
    # The provider's approved templates: {"starts_in_an_hour": "1234567", "reset_code": "...", ...}
    SMS_TEMPLATES = json.loads(os.environ.get("SMS_TEMPLATES") or "{}")
    # Tencent Cloud SMS (SMS_BACKEND=tencent): an API key, the SMS application and its approved signature.
    TENCENT_SECRET_ID = os.environ.get("TENCENT_SECRET_ID")
    TENCENT_SECRET_KEY = os.environ.get("TENCENT_SECRET_KEY")
    TENCENT_SMS_APP_ID = os.environ.get("TENCENT_SMS_APP_ID")
    TENCENT_SMS_SIGN = os.environ.get("TENCENT_SMS_SIGN")
    TENCENT_SMS_REGION = os.environ.get("TENCENT_SMS_REGION", "ap-guangzhou")
    NOTIFY_IN_BACKGROUND = True
    NOTIFY_RETRY_SECONDS = 60
    NOTIFY_MAX_ATTEMPTS = 5
    NOTIFY_CLAIM_STALE_SECONDS = 600
    NOTIFY_QUIET_HOURS = (22, 7)  # text messages and pushes written from 22:00 wait until 07:00
    NOTIFY_DIGEST_HOUR = 19  # a day's decided hours go out by e-mail, SMS or push in one message then
    NOTIFY_MORNING_HOUR = 8  # leads hear of overdue entries from then on
    # Shifts: sign-up opens 7 days before a shift and closes at its start; a place is cancelled up
    # to 12 h before (then leave is asked); an offer of a freed place waits 2 h (half the time left
    # when less); at most 12 h of shifts a day; a check-in counts for a shift from 30 minutes
    # before it; sign-ups are held after SHIFT_NO_SHOW_LIMIT no-shows in SHIFT_NO_SHOW_DAYS (None: never).
    SHIFT_SIGNUP_OPENS_DAYS = 7
    SHIFT_CANCEL_CUTOFF_HOURS = 12
    SHIFT_OFFER_MINUTES = 120
    SHIFT_DAILY_PLANNED_MINUTES = 12 * 60
    SHIFT_CHECKIN_MARGIN_MINUTES = 30
    SHIFT_NO_SHOW_LIMIT: int | None = None
    SHIFT_NO_SHOW_DAYS = 90
    # Web push: browsers subscribe with the public half of this key (`flask --app run notifications
    # vapid-key` makes one); without it, push is not offered.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:noreply@localhost")
    PUSH_ALLOW_LOCAL_ENDPOINTS = False  # a subscription's push service must be on the public internet

    # Static files (volunteer/web/templating.py): a URL with the file's content hash is cached this
    # long and never revalidated; the CSS, scripts, SVG and WebAssembly are compressed (Flask-Compress)
    # for a browser that accepts it. Pages and API answers are not compressed: they carry the CSRF or
    # API token next to text the user sent, which compressed sizes would give away (BREACH); they are
    # small, and never cached.
    STATIC_MAX_AGE_SECONDS = 365 * 24 * 3600
    COMPRESS_MIMETYPES = ["text/css", "text/javascript", "application/javascript", "image/svg+xml",
                          "application/wasm"]
    # brotli at its default level is as small as gzip's and twice as fast; zstd's default was larger
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]  # static files are sent as streams

    API_TITLE = "Volunteer service API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    SECRET_KEY: str | None = None
    DATA_ENCRYPTION_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None

    @classmethod
    def finalise(cls, settings: dict) -> None:
        """Hook for a class to fill or check settings once the app has them."""


class DevelopmentConfig(Config):
    DEBUG = False

    @classmethod
    def finalise(cls, settings: dict) -> None:
        generated = _dev_secrets()
        settings.setdefault("SECRET_KEY", os.environ.get("SECRET_KEY") or generated["SECRET_KEY"])
        settings.setdefault(
            "DATA_ENCRYPTION_KEY",
            os.environ.get("DATA_ENCRYPTION_KEY") or generated["DATA_ENCRYPTION_KEY"],
        )
        settings.setdefault("VAPID_PRIVATE_KEY", cls.VAPID_PRIVATE_KEY or generated["VAPID_PRIVATE_KEY"])
        url = os.environ.get("DATABASE_URL")
        settings.setdefault(
            "SQLALCHEMY_DATABASE_URI",
            normalise_database_url(url) if url else f"sqlite:///{INSTANCE_DIR / 'volunteer.db'}",
        )


class TestingConfig(Config):
    TESTING = True
    NOTIFY_IN_BACKGROUND = False  # tests send what is due themselves, at the moment they name
    PUSH_ALLOW_LOCAL_ENDPOINTS = True  # the tests' push service listens on loopback
    MAIL_BACKEND = "smtp"
    LOGIN_RATE_LIMIT = "5 per minute"
    LOGIN_FAILURE_LIMIT = "3 per 15 minutes"
    LOGIN_ACCOUNT_FREE_FAILURES = 6
    REGISTRATION_RATE_LIMIT = "30 per minute"
    # Tests are fast only with a cheap hash; production keeps werkzeug's scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

    @classmethod
    def finalise(cls, settings: dict) -> None:
        settings.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
        settings.setdefault("DATA_ENCRYPTION_KEY", Fernet.generate_key().decode())
        settings.setdefault("VAPID_PRIVATE_KEY", cls.VAPID_PRIVATE_KEY or new_vapid_key())
        url = os.environ.get("DATABASE_URL")
        settings.setdefault(
            "SQLALCHEMY_DATABASE_URI",
            normalise_database_url(url) if url else "sqlite:///" + str(INSTANCE_DIR / "test.db"),
        )


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def finalise(cls, settings: dict) -> None:
        wanted = {  # setting: (environment variable, what to put there)
            "SECRET_KEY": ("SECRET_KEY", "a long random string that signs sessions and codes"),
            "SQLALCHEMY_DATABASE_URI": ("DATABASE_URL", "postgresql://user:password@host/dbname"),
            "DATA_ENCRYPTION_KEY": (
                "DATA_ENCRYPTION_KEY",
                "a Fernet key that encrypts ID numbers; make one with: python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'",
            ),
        }
        missing = []
        for key, (env_name, hint) in wanted.items():
            value = settings.get(key) or os.environ.get(env_name)
            if not value:
                missing.append(f"{env_name} ({hint})")
            else:
                settings[key] = normalise_database_url(value) if env_name == "DATABASE_URL" else value
        if missing:
            raise ConfigurationError(
                "Refusing to start in production without these environment variables:\n  - "
                + "\n  - ".join(missing)
            )
        try:
            Fernet(settings["DATA_ENCRYPTION_KEY"])
        except (ValueError, TypeError) as exc:
            raise ConfigurationError(
                "DATA_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes)."
            ) from exc


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
