"""The volunteer service management application."""
from __future__ import annotations

import os

from flask import Flask, has_request_context, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config
from volunteer.core import database
from volunteer.extensions import babel, csrf, db, limiter, login_manager, migrate

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: str | type[Config] | None = None, **overrides) -> Flask:
    """Build the app. ``config`` is a name (development, testing, production), a class, or None
    for ``FLASK_CONFIG`` (default development); ``overrides`` win over both."""
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("FLASK_CONFIG", "development")]
    app = Flask(
        __name__,
        template_folder=os.path.join(_ROOT, "templates"),
        static_folder=os.path.join(_ROOT, "static"),
        instance_path=os.path.join(_ROOT, "instance"),
    )
    app.config.from_object(config)
    settings = dict(overrides)
    config.finalise(settings)
    app.config.update(settings)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(_ROOT, "translations")
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    database.init_app(app)  # before anything else reads the database in a request
    migrate.init_app(app, db, directory=os.path.join(_ROOT, "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    _init_login(app)

    from volunteer import models  # noqa: F401  (every table known to Alembic and the ORM)
    from volunteer.accounts.views import bp as accounts_bp
    from volunteer.api import init_api
    from volunteer.certificates.views import bp as certificates_bp
    from volunteer.checkin.views import bp as checkin_bp
    from volunteer.core.handlers import register_error_handlers, register_security_headers
    from volunteer.core.views import bp as core_bp
    from volunteer.ledger.views import bp as ledger_bp
    from volunteer.organisations.views import bp as organisations_bp
    from volunteer.projects.views import bp as projects_bp
    from volunteer.stations.views import bp as stations_bp
    from volunteer.web import bp as main_bp
    from volunteer.web import register_template_helpers

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(projects_bp)
    app.register_blueprint(stations_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(ledger_bp)
    app.register_blueprint(certificates_bp)
    from volunteer.certificates import batches  # noqa: F401  (registers the batch job's handler)
    from volunteer.certificates.services import connect_signals
    connect_signals()
    app.register_blueprint(core_bp)
    init_api(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)

    from volunteer.cli import register_commands
    register_commands(app)
    return app


def _select_locale() -> str:
    """The API follows Accept-Language; the web follows the language switch, then the user's
    saved choice, then Chinese (the product's first language, whatever the browser says)."""
    from flask import current_app
    languages = list(current_app.config["LANGUAGES"])
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default  # command line and jobs
    if request.path.startswith("/api/"):
        best = request.accept_languages.best_match(["zh_CN", "zh", "en"], default=default)
        return "zh_CN" if best in ("zh", "zh_CN") else best
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return default


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from volunteer.accounts.models import User

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, stamp = session_id.partition(".")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A changed password or a closed account ends every browser session at once.
        if user is None or not user.is_active or user.session_stamp != stamp:
            return None
        return user
