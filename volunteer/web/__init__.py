"""The web: the pages of every domain (one module each, a blueprint each), over the same services
as the API. A view parses, calls a service with the actor and ``now``, commits once, and renders
or redirects."""
from __future__ import annotations

from flask import Flask, session
from flask_babel import lazy_gettext as _l

from volunteer.accounts import services as account_services
from volunteer.core.time import utcnow
from volunteer.extensions import db, login_manager
from volunteer.web import (
    accounts,
    calendar,
    certificates,
    checkin,
    events,
    home,
    ledger,
    notifications,
    organisations,
    practice,
    practice_at_post,  # noqa: F401  (its routes join the practice blueprint)
    practice_sites,  # noqa: F401  (likewise)
    projects,
    reports,
    shifts,
    stations,
)
from volunteer.web.helpers import SESSION_TOKEN
from volunteer.web.templating import register_template_helpers

BLUEPRINTS = (home.bp, accounts.bp, organisations.bp, projects.bp, stations.bp, checkin.bp, ledger.bp,
              certificates.bp, events.bp, reports.bp, notifications.bp, calendar.bp, shifts.bp,
              practice.bp)


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
    def load_user(user_id: str):
        # The cookie names a session kept in the database: one that has ended (signed out, a
        # new password, a closed account, "sign out everywhere") or timed out signs nobody in.
        if not user_id.isdigit():
            return None
        user = account_services.session_user(int(user_id), session.get(SESSION_TOKEN), now=utcnow())
        db.session.commit()  # when it was last seen, or that it has ended
        return user
