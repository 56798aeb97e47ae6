"""The event log page for staff, within their scope."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from volunteer.core import permissions
from volunteer.core.models import Event
from volunteer.core.pagination import paginate

bp = Blueprint("core", __name__)


def events_in_scope(user, action_prefix: str | None = None) -> sa.Select:
    stmt = (sa.select(Event)
            .where(permissions.in_scope(user, "event.view", Event.organisation_id))
            .order_by(Event.occurred_at.desc(), Event.id.desc()))
    if action_prefix:
        stmt = stmt.where(Event.action.startswith(action_prefix, autoescape=True))
    return stmt


@bp.route("/events")
@login_required
def events():
    permissions.ensure_any_scope(current_user, "event.view")
    action = request.args.get("action", "").strip()
    page = paginate(events_in_scope(current_user, action or None),
                    request.args.get("page", 1), request.args.get("per_page", 50))
    return render_template("core/events.html", page=page, action=action)
