"""A user's notices: the inbox (unread first), the unread count, marking read; their choice of
channels per kind; and, for admins, the deliveries that gave up in their subtree."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer.core import get_by_id, permissions
from volunteer.core.errors import NotFound, ValidationFailed
from volunteer.extensions import db
from volunteer.notifications.models import ChannelChoice, Delivery, Notice
from volunteer.notifications.services.writing import chosen_channels, reachable
from volunteer.notifications.vocabulary import DEFAULT_CHANNELS, Channel, DeliveryState, NoticeKind

# The channels a user may switch per kind (the inbox keeps every notice).
SWITCHABLE = (Channel.MAIL, Channel.SMS, Channel.PUSH)


def inbox_of(user, *, newest_first: bool = False, unread_only: bool = False) -> sa.Select:
    """The user's notices: unread first, then newest first (the web's inbox), or newest first."""
    stmt = sa.select(Notice).where(Notice.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    return stmt.order_by(Notice.id.desc()) if newest_first else stmt.order_by(Notice.read_at.is_not(None), Notice.id.desc())


def unread_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notice.id)).where(Notice.user_id == user.id,
                                                                        Notice.read_at.is_(None)))


def get_own_notice(user, notice_id) -> Notice:
    notice = get_by_id(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound()
    return notice


def mark_read(user, notice_id, *, now: datetime) -> Notice:
    notice = get_own_notice(user, notice_id)
    if notice.read_at is None:
        notice.read_at = now
    return notice


def mark_all_read(user, *, now: datetime) -> int:
    return db.session.execute(sa.update(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
                              .values(read_at=now).execution_options(synchronize_session=False)).rowcount


def settings_of(user) -> list[dict]:
    """Per kind: each switchable channel, whether it is on, its default, and whether it can reach
    the user at all (no e-mail address, no SMS provider)."""
    rows = []
    for kind in NoticeKind:
        on = chosen_channels(user.id, kind)
        rows.append({"kind": kind, "label": kind.label, "channels": [
            {"channel": channel, "label": channel.label, "on": channel in on,
             "default": channel in DEFAULT_CHANNELS[kind], "reachable": reachable(user, channel)}
            for channel in SWITCHABLE]})
    return rows


def save_settings(user, wanted: set[tuple[str, str]], *, now: datetime) -> None:
    """``wanted``: the (kind, channel) pairs to be on; a choice is kept only where it differs
    from the default, so a later change of default reaches those who never chose."""
    db.session.execute(sa.delete(ChannelChoice).where(ChannelChoice.user_id == user.id))
    for kind in NoticeKind:
        for channel in SWITCHABLE:
            on = (kind.value, channel.value) in wanted
            if on != (channel in DEFAULT_CHANNELS[kind]):
                db.session.add(ChannelChoice(user_id=user.id, kind=kind, channel=channel, enabled=on))


def change_settings(user, changes: list[tuple[str, str, bool]], *, now: datetime) -> None:
    """Switch some (kind, channel) pairs on or off, the others kept as they are; a kind or a
    channel that is not one (the inbox is not switched) refuses the whole change."""
    switchable = {channel.value for channel in SWITCHABLE}
    if any(channel == Channel.INBOX for _kind, channel, _on in changes):
        raise ValidationFailed(fields={"channels": [_l("The inbox keeps every notice: it cannot be turned off.")]})
    if any(kind not in NoticeKind.values() or channel not in switchable for kind, channel, _on in changes):
        raise ValidationFailed(fields={"channels": [_l("Unknown kind of notice or channel.")]})
    wanted = {(row["kind"].value, c["channel"].value) for row in settings_of(user) for c in row["channels"] if c["on"]}
    for kind, channel, on in changes:
        (wanted.add if on else wanted.discard)((kind, channel))
    save_settings(user, wanted, now=now)


def failed_in_scope(user) -> sa.Select:
    """Deliveries given up, of the notices about records in the admin's subtree, newest first."""
    permissions.ensure_any_scope(user, "notification.failed")
    return (sa.select(Delivery).join(Delivery.notice)
            .where(Delivery.state == DeliveryState.GAVE_UP,
                   permissions.in_scope(user, "notification.failed", Notice.organisation_id))
            .options(sa.orm.contains_eager(Delivery.notice).joinedload(Notice.user))
            .order_by(Delivery.next_attempt_at.desc(), Delivery.id.desc()))
