"""Use cases of notifications, by module: writing a notice and its deliveries (writing), sending
what is due (delivery), a user's inbox and channel choices, admins' failed deliveries (inbox).
Callers import them from here."""
from volunteer.notifications.services.delivery import DeliveryFailed, deliver, send_due, words_of
from volunteer.notifications.services.inbox import (
    SWITCHABLE,
    change_settings,
    failed_in_scope,
    get_own_notice,
    inbox_of,
    mark_all_read,
    mark_read,
    save_settings,
    settings_of,
    unread_count,
)
from volunteer.notifications.services.reminders import remind
from volunteer.notifications.services.writing import DUE_FLAG, chosen_channels, quiet_until, reachable, write_notice

__all__ = [
    "DUE_FLAG", "SWITCHABLE", "DeliveryFailed", "change_settings", "chosen_channels", "deliver", "failed_in_scope", "get_own_notice",
    "inbox_of", "mark_all_read", "mark_read", "quiet_until", "reachable", "remind", "save_settings", "send_due", "settings_of",
    "unread_count", "words_of", "write_notice",
]
