"""The event log page for staff, within their scope."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from volunteer.core import audit, permissions
from volunteer.core.pagination import paginate

bp = Blueprint("core", __name__)


@bp.route("/events")
@login_required
def events():
    permissions.ensure_any_scope(current_user, "event.view")
    action = request.args.get("action", "").strip()
    page = paginate(audit.events_in_scope(current_user, action or None),
                    request.args.get("page", 1), request.args.get("per_page", 50))
    return render_template("core/events.html", page=page, action=action,
                           action_label=audit.action_label, subject_label=audit.subject_label,
                           describe_changes=audit.describe_changes,
                           actions=audit.actions())
