"""Signals between domains: a lower domain says what happened or asks a question, a higher one
reacts or answers, and the lower never imports the higher (receivers connect in create_app)."""
from blinker import Namespace

_signals = Namespace()

# sent with the correcting entry as sender and ``entry``, the corrected one, in the same transaction
entry_corrected = _signals.signal("ledger-entry-corrected")

# sent with the user as sender and ``volunteer`` (their profile, or None) when they download
# everything held about them; each receiver returns a dict of sections to add to it
personal_data_requested = _signals.signal("personal-data-requested")

# sent with a project as sender when its page or evaluation needs the figures of its service;
# each receiver returns a dict of figures (the ledger's volunteers and hours, check-in's sessions)
project_figures_requested = _signals.signal("project-figures-requested")

# sent by the ledger, in the same transaction, with an entry whose credit now counts differently
# toward a volunteer's hours as sender, and ``minutes``: what it adds to them (an approval's credit;
# a correction's new credit less what the corrected entry counted; negative when it counts less)
hours_counted = _signals.signal("hours-counted")

# sent by check-in, in the same transaction, with a session just closed (by the volunteer, a
# lead or the system) as sender
session_closed = _signals.signal("session-closed")

# sent by accounts, in the same transaction, with a volunteer's profile as sender and ``count``:
# 1 when it is registered, -1 when it is closed (it no longer counts as registered, ever)
registration_counted = _signals.signal("registration-counted")

# sent by the event log, in the same transaction, with each event row as sender and ``subject``,
# the record it is about: whoever must be told of the change (notifications) writes it then
event_recorded = _signals.signal("event-recorded")

# sent by accounts with a user as sender and ``channel`` (accounts.vocabulary.CodeChannel),
# ``subject``, ``text`` (in the user's language), ``link`` (or None) and ``code``: a short-lived
# code (a password reset's) to send now, to the user's own phone or e-mail, never kept in an
# outbox nor retried; each receiver returns True once it has sent it
code_to_send = _signals.signal("code-to-send")

# sent with the volunteer as sender, and ``base``, ``host`` and ``now``, when their calendar feed is
# built; each receiver returns a list of icalendar Events to add (shifts answer with their shifts)
calendar_events_requested = _signals.signal("calendar-events-requested")
