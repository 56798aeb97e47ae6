"""What every template shares: the navigation by role, the language, permission checks, the
vocabularies (templates take values and labels from them), times and durations."""
from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer import domains
from volunteer.core import permissions
from volunteer.core.time import DEFAULT_ZONE
from volunteer.ledger.services import decides_somewhere
from volunteer.projects.vocabulary import ApplicationState, ProjectState
from volunteer.reports.exports import formatted
from volunteer.web.helpers import query_url

# How a state's badge looks: going ahead, waiting for someone, or stopped (static/css/app.css).
TONES = {
    ProjectState: {ProjectState.RECRUITING: "ahead", ProjectState.RUNNING: "ahead", ProjectState.SUBMITTED: "waiting",
                   ProjectState.EVALUATING: "waiting", ProjectState.REJECTED: "stopped",
                   ProjectState.CANCELLED: "stopped", ProjectState.SUSPENDED: "stopped"},
    ApplicationState: {ApplicationState.ACCEPTED: "ahead", ApplicationState.PENDING: "waiting",
                       ApplicationState.DECLINED: "stopped"},
}


def tone(vocabulary, value) -> str:
    """``{{ tone(ProjectState, project.state) }}``: the badge's tone, plain for the other states."""
    return TONES.get(vocabulary, {}).get(value, "plain")


def current_language() -> str:
    """The configured language code in use (Babel itself says ``zh_Hans_CN``)."""
    locale = get_locale()
    return "zh_CN" if locale is None or locale.language == "zh" else locale.language


NAV = (
    # (endpoint, label, who sees it)
    ("main.home", _l("Home"), "all"),
    ("projects.index", _l("Projects"), "all"),
    ("projects.my_applications", _l("My applications"), "volunteer"),
    ("ledger.mine", _l("My hours"), "volunteer"),
    ("certificates.mine", _l("My certificates"), "volunteer"),
    ("accounts.profile", _l("My profile"), "signed_in"),
    ("reports.dashboard", _l("Dashboard"), "staff"),
    ("ledger.queue", _l("Hours to approve"), "decides"),
    ("ledger.index", _l("Hours ledger"), "decides"),
    ("ledger.record", _l("Record service"), "manages"),
    ("certificates.register", _l("Certificates"), "issues"),
    ("projects.manage", _l("Manage projects"), "staff"),
    ("stations.index", _l("Stations"), "staff"),
    ("organisations.index", _l("Organisations"), "staff"),
    ("accounts.volunteer_list", _l("Volunteers"), "staff"),
    ("core.events", _l("Event log"), "staff"),
)


def nav_items():
    signed_in = current_user.is_authenticated
    staff = permissions.is_staff(current_user)
    volunteer = signed_in and current_user.volunteer is not None
    decides = decides_somewhere(current_user)
    issues = bool(permissions.scope_roots(current_user, "certificate.issue"))
    manages = bool(permissions.scope_roots(current_user, "project.manage"))
    shown = {"all": True, "signed_in": signed_in, "volunteer": volunteer, "staff": staff, "decides": decides,
             "issues": issues, "manages": manages}
    return [(endpoint, label) for endpoint, label, who in NAV if shown[who]]


def register_template_helpers(app: Flask) -> None:
    app.add_template_global(query_url)  # a global, so imported macros (the pager) see it too
    app.add_template_global(tone)
    app.jinja_env.globals.update(domains.vocabularies())  # {{ ApplicationState.ACCEPTED }}, …

    @app.context_processor
    def shared():
        return {
            "nav_items": nav_items,
            "current_locale": current_language(),
            "languages": app.config["LANGUAGES"],
            "can": lambda action, record: permissions.can(current_user, action, record),
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
        """Exact minutes as hours and minutes: "2 小时 30 分"."""
        if minutes is None:
            return ""
        hours, rest = divmod(int(minutes), 60)
        if hours and rest:
            return _l("%(h)s h %(m)s min", h=hours, m=rest)
        if hours:
            return _l("%(h)s h", h=hours)
        return _l("%(m)s min", m=rest)


