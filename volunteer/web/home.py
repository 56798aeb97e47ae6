"""The home page, the language switch, the privacy notice."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from volunteer.accounts import privacy
from volunteer.accounts.services import set_locale
from volunteer.checkin.services import open_session_of
from volunteer.core import permissions
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger.services import decides_somewhere, totals_of, waiting_counts
from volunteer.reports import services as reports
from volunteer.reports.vocabulary import PeriodChoice
from volunteer.web.helpers import safe_next
from volunteer.web.reports import headline_context

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    volunteer = current_user.volunteer if current_user.is_authenticated else None
    is_staff = permissions.is_staff(current_user)
    decides = decides_somewhere(current_user)
    return render_template("home.html", volunteer=volunteer, hours=totals_of(volunteer.id) if volunteer else None,
                           open_session=open_session_of(volunteer) if volunteer else None,
                           is_staff=is_staff, waiting=waiting_counts(current_user, now=utcnow()) if decides else None,
                           **_league_admin_home())


def _league_admin_home() -> dict:
    """A league admin sees the headline figures of their organisation (this year to date) and what
    waits for them."""
    roots = permissions.scope_roots(current_user, "report.publish")
    if not roots:
        return {}
    kind, period = reports.period_of(PeriodChoice.THIS_YEAR, now=utcnow())
    board = reports.summary(roots[0], period, now=utcnow())
    return {"board": board, "f": board["figures"], "p": board["previous"], "kind": kind,
            "waiting_for_me": reports.waiting_for(current_user, now=utcnow()), **headline_context()}


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


