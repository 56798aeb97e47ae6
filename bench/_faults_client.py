"""The clients of bench/faults.py: volunteers scanning the station's code as in bench/checkin.py,
but each scan carries a ``request_id`` (API.md: the same request_id from the same user returns the
first result and changes nothing), so a scan whose answer was lost (a connection reset, a 5xx) is
sent again, unchanged, until it is answered. Every answered scan is recorded for the comparison
with the database; one still unanswered when the run ends is "in doubt", neither acked nor lost.

bench/checkin.py's drive() cannot be reused as it is: it reads no answer and moves on to the next
volunteer after an error, so it cannot say which scans were acknowledged."""
from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone


@dataclass
class Tally:
    """What the clients saw; times are seconds since the run's start (time.monotonic based)."""

    start: float
    acks: list[dict] = field(default_factory=list)        # one per acknowledged scan
    errors: list[tuple[float, str]] = field(default_factory=list)  # attempts that got no answer or a 5xx
    answered_at: list[float] = field(default_factory=list)
    refusals: Counter = field(default_factory=Counter)    # 4xx codes (daily_limit_reached is expected)
    in_doubt: list[str] = field(default_factory=list)     # request_ids never answered
    retried: int = 0                                      # scans answered after at least one retry
    dropped: int = 0                                      # first answers the client did not wait for
    probes: list[tuple[float, str, str]] = field(default_factory=list)  # (t, endpoint, outcome)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.start


def _attempt(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None,
             token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    try:
        return response.status, json.loads(raw) if raw else {}
    except ValueError:  # a proxy's or gunicorn's own error page
        return response.status, {}


def _error_code(data: dict) -> str:
    return (data.get("error") or {}).get("code", "?")


def scan_until_answered(conn, tally: Tally, token: str, code: str, give_up_at: float, drop_answer: bool = False):
    """Send one scan, again and again with the same request_id, until it gets a 2xx or a 4xx
    (with ``drop_answer``, the first attempt's connection is closed before its answer comes, as
    a phone losing its network would: the server decides that scan all the same); returns (status, answer, request_id, when its last attempt was sent: None at the first),
    or (None, None, request_id, None) once give_up_at has passed."""
    request_id = str(uuid.uuid4())
    body = {"code": code, "request_id": request_id}
    tries, sent = 0, None
    if drop_answer:
        try:
            conn.request("POST", "/api/v1/checkins", body=json.dumps(body), headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        except OSError:
            pass
        conn.close()
        tries = 1
        with tally.lock:
            tally.dropped += 1
        time.sleep(0.1)  # mostly, the first attempt is decided by then: the retry is a replay
    while True:
        try:
            sent = datetime.now(timezone.utc) if tries else None
            status, data = _attempt(conn, "POST", "/api/v1/checkins", body, token)
            if status < 500:
                if tries:
                    with tally.lock:
                        tally.retried += 1
                return status, data, request_id, sent
            kind = f"{status} {_error_code(data)}"
        except (OSError, http.client.HTTPException) as exc:
            conn.close()  # http.client opens a fresh connection on the next request
            kind = type(exc).__name__
        with tally.lock:
            tally.errors.append((tally.now(), kind))
        tries += 1
        if time.monotonic() >= give_up_at:
            return None, None, request_id, None
        time.sleep(min(0.05 * 2 ** tries, 1.0))


def client(port: int, code: str, tokens: list[str], tally: Tally, stop_at: float, give_up_at: float,
           drop_share: float = 0.0, seed: int = 0) -> None:
    """Scan for each owned volunteer in turn (check in, later check out: the server decides which)
    until stop_at; a volunteer at the daily limit leaves the rotation. ``drop_share`` of the scans
    lose their first answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    active, i, rng = list(tokens), 0, random.Random(seed)
    while active and time.monotonic() < stop_at:
        token = active[i % len(active)]
        status, data, request_id, resent = scan_until_answered(conn, tally, token, code, give_up_at,
                                                                rng.random() < drop_share)
        with tally.lock:
            if status is None:
                tally.in_doubt.append(request_id)
                continue
            tally.answered_at.append(tally.now())
            if status in (200, 201):
                session = data["session"]
                tally.acks.append({"request_id": request_id, "action": data["action"], "session_id": session["id"],
                                   "checked_in_at": session["checked_in_at"],
                                   "checked_out_at": session["checked_out_at"], "resent": resent})
                i += 1
            else:
                tally.refusals[f"{status} {_error_code(data)}"] += 1
                active.remove(token)  # the daily limit, or a refusal no retry would change
    conn.close()


# Endpoints whose rate limits live in Redis (REDIS_URL), probed slower than their limits
# (VERIFY_RATE_LIMIT 30/min, LOGIN_RATE_LIMIT 10/min per address) so a 429 means nothing here.
PROBES = (("verify", 2.5, "GET", "/api/v1/verify/BN-2026-999999?code=x", lambda n: None),
          ("login", 7.0, "POST", "/api/v1/auth/token",
           lambda n: {"login": f"137{n:08d}", "password": "not-the-password"}))


def probe(port: int, tally: Tally, stop_at: float) -> None:
    due = {name: 0.0 for name, *_ in PROBES}
    n = 0
    while time.monotonic() < stop_at:
        for name, every, method, path, body in PROBES:
            if tally.now() < due[name]:
                continue
            due[name] = tally.now() + every
            n += 1
            # a connection of its own each time: one idle past gunicorn's keep-alive (2 s) is closed
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                status, data = _attempt(conn, method, path, body(n))
                outcome = f"{status}" + (f" {_error_code(data)}" if status >= 400 else "")
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
            conn.close()
            with tally.lock:
                tally.probes.append((tally.now(), name, outcome))
        time.sleep(0.1)
