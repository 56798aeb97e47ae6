"""A user's notices and how they are told of each kind."""
from __future__ import annotations

from flask_smorest import Blueprint

from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.base import PageArgsSchema
from volunteer.api.schemas.notifications import (
    NoticePageSchema,
    NoticeSchema,
    NotificationSettingsInSchema,
    NotificationSettingsSchema,
)
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.notifications import services

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1", description="Notifications")


def _shape(notice) -> dict:
    title, text = services.words_of(notice)
    return {"id": notice.id, "kind": notice.kind, "title": title, "text": text, "link": notice.link,
            "created_at": notice.created_at, "read": notice.read_at is not None}


@blp.route("/me/notifications", methods=["GET"])
@login_required
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, NoticePageSchema)
@blp.doc(security=BEARER)
def my_notifications(args):
    """The caller's notices, unread first, then newest first."""
    page = paginate(services.inbox_of(api_user()), args["page"], args["per_page"])
    page.items = [_shape(n) for n in page.items]
    return page


@blp.route("/me/notifications/<int:notice_id>/read", methods=["POST"])
@login_required
@blp.response(200, NoticeSchema)
@blp.alt_response(404, schema="Error")
@blp.doc(security=BEARER)
def read_notification(notice_id):
    """Mark one of the caller's notices read (again: no change)."""
    notice = services.mark_read(api_user(), notice_id, now=utcnow())
    db.session.commit()
    return _shape(notice)


def _settings(user) -> dict:
    return {"choices": [{"kind": row["kind"], "channel": c["channel"], "on": c["on"], "reachable": c["reachable"]}
                        for row in services.settings_of(user) for c in row["channels"]]}


@blp.route("/me/notification-settings", methods=["GET"])
@login_required
@blp.response(200, NotificationSettingsSchema)
@blp.doc(security=BEARER)
def notification_settings():
    """Per kind and switchable channel, whether the caller is told by it (the in-app inbox keeps every notice)."""
    return _settings(api_user())


@blp.route("/me/notification-settings", methods=["PUT"])
@login_required
@blp.arguments(NotificationSettingsInSchema)
@blp.response(200, NotificationSettingsSchema)
@blp.alt_response(422, schema="Error")
@blp.doc(security=BEARER)
def put_notification_settings(body):
    """Switch the kinds and channels given; the others keep their setting."""
    user = api_user()
    services.change_settings(user, [(c["kind"], c["channel"], c["on"]) for c in body["choices"]], now=utcnow())
    db.session.commit()
    return _settings(user)
