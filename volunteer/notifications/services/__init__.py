"""Use cases of notifications, by module: writing a notice and its deliveries (writing), sending
what is due (delivery), a user's inbox and channel choices, admins' failed deliveries (inbox),
reminders and leads' morning digests (reminders, digests), browsers' push subscriptions (push).
Callers import them from here."""
from volunteer.notifications.services.delivery import DeliveryFailed, deliver, message_of, send_due, words_of
from volunteer.notifications.services.digests import tell_leads
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
from volunteer.notifications.services.push import subscribe, subscription_count, unsubscribe
from volunteer.notifications.services.reminders import remind
from volunteer.notifications.services.writing import DUE_FLAG, chosen_channels, quiet_until, reachable, write_notice

__all__ = [
    "DUE_FLAG", "SWITCHABLE", "DeliveryFailed", "change_settings", "chosen_channels", "deliver", "failed_in_scope", "get_own_notice",
    "inbox_of", "mark_all_read", "mark_read", "message_of", "quiet_until", "reachable", "remind", "save_settings", "send_due",
    "settings_of", "subscribe", "subscription_count", "tell_leads", "unread_count", "unsubscribe", "words_of", "write_notice",
]
