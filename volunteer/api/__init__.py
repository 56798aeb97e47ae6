"""/api/v1: the JSON API over the same services as the web, documented by construction: one module
of endpoints per domain, their shapes in api/schemas/."""
from flask import Flask
from werkzeug.routing import UnicodeConverter

from volunteer.api import (
    accounts,
    certificates,
    checkin,
    ledger,
    notifications,
    organisations,
    practice,
    projects,
    reports,
    shifts,
    stations,
)
from volunteer.api.auth import resolve_api_user
from volunteer.api.schemas.base import ErrorBodySchema, ErrorSchema, text_path_parameter
from volunteer.core.handlers import error_codes
from volunteer.extensions import api, csrf

# a serial in a path is text like any other: documented so, once, before any route is
api.register_converter(UnicodeConverter, text_path_parameter)

BLUEPRINTS = (accounts.blp, organisations.blp, projects.blp, stations.blp, checkin.blp, ledger.blp,
              certificates.blp, reports.blp, notifications.blp, shifts.blp, practice.blp)


def init_api(app: Flask) -> None:
    # every domain's errors are loaded by now: the document lists the codes a client may get
    ErrorBodySchema._declared_fields["code"].metadata["enum"] = error_codes()
    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(app, spec_kwargs={"info": {"description": "See API.md for conventions."}})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"})
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.before_request(resolve_api_user)
