"""Accounts' closed sets: what a volunteer's profile says of them, and who may see it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer.core.audit import Glossary
from volunteer.core.vocabulary import Vocabulary
from volunteer.organisations.vocabulary import ADMINS, STAFF, Role


class PoliticalStatus(Vocabulary):
    MASSES = "masses", _l("Ordinary citizen")
    LEAGUE_MEMBER = "league_member", _l("Communist Youth League member")
    PARTY_MEMBER = "party_member", _l("Communist Party member")


class Gender(Vocabulary):
    """From the parity of the ID number's sequence digits."""

    MALE = "male", _l("Male")
    FEMALE = "female", _l("Female")


class IdType(Vocabulary):
    RESIDENT_ID = "resident_id", _l("Resident identity card")


ACCESS = {
    "membership.view": STAFF,
    "membership.manage": ADMINS,
    "volunteer.view": STAFF,
    # send a volunteer a code to set a new password (they get it; the admin never sees it)
    "volunteer.reset_password": ADMINS,
}


class CodeChannel(Vocabulary):
    """Where a password reset code goes: the account's own phone or e-mail."""

    SMS = "sms", _l("Text message")
    MAIL = "mail", _l("E-mail")


class AccountEvent(Vocabulary):
    ROLE_GRANTED = "membership.granted", _l("Role granted")
    ROLE_REVOKED = "membership.revoked", _l("Role removed")
    REGISTERED = "volunteer.registered", _l("Volunteer registered")
    PROFILE_UPDATED = "volunteer.profile_updated", _l("Profile updated")
    PASSWORD_CHANGED = "user.password_changed", _l("Password changed")
    SIGNED_OUT_EVERYWHERE = "user.signed_out_everywhere", _l("Signed out everywhere")
    CLOSED = "account.closed", _l("Account closed")
    RESET_CODE_SENT = "user.reset_code_sent", _l("Password reset code sent")
    PASSWORD_RESET = "user.password_reset", _l("Password reset")
    CALENDAR_LINK_MADE = "user.calendar_link_made", _l("New calendar link")


EVENT_LOG = Glossary(
    actions=AccountEvent,
    name=_l("Accounts and volunteers"),
    verbs={AccountEvent.ROLE_GRANTED: lazy_pgettext("event", "granted"), AccountEvent.ROLE_REVOKED: lazy_pgettext("event", "removed"),
           AccountEvent.REGISTERED: lazy_pgettext("event", "registered"), AccountEvent.PROFILE_UPDATED: lazy_pgettext("event", "updated the profile of"),
           AccountEvent.PASSWORD_CHANGED: lazy_pgettext("event", "changed their password"),
           AccountEvent.RESET_CODE_SENT: lazy_pgettext("event", "sent a password reset code to"),
           AccountEvent.PASSWORD_RESET: lazy_pgettext("event", "reset their password with a code"),
           AccountEvent.SIGNED_OUT_EVERYWHERE: lazy_pgettext("event", "signed out on every device"), AccountEvent.CLOSED: lazy_pgettext("event", "closed the account of"),
           AccountEvent.CALENDAR_LINK_MADE: lazy_pgettext("event", "made a new link to their calendar")},
    alone=frozenset({AccountEvent.PASSWORD_CHANGED, AccountEvent.SIGNED_OUT_EVERYWHERE, AccountEvent.PASSWORD_RESET,
                  AccountEvent.CALENDAR_LINK_MADE}),
    references={"user_id": "users"},
    subjects={"memberships": _l("Role"), "volunteers": _l("Volunteer"), "users": _l("Account")},
    fields={"political_status": _l("Political status"), "school_or_employer": _l("School or employer"),
            "skills": _l("Skills"), "email_changed": _l("E-mail changed"), "volunteer_no": _l("Volunteer number"),
            "consent_version": _l("Privacy notice version"), "minor": _l("Minor"), "user_id": _l("Account"),
            "channel": _l("Sent by")},
    values={"volunteers": {"political_status": PoliticalStatus}, "memberships": {"role": Role},
            "users": {"channel": CodeChannel}},
)
