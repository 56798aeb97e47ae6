"""Signals between domains: one domain says what happened, another reacts, neither imports the
other (connected in create_app)."""
from blinker import Namespace

_signals = Namespace()

# sent with the correcting entry as sender and ``entry``, the corrected one, in the same transaction
entry_corrected = _signals.signal("ledger-entry-corrected")
