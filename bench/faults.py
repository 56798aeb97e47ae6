"""Faults under load: bench/checkin.py's set-up (one station, one running project, volunteers with
API tokens; the app of bench/wsgi.py under gunicorn on PostgreSQL, with Redis for the rate limits),
volunteers checking in and out over many connections and, meanwhile, a gunicorn worker SIGKILLed,
PostgreSQL stopped and started again, and Redis stopped for a while; a few clients also drop a
scan's answer on purpose (a phone losing its network). Clients resend a scan whose answer they did
not get with the same request_id (bench/_faults_client.py). Afterwards every
acknowledged scan is looked for in the database, and `flask --app run ledger verify` runs.

    .venv/bin/python bench/faults.py [--duration 60] [--clients 16] [--workers 2] [--threads 8]
        [--volunteers 1200] [--pg-down 3] [--redis-down 10] [--drop-answers 0.02] [--grace 15]
        [--pg-port 5444] [--redis-port 6390] [--keep]

It starts its own PostgreSQL cluster (initdb into a temp directory; as the postgres user when run
as root) and its own redis-server, on the ports given, and removes them afterwards; it never
touches another server. Exit status 1 when a scan was duplicated or lost, or verify failed.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _faults_client as clients  # noqa: E402
from bench._faults_services import Gunicorn, Postgres, Redis  # noqa: E402
from bench.checkin import ROOT, admin_execute, free_port, seed, wait_until_up, with_database  # noqa: E402

DB_NAME = "volunteer_faults"


class Fault:
    def __init__(self, name: str, at: float):
        self.name, self.at, self.restored, self.note = name, at, at, ""


def inject(args, tally: clients.Tally, server: Gunicorn, pg: Postgres, redis: Redis) -> list[Fault]:
    """The three faults, spread over the run, one at a time so each one's recovery shows alone."""
    plan = [(0.15, "SIGKILL a gunicorn worker"), (0.40, "restart PostgreSQL"), (0.65, "stop Redis")]
    faults = []
    for share, name in plan:
        time.sleep(max(0.0, share * args.duration - tally.now()))
        fault = Fault(name, tally.now())
        if name.startswith("SIGKILL"):
            pid, held, replaced = server.kill_worker()
            fault.note = f"worker {pid} killed with {held} client connections; a new one forked after {replaced:.1f} s"
        elif name.endswith("PostgreSQL"):
            pg.stop()
            stopped = tally.now()
            time.sleep(args.pg_down)
            pg.start()
            fault.note = f"down {tally.now() - stopped:.1f} s (pg_ctl stop -m fast, start)"
        else:
            redis.stop()
            time.sleep(args.redis_down)
            redis.start()
            fault.note = f"down {tally.now() - fault.at:.1f} s"
        fault.restored = tally.now()
        faults.append(fault)
    return faults


def recovery(faults: list[Fault], tally: clients.Tally, end: float) -> list[str]:
    """For each fault, what the clients saw until the next one: failed attempts by kind, and how
    long after the fault was repaired the last one came."""
    lines = []
    for fault, until in zip(faults, [f.at for f in faults[1:]] + [end + 3600], strict=True):
        errors = [(t, kind) for t, kind in tally.errors if fault.at <= t < until]
        kinds = Counter(kind for _, kind in errors)
        answered = [t for t in tally.answered_at if fault.at <= t < until]
        last = max((t for t, _ in errors), default=None)
        # the longest time no scan got an answer, from just before the fault
        times = [max([t for t in tally.answered_at if t < fault.at], default=fault.at)] + answered
        gap = max((b - a for a, b in zip(times, times[1:], strict=False)), default=0.0)
        recovered = "no failed attempt" if last is None else \
            f"last failed attempt {max(0.0, last - fault.restored):.1f} s after repair"
        lines.append(f"{fault.name} at {fault.at:.1f} s: {fault.note}; {sum(kinds.values())} failed attempts "
                     f"({', '.join(f'{k} x{n}' for k, n in kinds.most_common()) or '-'}); {recovered}; "
                     f"no scan answered for {gap:.1f} s at most; {len(answered)} answered before the next fault")
        probes = Counter(f"{name} {outcome}" for t, name, outcome in tally.probes if fault.at <= t < fault.restored)
        if fault.name == "stop Redis":
            lines.append(f"  rate-limited endpoints while Redis was down: "
                         f"{', '.join(f'{k} x{n}' for k, n in sorted(probes.items())) or 'not probed'}")
    return lines


def logged_errors(log: Path) -> list[str]:
    """The exceptions gunicorn's log holds (what the app raised during the faults), most frequent first."""
    found = Counter(m.group(0)[:120] for m in re.finditer(r"^[\w.]+(?:Error|Exception|Failure)\b.*$",
                                                          log.read_text(errors="replace"), re.M))
    return [f"  {n} x {line}" for line, n in found.most_common(6)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load; the faults fall within")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--volunteers", type=int, default=1200,
                        help="3 check-in/check-out pairs each at most (the daily limit)")
    parser.add_argument("--pg-down", type=float, default=3.0, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--redis-down", type=float, default=10.0, help="seconds Redis stays stopped")
    parser.add_argument("--grace", type=float, default=15.0,
                        help="after the load, how long a scan still unanswered is resent before it is in doubt")
    parser.add_argument("--drop-answers", type=float, default=0.02,
                        help="share of scans whose client closes the connection before the answer, then resends")
    parser.add_argument("--pg-port", type=int, default=5444)
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--keep", action="store_true", help="keep the temp directory (database files, logs)")
    args = parser.parse_args()

    from cryptography.fernet import Fernet
    began = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="volunteer-faults-"))
    workdir.chmod(0o755)  # the postgres user must reach its directory inside
    pg = redis = server = None
    try:
        pg = Postgres(workdir, args.pg_port)
        redis = Redis(workdir, args.redis_port)
        pg.start()
        redis.start()
        admin_execute(pg.url, f"CREATE DATABASE {DB_NAME}")
        database_url = with_database(pg.url, DB_NAME)
        env = {**os.environ, "FLASK_CONFIG": "production", "SECRET_KEY": secrets.token_urlsafe(32),
               "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(), "DATABASE_URL": database_url,
               "REDIS_URL": redis.url}
        flask = [str(Path(sys.executable).parent / "flask"), "--app", "run"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        code, tokens = seed(env, args.volunteers)

        port = free_port()
        server = Gunicorn(ROOT, env, port, args.workers, args.threads, workdir / "gunicorn.log")
        wait_until_up(port)
        print(f"gunicorn {args.workers} workers x {args.threads} threads on PostgreSQL (port {args.pg_port}) and "
              f"Redis (port {args.redis_port}); {args.clients} clients, {args.volunteers} volunteers, "
              f"{args.duration:.0f} s of load; set-up took {time.monotonic() - began:.0f} s")

        tally = clients.Tally(start=time.monotonic())
        stop_at = tally.start + args.duration
        threads = [threading.Thread(target=clients.client, args=(port, code, tokens[i::args.clients], tally, stop_at,
                                                                 stop_at + args.grace, args.drop_answers, i))
                   for i in range(args.clients)]
        threads.append(threading.Thread(target=clients.probe, args=(port, tally, stop_at)))
        for thread in threads:
            thread.start()
        faults = inject(args, tally, server, pg, redis)
        for thread in threads:
            thread.join()
        end = tally.now()
        server.stop()
        logged = logged_errors(workdir / "gunicorn.log")

        from bench._faults_check import compare  # imports the app's vocabulary: after seed() set the env
        figures = compare(database_url, tally.acks, tally.in_doubt)
        verify = subprocess.run([*flask, "ledger", "verify"], cwd=ROOT, env=env, capture_output=True, text=True)
        verified = verify.returncode == 0
    finally:
        for service in (server, redis, pg):
            if service is not None:
                try:
                    service.stop()
                except Exception as exc:  # noqa: BLE001  (stop the others all the same)
                    print(f"could not stop {type(service).__name__}: {exc}", file=sys.stderr)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    print("\nfaults (times from the start of the load):")
    for line in recovery(faults, tally, end):
        print("  " + line)
    print(f"  scans answered after a retry: {tally.retried}, {tally.dropped} of them after the client dropped the "
          f"first answer on purpose; {figures['replayed']} answered from the scan an earlier attempt had stored; "
          f"refusals: "
          f"{', '.join(f'{k} x{n}' for k, n in tally.refusals.most_common()) or '-'}")
    print("  exceptions in gunicorn's log:\n" + "\n".join(logged or ["  none"]))
    for line in figures["problems"][:10]:
        print("  " + line)
    print(f"\n{'scans acknowledged':<24} {figures['acknowledged']:>7}")
    print(f"{'stored exactly once':<24} {figures['stored']:>7}")
    print(f"{'duplicated':<24} {figures['duplicated']:>7}")
    print(f"{'lost':<24} {figures['lost']:>7}")
    print(f"{'in doubt (unanswered)':<24} {figures['in_doubt']:>7}  ({figures['in_doubt_stored']} of them stored)")
    print(f"{'ledger verify':<24} {'passed' if verified else 'FAILED'}")
    if not verified:
        print(verify.stdout[-2000:] + verify.stderr[-2000:])
    print(f"total time {time.monotonic() - began:.0f} s" + (f"; files kept in {workdir}" if args.keep else ""))
    return 0 if verified and figures["duplicated"] == 0 and figures["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
