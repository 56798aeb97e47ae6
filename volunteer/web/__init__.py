"""The web: the pages of every domain (one module each, a blueprint each), over the same services
as the API. A view parses, calls a service with the actor and ``now``, commits once, and renders
or redirects."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from volunteer.accounts.models import User
from volunteer.extensions import db, login_manager
from volunteer.web import (
    accounts,
    certificates,
    checkin,
    events,
    home,
    ledger,
    organisations,
    projects,
    reports,
    stations,
)
from volunteer.web.templating import register_template_helpers

BLUEPRINTS = (home.bp, accounts.bp, organisations.bp, projects.bp, stations.bp, checkin.bp, ledger.bp,
              certificates.bp, events.bp, reports.bp)


def init_web(app: Flask) -> None:
    _init_login(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_template_helpers(app)


def _init_login(app: Flask) -> None:
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
