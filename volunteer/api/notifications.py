"""A user's notices and how they are told of each kind."""
from __future__ import annotations

from flask_smorest import Blueprint

from volunteer.api.auth import BEARER, api_user, login_required
from volunteer.api.schemas.notifications import (
    API_CHANNELS,
    NoticeListArgsSchema,
    NoticePageSchema,
    NoticeSchema,
    NotificationSettingsInSchema,
    NotificationSettingsSchema,
)
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.notifications import services
from volunteer.notifications.vocabulary import Channel

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1", description="Notifications")


def _shape(notice) -> dict:
    title, text = services.words_of(notice)
    return {"id": notice.id, "kind": notice.kind, "title": title, "body": text, "url": notice.link,
            "created_at": notice.created_at, "read_at": notice.read_at}


@blp.route("/me/notifications", methods=["GET"])
@login_required
@blp.arguments(NoticeListArgsSchema, location="query")
@blp.response(200, NoticePageSchema)
@blp.doc(security=BEARER)
def my_notifications(args):
    """The caller's notices, newest first; ``unread=true`` for the unread ones only."""
    page = paginate(services.inbox_of(api_user(), newest_first=True, unread_only=args["unread"]),
                    args["page"], args["per_page"])
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
    rows = services.settings_of(user)
    channels = {row["kind"].value: {API_CHANNELS[Channel.INBOX]: True} | {
        API_CHANNELS[c["channel"]]: c["on"] for c in row["channels"]} for row in rows}
    reachable = {API_CHANNELS[c["channel"]]: c["reachable"] for c in rows[0]["channels"]} if rows else {}
    return {"channels": channels, "reachable": reachable}


def _changes(body: dict) -> list[tuple[str, str, bool]]:
    """The API's names back to the vocabulary's; the inbox stays on (it keeps every notice)."""
    by_name = {name: channel for channel, name in API_CHANNELS.items()}
    changes = []
    for kind, wanted in body["channels"].items():
        for name, on in wanted.items():
            channel = by_name.get(name)
            if channel == Channel.INBOX and on:
                continue
            changes.append((kind, channel.value if channel is not None else name, on))
    return changes


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
    services.change_settings(user, _changes(body), now=utcnow())
    db.session.commit()
    return _settings(user)
