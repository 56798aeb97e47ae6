"""Notifications' closed sets: the kinds of notice, the channels they go by, a delivery's states;
which channels each kind takes by default; who may see failed deliveries."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer.core.vocabulary import Vocabulary
from volunteer.organisations.vocabulary import ADMINS


class Channel(Vocabulary):
    INBOX = "inbox", _l("In the app")
    MAIL = "mail", _l("E-mail")
    SMS = "sms", _l("Text message")
    PUSH = "push", _l("Push to my browser")


class NoticeKind(Vocabulary):
    """What a notice tells; its label is the notice's title."""

    APPLICATION_ACCEPTED = "application_accepted", _l("Your application was accepted")
    APPLICATION_DECLINED = "application_declined", _l("Your application was not accepted")
    VOLUNTEER_APPLIED = "volunteer_applied", _l("A volunteer applied")
    PROJECT_WAITING = "project_waiting", _l("A project waits for your screening")
    PROJECT_SCREENED = "project_screened", _l("Your project was screened")
    HOURS_APPROVED = "hours_approved", _l("Hours approved")
    HOURS_REJECTED = "hours_rejected", _l("Hours rejected")
    HOURS_CORRECTED = "hours_corrected", _l("Hours corrected")
    DISPUTE_ANSWERED = "dispute_answered", _l("Your dispute was answered")
    CERTIFICATE_ISSUED = "certificate_issued", _l("A certificate was issued to you")
    CERTIFICATE_REVOKED = "certificate_revoked", _l("Your certificate was revoked")
    REQUEST_DECLINED = "request_declined", _l("Your certificate request was declined")
    CERTIFICATE_FLAGGED = "certificate_to_review", _l("A certificate awaits your review")
    ENTRIES_OVERDUE = "entries_overdue", _l("Entries wait past their deadline")
    SHIFT_OFFERED = "shift_place_offered", _l("A place on a shift is free for you")
    OFFER_LAPSED = "shift_offer_lapsed", _l("An offered place passed on")
    SHIFT_CANCELLED = "shift_called_off", _l("A shift of yours was cancelled")
    LEAVE_ASKED = "leave_requested", _l("A volunteer asks for leave")
    LEAVE_GRANTED = "leave_given", _l("Your leave was granted")
    LEAVE_REFUSED = "leave_denied", _l("Your leave was refused")
    SHIFT_MISSED = "shift_missed", _l("A shift of yours was missed")
    ABSENCE_EXCUSED = "shift_excused", _l("Your absence was excused")
    UNIT_CONTACT = "unit_contact_named", _l("You sign in for a host unit")
    POST_WAITING = "post_waiting", _l("A practice post waits for your decision")
    POST_DECIDED = "post_decided", _l("Your practice post was decided")
    SELECTION_STEP = "selection_step", _l("A unit moved your practice application on")
    OFFER_RECEIVED = "practice_offer", _l("A unit offers you a practice post")
    OFFER_ANSWERED = "practice_offer_answered", _l("A student answered your offer")
    STUDENT_PLACED = "student_placed_on_post", _l("A practice placement was made")
    LOG_WAITING = "practice_log_waiting", _l("A practice log waits for the supervisor's comment")
    LOG_COMMENTED = "practice_log_commented", _l("Your practice log has a comment")
    PRACTICE_EVALUATED = "practice_evaluated", _l("Your host unit evaluated your practice")
    PRACTICE_CERTIFIED = "practice_certified", _l("Your practice certificate was issued")
    PLACED_ELSEWHERE = "placed_elsewhere", _l("A student you considered is placed elsewhere")
    PUT_ON_ROSTER = "put_on_roster", _l("You are on the roster of your practice's project")
    BRANCH_JOINED = "branch_joined", _l("You are in a temporary branch of your practice")
    BRANCH_SECRETARY = "branch_secretary", _l("You are a secretary of your temporary branch")
    STARTS_TOMORROW = "starts_in_a_day", _l("Your service starts within a day")
    STARTS_SOON = "starts_in_an_hour", _l("Your service starts within an hour")


# Reminders before an accepted position starts: how long before, and each is sent once.
REMINDERS = {NoticeKind.STARTS_TOMORROW: 24 * 3600, NoticeKind.STARTS_SOON: 3600}
# Written once a day per recipient (a lead's morning digest), whatever runs at once.
DAILY = frozenset({NoticeKind.ENTRIES_OVERDUE})
# Hours decided: told by one message a day (in the evening) however many there were; the inbox
# has each at once.
DIGESTED = frozenset({NoticeKind.HOURS_APPROVED, NoticeKind.HOURS_REJECTED, NoticeKind.HOURS_CORRECTED})


# A text message by an SMS provider is one of its approved templates (SMS_TEMPLATES maps our
# names to their ids: a kind of notice's value, or one of these two) filled with these words.
SMS_RESET_CODE = "reset_code"      # the code
SMS_HOURS_DIGEST = "hours_digest"  # how many decisions
SMS_PARAMS = {
    NoticeKind.STARTS_SOON: ("position", "time"), NoticeKind.STARTS_TOMORROW: ("position", "time"),
    NoticeKind.APPLICATION_ACCEPTED: ("position",), NoticeKind.APPLICATION_DECLINED: ("position",),
    NoticeKind.SHIFT_OFFERED: ("position", "time", "until"), NoticeKind.SHIFT_CANCELLED: ("position", "time"),
    NoticeKind.HOURS_APPROVED: ("day", "hours"), NoticeKind.HOURS_REJECTED: ("day",),
    NoticeKind.HOURS_CORRECTED: ("day", "hours"), NoticeKind.CERTIFICATE_ISSUED: ("serial",),
    NoticeKind.CERTIFICATE_REVOKED: ("serial",), NoticeKind.ENTRIES_OVERDUE: ("entries",),
}


class DeliveryState(Vocabulary):
    DUE = "due", _l("Waiting to be sent")
    SENDING = "sending", _l("Being sent")
    SENT = "delivered", _l("Sent")
    GAVE_UP = "gave_up", _l("Failed")


# In the app always; by e-mail what a volunteer keeps or acts on. A user turns channels off per kind.
DEFAULT_CHANNELS: dict[NoticeKind, frozenset[Channel]] = {
    kind: frozenset({Channel.INBOX}) for kind in NoticeKind
} | {
    kind: frozenset({Channel.INBOX, Channel.MAIL}) for kind in (
        NoticeKind.APPLICATION_ACCEPTED, NoticeKind.APPLICATION_DECLINED, NoticeKind.PROJECT_WAITING,
        NoticeKind.PROJECT_SCREENED, NoticeKind.CERTIFICATE_ISSUED, NoticeKind.CERTIFICATE_REVOKED,
        NoticeKind.REQUEST_DECLINED, NoticeKind.DISPUTE_ANSWERED, NoticeKind.STARTS_TOMORROW,
        NoticeKind.CERTIFICATE_FLAGGED, NoticeKind.ENTRIES_OVERDUE, NoticeKind.SHIFT_CANCELLED,
        NoticeKind.LEAVE_ASKED, NoticeKind.LEAVE_GRANTED, NoticeKind.LEAVE_REFUSED, NoticeKind.SHIFT_MISSED,
        NoticeKind.ABSENCE_EXCUSED, NoticeKind.UNIT_CONTACT, NoticeKind.POST_DECIDED, NoticeKind.OFFER_RECEIVED,
        NoticeKind.OFFER_ANSWERED, NoticeKind.STUDENT_PLACED, NoticeKind.SELECTION_STEP, NoticeKind.LOG_COMMENTED,
        NoticeKind.PRACTICE_EVALUATED, NoticeKind.PRACTICE_CERTIFIED, NoticeKind.PUT_ON_ROSTER,
        NoticeKind.BRANCH_SECRETARY)
} | {kind: frozenset({Channel.INBOX, Channel.SMS, Channel.PUSH})
     for kind in (NoticeKind.STARTS_SOON, NoticeKind.SHIFT_OFFERED)}

ACCESS = {
    "notification.failed": ADMINS,  # deliveries that gave up, for the notices of one's subtree
}

# What each kind says, in the recipient's language when it is shown or sent; the notice's
# payload holds the names it fills in, frozen when it was written.
NOTICE_TEXT = {
    NoticeKind.APPLICATION_ACCEPTED: _l("Your application for “%(position)s” on %(project)s was accepted."),
    NoticeKind.APPLICATION_DECLINED: _l("Your application for “%(position)s” on %(project)s was not accepted."),
    NoticeKind.VOLUNTEER_APPLIED: _l("%(volunteer)s applied for “%(position)s” on %(project)s."),
    NoticeKind.PROJECT_WAITING: _l("%(project)s of %(organisation)s was submitted and waits for your screening."),
    NoticeKind.PROJECT_SCREENED: _l("%(project)s is now: %(state)s."),
    NoticeKind.HOURS_APPROVED: _l("%(hours)s hours of your service on %(project)s on %(day)s were approved."),
    NoticeKind.HOURS_REJECTED: _l("Your service on %(project)s on %(day)s was not approved."),
    NoticeKind.HOURS_CORRECTED: _l("Your hours on %(project)s on %(day)s were corrected to %(hours)s hours."),
    NoticeKind.DISPUTE_ANSWERED: _l("Your dispute of %(project)s on %(day)s was answered: the entry stays as it is."),
    NoticeKind.CERTIFICATE_ISSUED: _l("Certificate %(serial)s of %(hours)s hours was issued to you."),
    NoticeKind.CERTIFICATE_REVOKED: _l("Certificate %(serial)s was revoked."),
    NoticeKind.REQUEST_DECLINED: _l("Your certificate request was declined."),
    NoticeKind.SHIFT_OFFERED: _l("A place on “%(position)s” of %(project)s at %(time)s is free for you until %(until)s: take it on the shift's page, or it passes to the next on the waiting list."),
    NoticeKind.OFFER_LAPSED: _l("The place on “%(position)s” of %(project)s at %(time)s was not taken by %(until)s and passed to the next on the waiting list."),
    NoticeKind.SHIFT_CANCELLED: _l("The shift “%(position)s” of %(project)s at %(time)s was cancelled: %(reason)s"),
    NoticeKind.LEAVE_ASKED: _l("%(volunteer)s asks for leave from “%(position)s” at %(time)s: %(reason)s"),
    NoticeKind.LEAVE_GRANTED: _l("Your leave from “%(position)s” of %(project)s at %(time)s was granted."),
    NoticeKind.LEAVE_REFUSED: _l("Your leave from “%(position)s” of %(project)s at %(time)s was refused: your place is kept."),
    NoticeKind.SHIFT_MISSED: _l("You did not check in during “%(position)s” of %(project)s at %(time)s: it counts as missed. If you were there, tell the station's lead."),
    NoticeKind.ABSENCE_EXCUSED: _l("Your absence from “%(position)s” of %(project)s at %(time)s was excused: it no longer counts as missed."),
    NoticeKind.ENTRIES_OVERDUE: _l("%(entries)s entries at your stations wait past their deadline of 10 working days, the oldest of %(oldest)s."),
    NoticeKind.CERTIFICATE_FLAGGED: _l("Hours behind certificate %(serial)s of %(volunteer)s were corrected after it was issued: review it, and reissue it if it no longer holds."),
    NoticeKind.UNIT_CONTACT: _l("You are the contact person of %(unit)s for practice programmes: sign in with this mobile number (set your password with “Forgot password” the first time) to offer its posts and choose its students."),
    NoticeKind.POST_WAITING: _l("%(unit)s offers the post “%(post)s” to %(programme)s: approve it or return it."),
    NoticeKind.POST_DECIDED: _l("The post “%(post)s” of %(unit)s is now: %(state)s. %(reason)s"),
    NoticeKind.SELECTION_STEP: _l("Your choice of “%(post)s” at %(unit)s is now: %(state)s. %(interview)s"),
    NoticeKind.OFFER_RECEIVED: _l("%(unit)s offers you the post “%(post)s”: accept it or decline it on your application's page."),
    NoticeKind.OFFER_ANSWERED: _l("%(student)s answered your offer of the post “%(post)s”: %(state)s."),
    NoticeKind.STUDENT_PLACED: _l("%(student)s is placed on the post “%(post)s” of %(unit)s."),
    NoticeKind.LOG_WAITING: _l("%(student)s wrote the log of the week of %(week)s on the post “%(post)s”: the supervisor may comment on it."),
    NoticeKind.LOG_COMMENTED: _l("The supervisor commented on your log of the week of %(week)s: %(comment)s"),
    NoticeKind.PRACTICE_CERTIFIED: _l("Your practice certificate %(serial)s of “%(post)s” at %(unit)s was issued: download it from your certificates."),
    NoticeKind.BRANCH_JOINED: _l("You are in the temporary branch “%(branch)s” of %(programme)s."),
    NoticeKind.BRANCH_SECRETARY: _l("You are a secretary of the temporary branch “%(branch)s”: you see its members' attendance."),
    NoticeKind.PUT_ON_ROSTER: _l("You are on the roster of “%(project)s”: check in and out by scanning the code at %(place)s."),
    NoticeKind.PLACED_ELSEWHERE: _l("%(student)s took another post: your “%(post)s” no longer considers them."),
    NoticeKind.PRACTICE_EVALUATED: _l("%(unit)s evaluated your practice on the post “%(post)s”: %(rating)s."),
    NoticeKind.STARTS_TOMORROW: _l("“%(position)s” on %(project)s starts at %(time)s."),
    NoticeKind.STARTS_SOON: _l("“%(position)s” on %(project)s starts at %(time)s."),
}
