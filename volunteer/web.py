"""The home page, the language switch, the privacy notice, and what every template shares."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer.accounts import privacy
from volunteer.accounts.services import set_locale
from volunteer.core import permissions
from volunteer.core.errors import Conflict, ValidationFailed
from volunteer.extensions import db

bp = Blueprint("main", __name__)


def safe_next(target: str | None, fallback: str) -> str:
    """Only local paths are followed after sign-in or a language switch (no open redirect)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def form_failed(form, exc: ValidationFailed | Conflict, field_map: dict[str, str] | None = None) -> None:
    """Show a service's field errors beside the form's fields (or as a flash when none match)."""
    field_map = field_map or {}
    for name, messages in exc.fields.items():
        field = getattr(form, field_map.get(name, name.replace(".", "_")), None)
        for message in messages:
            if field is not None:
                field.errors = list(field.errors) + [str(message)]
            else:
                flash(str(message), "error")
    if not exc.fields:
        flash(str(exc.message), "error")


def submit(form, action, *, field_map: dict[str, str] | None = None):
    """Validate ``form``, run the service call ``action`` and commit once. Returns what the
    service returned (True if nothing), or None when the form was not submitted or not valid:
    its errors are then shown beside the fields and nothing is written."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        form_failed(form, exc, field_map)
        return None
    db.session.commit()
    return True if result is None else result


def flash_form_errors(form) -> None:
    """A form posted from a list (not re-rendered): its errors go to the page it returns to."""
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")


@bp.route("/")
def home():
    volunteer = current_user.volunteer if current_user.is_authenticated else None
    from volunteer.ledger.services import totals_of, waiting_counts
    is_staff = permissions.is_staff(current_user)
    decides = current_user.is_authenticated and (is_staff or bool(current_user.led_stations))
    return render_template("home.html", volunteer=volunteer, hours=totals_of(volunteer.id) if volunteer else None,
                           is_staff=is_staff, waiting=waiting_counts(current_user) if decides else None)


@bp.route("/privacy")
def privacy_notice():
    return render_template("privacy.html", notice=privacy.current_notice())


@bp.route("/lang/<code>", methods=["POST"])
def switch_language(code: str):
    """A POST with the CSRF token: it changes a saved preference, so no other site may trigger it."""
    languages = current_app.config["LANGUAGES"]
    target = safe_next(request.args.get("next"), url_for("main.home"))
    response = redirect(target)
    if code in languages:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        set_locale(current_user, code)
        db.session.commit()
    return response


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
    ("accounts.profile", _l("My profile"), "volunteer"),
    ("ledger.queue", _l("Hours to approve"), "decides"),
    ("ledger.index", _l("Hours ledger"), "decides"),
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
    decides = staff or (signed_in and bool(current_user.led_stations))
    issues = bool(permissions.scope_roots(current_user, "certificate.issue"))
    shown = {"all": True, "volunteer": volunteer, "staff": staff, "decides": decides, "issues": issues}
    return [(endpoint, label) for endpoint, label, who in NAV if shown[who]]


def query_url(base: str | None = None, *, drop: tuple = (), **changes) -> str:
    """This request's query string on this page (or the path ``base``), some values changed. It
    is appended, never passed to url_for: ?endpoint=… or ?_external=… must not reach its arguments."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes and k not in drop]
    args += [(k, v) for k, v in changes.items() if v is not None]
    return (base or request.path) + ("?" + urlencode(args) if args else "")


def register_template_helpers(app: Flask) -> None:
    app.add_template_global(query_url)  # a global, so imported macros (the pager) see it too

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
        from volunteer.core.time import DEFAULT_ZONE
        return value.astimezone(zone or DEFAULT_ZONE).strftime(fmt) if value else ""

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
