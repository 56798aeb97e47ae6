"""/api/v1: the JSON API over the same services as the web, documented by construction."""
from flask import Flask

from volunteer.api.schemas import ErrorSchema
from volunteer.extensions import api, csrf

BEARER = [{"bearerAuth": []}]


def init_api(app: Flask) -> None:
    from volunteer.api import accounts, certificates, checkin, ledger, organisations, projects, stations
    from volunteer.api.auth import resolve_api_user

    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(app, spec_kwargs={"info": {"description": "See API.md for conventions."}})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"})
    for blueprint in (accounts.blp, organisations.blp, projects.blp, stations.blp, checkin.blp, ledger.blp,
                      certificates.blp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.before_request(resolve_api_user)
