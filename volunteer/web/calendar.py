"""A volunteer's calendar feed: the .ics that calendar apps fetch without signing in (only the
exact token opens it), and making a new link from the profile page, which shows the link."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.core.time import utcnow
from volunteer.extensions import limiter
from volunteer.projects import calendar
from volunteer.web.helpers import submit

bp = Blueprint("calendar", __name__)


def _feed_limit() -> str:
    return current_app.config["CALENDAR_FEED_RATE_LIMIT"]


@bp.route("/calendar/<token>.ics")
@limiter.limit(_feed_limit, scope="calendar-feed")
def feed(token: str):
    body = calendar.calendar_feed(token, base_url=request.url_root, now=utcnow())
    # Private: whoever holds the link sees where and when the volunteer serves; no cache keeps it.
    return Response(body, mimetype="text/calendar", headers={
        "Cache-Control": "private, no-store", "X-Robots-Tag": "noindex",
        "Content-Disposition": "inline; filename=volunteer.ics"})


@bp.route("/me/calendar-link", methods=["POST"])
@login_required
def new_link():
    """The first link to one's calendar, or a new one: the old stops working at once."""
    if submit(ConfirmForm(), lambda: calendar.make_calendar_link(current_user, now=utcnow())):
        flash(_("Your new calendar link is ready; any link made before it no longer works."), "success")
    return redirect(url_for("accounts.profile", _anchor="calendar"))


@bp.app_context_processor
def _calendar_links():
    """``calendar_links(volunteer)`` for the profile page: the feed's address and its webcal://
    twin, or None before the first link is made."""
    def links(volunteer):
        token = calendar.calendar_token_of(volunteer) if volunteer is not None else None
        if token is None:
            return None
        url = calendar.feed_url(token, base_url=request.url_root)
        return {"url": url, "webcal": calendar.webcal_url(url)}
    return {"calendar_links": links}
