"""What every template shares: the navigation by role, the language, permission checks, the
vocabularies (templates take values and labels from them), times and durations."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.security import safe_join

from volunteer import domains
from volunteer.certificates.vocabulary import CertificateStatus
from volunteer.core import permissions
from volunteer.core.time import DEFAULT_ZONE
from volunteer.ledger.services import decides_somewhere, uncredited_reason
from volunteer.ledger.vocabulary import EntryState
from volunteer.notifications import services as notifications
from volunteer.practice import services as practice
from volunteer.projects.vocabulary import ApplicationState, ProjectState
from volunteer.reports.exports import formatted
from volunteer.shifts.vocabulary import SignupState
from volunteer.web.helpers import query_url

# How a state's badge looks: going ahead, waiting for someone, or stopped (static/css/app.css).
TONES = {
    ProjectState: {ProjectState.RECRUITING: "ahead", ProjectState.RUNNING: "ahead", ProjectState.SUBMITTED: "awaited",
                   ProjectState.EVALUATING: "awaited", ProjectState.REJECTED: "stopped",
                   ProjectState.CANCELLED: "stopped", ProjectState.SUSPENDED: "stopped"},
    ApplicationState: {ApplicationState.ACCEPTED: "ahead", ApplicationState.PENDING: "awaited",
                       ApplicationState.DECLINED: "stopped"},
    EntryState: {EntryState.APPROVED: "ahead", EntryState.PENDING: "awaited", EntryState.REJECTED: "stopped"},
    CertificateStatus: {CertificateStatus.VALID: "ahead", CertificateStatus.REVOKED: "stopped"},
    SignupState: {SignupState.CONFIRMED: "ahead", SignupState.WAITING: "awaited", SignupState.OFFERED: "awaited",
                  SignupState.NO_SHOW: "stopped"},
}


def tone(vocabulary, value) -> str:
    """``{{ tone(ProjectState, project.state) }}``: the badge's tone, plain for the other states."""
    return TONES.get(vocabulary, {}).get(value, "plain")


def current_language() -> str:
    """The configured language code in use (Babel itself says ``zh_Hans_CN``)."""
    locale = get_locale()
    return "zh_CN" if locale is None or locale.language == "zh" else locale.language


NAV = (
    # (endpoint, label, who sees it, shown in the bar rather than under "More")
    ("main.home", _l("Home"), "all", True),
    ("projects.index", _l("Projects"), "all", True),
    ("shifts.index", _l("Shifts"), "all", False),
    ("projects.my_applications", _l("My applications"), "volunteer", False),
    ("ledger.mine", _l("My hours"), "volunteer", True),
    ("certificates.mine", _l("My certificates"), "volunteer", False),
    ("practice.mine", _l("Returning-home practice"), "volunteer", False),
    ("practice.unit_home", _l("My host unit"), "unit_contact", True),
    ("reports.dashboard", _l("Dashboard"), "staff", True),
    ("ledger.queue", _l("Hours to approve"), "decides", True),
    ("ledger.index", _l("Hours ledger"), "decides", False),
    ("ledger.record", _l("Record service"), "manages", False),
    ("certificates.register", _l("Certificates"), "issues", False),
    ("projects.manage", _l("Manage projects"), "staff", False),
    ("stations.index", _l("Stations"), "staff", False),
    ("organisations.index", _l("Organisations"), "staff", False),
    ("accounts.volunteer_list", _l("Volunteers"), "staff", False),
    ("core.events", _l("Event log"), "staff", False),
    ("practice.index", _l("Practice programmes"), "runs_programmes", False),
    ("practice.units", _l("Host units"), "runs_programmes", False),
    ("notifications.failed", _l("Notices not delivered"), "admins", False),
    ("accounts.profile", _l("My profile"), "signed_in", False),
)
# A menu this short stays in the bar whole; a longer one keeps its first items there and folds
# the rest under "More", so a staff member's menu is one row on a phone.
NAV_IN_BAR = 4


def nav_items():
    signed_in = current_user.is_authenticated
    staff = permissions.is_staff(current_user)
    volunteer = signed_in and current_user.volunteer is not None
    decides = decides_somewhere(current_user)
    issues = bool(permissions.scope_roots(current_user, "certificate.issue"))
    manages = bool(permissions.scope_roots(current_user, "project.manage"))
    shown = {"all": True, "signed_in": signed_in, "volunteer": volunteer, "staff": staff, "decides": decides,
             "issues": issues, "manages": manages,
             "runs_programmes": bool(permissions.scope_roots(current_user, "programme.run")),
             "unit_contact": signed_in and practice.is_unit_contact(current_user),
             "admins": bool(permissions.scope_roots(current_user, "notification.failed"))}
    items = [(endpoint, label, in_bar) for endpoint, label, who, in_bar in NAV if shown[who]]
    if len(items) <= NAV_IN_BAR:
        return [(endpoint, label) for endpoint, label, _in_bar in items], []
    return ([(endpoint, label) for endpoint, label, in_bar in items if in_bar],
            [(endpoint, label) for endpoint, label, in_bar in items if not in_bar])


def uncredited_hint(minutes, project, shift_minutes=None) -> str:
    """``{{ uncredited_hint(session.minutes, session.project) }}``: why a service's time earns no
    hours ("" when it earns some), as the ledger's crediting says. A manual entry passes its
    activity's length, which its minimum attendance is measured against."""
    return str(uncredited_reason(minutes, project, shift_minutes) or "")


def hours_number(minutes) -> str:
    """Minutes as hours with one decimal, as every total of hours is shown: "5.5"."""
    return f"{(minutes or 0) / 60:.1f}"


def hours_text(minutes) -> str:
    """The same with its unit: "5.5 小时"."""
    return str(_l("%(h)s h", h=hours_number(minutes)))


def duration_text(minutes):
    """Exact minutes as hours and minutes: "2 小时 30 分"."""
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return _l("%(h)s h %(m)s min", h=hours, m=rest)
    if hours:
        return _l("%(h)s h", h=hours)
    return _l("%(m)s min", m=rest)


def register_template_helpers(app: Flask) -> None:
    app.add_template_global(query_url)  # a global, so imported macros (the pager) see it too
    app.add_template_global(tone)
    app.add_template_global(uncredited_hint)
    app.jinja_env.globals.update(domains.vocabularies())  # {{ ApplicationState.ACCEPTED }}, …

    @app.context_processor
    def shared():
        return {
            "nav_items": nav_items,
            "current_locale": current_language(),
            "languages": app.config["LANGUAGES"],
            "can": lambda action, record: permissions.can(current_user, action, record),
            "unread_notices": lambda: notifications.unread_count(current_user) if current_user.is_authenticated else 0,
        }

    @app.template_filter("local_time")
    def local_time(value, fmt="%Y-%m-%d %H:%M", zone=None):
        """In the given zone (a station's), else the default one."""
        return value.astimezone(zone or DEFAULT_ZONE).strftime(fmt) if value else ""

    @app.template_filter("cell")
    def cell(value, kind):
        """A report's value as its column reads (reports.exports.formatted)."""
        return formatted(value, kind)

    @app.template_filter("duration")
    def duration(minutes):
        return duration_text(minutes)

    app.add_template_filter(hours_text, "hours")


# --- static files ---------------------------------------------------------------------------------
# Every url_for('static', ...) carries a hash of the file's content (?v=…): a browser keeps such a
# URL for a year without asking again, and a changed file gets a new URL. A URL without the hash,
# or with an old one, is answered as before (revalidated on each use).

def static_version(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None if there is no such file. Read again
    whenever the file's size or modification time changes (an edit during development)."""
    path = safe_join(folder, filename)
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    return _content_hash(path, stat.st_mtime_ns, stat.st_size) if stat else None


@lru_cache(maxsize=512)
def _content_hash(path: str, _mtime_ns: int, _size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def register_static_files(app: Flask) -> None:
    serve_static = app.view_functions["static"]

    @app.url_defaults
    def content_hashed(endpoint, values):
        if "filename" in values and "v" not in values and app.view_functions.get(endpoint) is serve_static:
            version = static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_hashed(response):
        if (request.endpoint == "static" and response.status_code in (200, 304) and request.args.get("v")
                and request.args["v"] == static_version(app.static_folder, request.view_args["filename"])):
            response.headers["Cache-Control"] = f"public, max-age={app.config['STATIC_MAX_AGE_SECONDS']}, immutable"
        return response
