"""The event log page for staff, within their scope: each event a sentence with its records as
links, filtered by domain or by action."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from volunteer.core import audit, permissions
from volunteer.core.pagination import paginate
from volunteer.web.event_names import page_names

bp = Blueprint("core", __name__)


@bp.route("/events")
@login_required
def events():
    permissions.ensure_any_scope(current_user, "event.view")
    domains = audit.domains()
    domain = request.args.get("domain", "").strip()
    domain = domain if domain in dict(domains) else ""
    action = request.args.get("action", "").strip()
    action = action if action in dict(audit.actions(domain or None)) else ""
    page = paginate(audit.events_in_scope(current_user, action or None, domain or None),
                    request.args.get("page", 1), request.args.get("per_page", 50))
    names = page_names(page.items)
    rows = [{"event": e, "verb": audit.verb_of(e.action), "label": audit.action_label(e.action),
             "subject": None if audit.stands_alone(e.action) else names[(e.subject_type, e.subject_id)],
             "changes": audit.describe_changes(e, {ref: named.text for ref, named in names.items()})}
            for e in page.items]
    grouped = [(key, name, audit.actions(key)) for key, name in domains]
    return render_template("core/events.html", page=page, rows=rows, domain=domain, action=action,
                           domains=domains, grouped=grouped)
