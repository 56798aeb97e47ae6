"""What a channel says when it cannot deliver (shared by channels.py and the SMS providers)."""
from __future__ import annotations


class DeliveryFailed(Exception):
    """A channel could not deliver now (a mail server down, a provider refusing, no address)."""


class SubscriptionGone(DeliveryFailed):
    """A push service no longer knows the browser's subscription (unsubscribed, expired)."""
