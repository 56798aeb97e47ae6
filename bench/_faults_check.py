"""After bench/faults.py's run: every acknowledged scan against what the database holds."""
from __future__ import annotations

from datetime import datetime

from volunteer.checkin.vocabulary import ScanAction, SessionState

REFUSED = ScanAction.REFUSED.value

SCANS = f"""SELECT request_id, count(*), min(session_id), min(outcome), min(received_at) FROM scans
           WHERE request_id = ANY(%s) AND outcome <> '{REFUSED}' GROUP BY request_id"""
SESSIONS = """SELECT s.id, s.checked_in_at, s.checked_out_at, s.state,
                     (SELECT count(*) FROM ledger_entries e WHERE e.session_id = s.id)
              FROM service_sessions s WHERE s.id = ANY(%s)"""
# Beyond the acks: the same check-in stored twice under another id, or a request_id answered twice.
TWICE = f"""SELECT (SELECT count(*) FROM (SELECT 1 FROM service_sessions GROUP BY volunteer_id, station_id,
                   checked_in_at HAVING count(*) > 1) d),
                  (SELECT count(*) FROM (SELECT 1 FROM scans WHERE request_id IS NOT NULL AND outcome <> '{REFUSED}'
                   GROUP BY user_id, request_id HAVING count(*) > 1) d)"""
UNANSWERED = f"""SELECT count(*) FROM scans WHERE outcome <> '{REFUSED}' AND request_id = ANY(%s)"""


def _same_time(answered: str | None, stored: datetime | None) -> bool:
    if answered is None or stored is None:
        return answered is None and stored is None
    return datetime.fromisoformat(answered) == stored


def compare(database_url: str, acks: list[dict], in_doubt: list[str]) -> dict:
    """acknowledged; replayed (answered from the scan an earlier attempt stored); stored (exactly
    once, with the session state its answer gave); duplicated
    (an acked scan stored more than once, a session stored twice, a check-out with two ledger
    entries); lost (acked but absent, or its effect missing); problems: one line for each."""
    import psycopg
    with psycopg.connect(database_url) as conn:
        scans = {row[0]: row[1:] for row in conn.execute(SCANS, ([a["request_id"] for a in acks],))}
        sessions = {row[0]: row[1:] for row in conn.execute(SESSIONS, (list({a["session_id"] for a in acks}),))}
        twice_sessions, twice_requests = conn.execute(TWICE).fetchone()
        stored_in_doubt = conn.execute(UNANSWERED, (in_doubt,)).fetchone()[0]
    stored = duplicated = lost = replayed = 0
    problems = []
    for ack in acks:
        count, session_id, outcome, received_at = scans.get(ack["request_id"], (0, None, None, None))
        session = sessions.get(ack["session_id"])
        if count == 0 or session is None:
            lost += 1
            problems.append(f"lost: {ack}")
            continue
        checked_in_at, checked_out_at, state, entries = session
        if session_id != ack["session_id"] or outcome != ack["action"] \
                or not _same_time(ack["checked_in_at"], checked_in_at):
            lost += 1
            problems.append(f"stored otherwise than answered: {ack} -> {(session_id, outcome, checked_in_at)}")
            continue
        if ack["action"] == ScanAction.CHECKED_OUT and (state != SessionState.CLOSED or entries == 0
                                               or not _same_time(ack["checked_out_at"], checked_out_at)):
            lost += 1
            problems.append(f"check-out without its closed session or ledger entry: {ack} -> {session}")
            continue
        if count > 1 or (ack["action"] == ScanAction.CHECKED_OUT and entries > 1):
            duplicated += 1
            problems.append(f"duplicated: {ack} ({count} scans, {entries} ledger entries)")
            continue
        stored += 1
        # stored before the attempt that got the answer: an earlier one committed, its answer was lost
        replayed += ack["resent"] is not None and received_at < ack["resent"]
    # Duplicates no single ack shows: a retry stored as a second session or scan.
    duplicated += twice_sessions + twice_requests
    if twice_sessions or twice_requests:
        problems.append(f"{twice_sessions} check-ins stored twice; {twice_requests} request_ids stored twice")
    return {"acknowledged": len(acks), "stored": stored, "duplicated": duplicated, "lost": lost,
            "replayed": replayed,            "in_doubt": len(in_doubt), "in_doubt_stored": stored_in_doubt, "problems": problems}
