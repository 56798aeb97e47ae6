"""The volunteer service management application."""
from __future__ import annotations

import os

from flask import Flask, current_app, has_request_context, request
from flask_compress import Compress
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config, normalise_database_url
from volunteer.core import database, edge
from volunteer.core.handlers import register_error_handlers, register_security_headers
from volunteer.extensions import babel, csrf, db, limiter, mail, migrate

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

    if app.config.get("REPORTS_DATABASE_URL"):  # the reports' read-only engine (reports.reading)
        app.config["SQLALCHEMY_BINDS"] = {"reports": normalise_database_url(app.config["REPORTS_DATABASE_URL"])}
    db.init_app(app)
    database.init_app(app)  # before anything else reads the database in a request
    edge.init_app(app)  # before CSRF, rate limits and views see what came in
    migrate.init_app(app, db, directory=os.path.join(_ROOT, "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    Compress(app)  # the static files only: config.COMPRESS_MIMETYPES

    # The composition root: only here is every domain imported, when an app is made (so that
    # importing one domain's module does not load the whole application).
    from volunteer import domains, models  # noqa: F401  (models: every table known to Alembic and the ORM)
    from volunteer.api import init_api
    from volunteer.cli import register_commands
    from volunteer.web import init_web
    from volunteer.web.templating import register_static_files

    domains.join(app)
    init_web(app)
    register_static_files(app)  # content-hashed static URLs, cached a year
    init_api(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def _select_locale() -> str:
    """The API follows Accept-Language; the web follows the language switch, then the user's
    saved choice, then Chinese (the product's first language, whatever the browser says)."""
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
