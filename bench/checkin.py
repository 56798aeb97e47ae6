"""Check-in throughput: the app under gunicorn on PostgreSQL, check-in/check-out pairs from many
simulated volunteers over loopback, against a baseline endpoint that only authenticates, inserts
one row and commits (bench/wsgi.py). Prints requests per second, p50/p99 latency and the ratio.
Target: check-in throughput at least half of the baseline's.

    .venv/bin/python bench/checkin.py [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--volunteers 3000] [--clients 16] [--seconds 20] [--rounds 4] [--workers 2] [--threads 8]

It creates (and afterwards drops) a database named volunteer_bench on that server.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "volunteer_bench"


def admin_execute(server_url: str, *statements: str) -> None:
    import psycopg
    with psycopg.connect(server_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def with_database(server_url: str, name: str) -> str:
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def seed(env: dict, volunteers: int) -> tuple[str, list[str]]:
    """One station with one running project, and volunteers with API tokens; returns the code
    text of the station and the tokens."""
    os.environ.update(env)
    from volunteer import create_app
    from volunteer.accounts import privacy
    from volunteer.accounts import services as accounts
    from volunteer.accounts.identity import check_digit
    from volunteer.core.time import utcnow
    from volunteer.extensions import db
    from volunteer.organisations import services as organisations
    from volunteer.organisations.vocabulary import OrganisationKind, Role
    from volunteer.projects import services as projects
    from volunteer.projects.vocabulary import Category, ProjectState
    from volunteer.stations import codes
    from volunteer.stations import services as stations
    from volunteer.stations.vocabulary import StationKind

    app = create_app("production", PASSWORD_HASH_METHOD="pbkdf2:sha256:1000", SERVER_NAME="127.0.0.1")
    with app.app_context():
        now = utcnow()
        city = organisations.create_organisation(None, None, code="BN", name="基准市团委", kind=OrganisationKind.CITY, now=now)
        password = secrets.token_urlsafe(16)  # the benchmark signs in with tokens; nobody needs it
        admin = accounts.create_user(phone="13800009999", email=None, password=password, display_name="管理员",
                                    now=now)
        accounts.grant_role(None, admin, city, Role.LEAGUE_ADMIN, now=now)
        station = stations.create_station(admin, city, {"name": "基准驿站", "kind": StationKind.POST}, now=now)
        db.session.flush()
        today = date.today()
        project = projects.create_project(admin, city, {
            "title": "基准项目", "category": Category.COMMUNITY, "starts_on": today - timedelta(days=1),
            "ends_on": today + timedelta(days=1), "station_ids": [station.id]}, now=now)
        project.state = ProjectState.RUNNING
        tokens = []
        for n in range(volunteers):
            born = date(1990, 1, 1) + timedelta(days=n)
            first17 = f"110105{born:%Y%m%d}{n % 999 + 1:03d}"
            volunteer = accounts.register_volunteer({
                "name": "志愿者" + "甲乙丙丁戊己庚辛壬癸"[n % 10] + "子丑寅卯辰巳午未申酉戌亥"[n // 10 % 12], "phone": f"139{n:08d}", "id_number": first17 + check_digit(first17),
                "password": password, "organisation_code": "BN", "consent_version": privacy.CURRENT_VERSION},
                now=now)
            raw, _ = accounts.issue_api_token(volunteer.user, now=now)
            tokens.append(raw)
        db.session.commit()
        with app.test_request_context("/"):
            code = codes.make_code(station, codes.STATIC)
    return code, tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/organisations")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def drive(port: int, path: str, body_for, tokens: list[str], clients: int, seconds: float, warmup: float):
    """Each client thread owns some volunteers and sends their requests one after another over a
    kept-alive connection; returns the latencies (s) counted after the warm-up, and the errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.monotonic()
    counted_from, stop_at = start + warmup, start + warmup + seconds

    def client(mine: list[str]):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        own, i = [], 0
        while True:
            token = mine[i % len(mine)]
            i += 1
            began = time.monotonic()
            if began >= stop_at:
                break
            try:
                conn.request("POST", path, body=json.dumps(body_for(token)), headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = repr(exc)
            took = time.monotonic() - began
            if began >= counted_from:
                if status in (200, 201):
                    own.append(took)
                else:
                    with lock:
                        errors.append(str(status))
        with lock:
            latencies.extend(own)

    shares = [tokens[i::clients] for i in range(clients)]
    threads = [threading.Thread(target=client, args=(share,)) for share in shares if share]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, seconds


def summary(name: str, latencies: list[float], errors: list[str], seconds: float) -> dict:
    ordered = sorted(latencies)
    figures = {
        "name": name, "requests": len(ordered), "errors": len(errors), "rps": len(ordered) / seconds,
        "p50_ms": 1000 * statistics.median(ordered) if ordered else float("nan"),
        "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))] if ordered else float("nan"),
    }
    print(f"{name:<28} {figures['requests']:>8} {figures['errors']:>6} {figures['rps']:>9.1f} "
          f"{figures['p50_ms']:>8.1f} {figures['p99_ms']:>8.1f}")
    if errors:
        print(f"  first errors: {errors[:5]}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server (any database on it); volunteer_bench is created there")
    parser.add_argument("--volunteers", type=int, default=3000,
                        help="enough for 3 check-in/check-out pairs each (the daily limit) over the run")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client connections")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=4, help="turns taken by the two endpoints")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    from cryptography.fernet import Fernet
    server_url = args.database_url
    admin_execute(server_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", f"CREATE DATABASE {DB_NAME}")
    env = {**os.environ, "FLASK_CONFIG": "production", "SECRET_KEY": secrets.token_urlsafe(32),
           "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(), "DATABASE_URL": with_database(server_url, DB_NAME)}
    env.pop("REDIS_URL", None)
    python_bin = Path(sys.executable).parent
    subprocess.run([str(python_bin / "flask"), "--app", "run", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    code, tokens = seed(env, args.volunteers)

    port = free_port()
    server = subprocess.Popen(
        [str(python_bin / "gunicorn"), "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "bench.wsgi:app"],
        cwd=ROOT, env=env)
    try:
        wait_until_up(port)
        print(f"gunicorn: {args.workers} workers x {args.threads} threads; PostgreSQL; {args.volunteers} volunteers, "
              f"{args.clients} client connections, {args.seconds:.0f} s measured per endpoint in {args.rounds} alternating rounds; "
              f"{os.cpu_count()} CPUs shared by clients and server")
        print(f"{'endpoint':<28} {'requests':>8} {'errors':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
        # The two endpoints take turns, so that a noisy neighbour on the machine slows both alike.
        runs = {"baseline": ([], [], 0.0), "checkin": ([], [], 0.0)}
        share = args.seconds / args.rounds
        round_ratios = []
        for round_no in range(args.rounds):
            warmup = args.warmup if round_no == 0 else 0.5
            rates = {}
            for key, path, body in (("baseline", "/api/v1/_bench/baseline", lambda token: {}),
                                    ("checkin", "/api/v1/checkins", lambda token: {"code": code})):
                latencies, errors, seconds = drive(port, path, body, tokens, args.clients, share, warmup)
                total = runs[key]
                runs[key] = (total[0] + latencies, total[1] + errors, total[2] + seconds)
                rates[key] = len(latencies) / seconds
            round_ratios.append(rates["checkin"] / rates["baseline"] if rates["baseline"] else float("nan"))
        base = summary("baseline (auth+INSERT)", *runs["baseline"])
        check = summary("check-in / check-out", *runs["checkin"])
    finally:
        server.terminate()
        server.wait(timeout=30)

    ratio = check["rps"] / base["rps"] if base["rps"] else float("nan")
    median = statistics.median(round_ratios)
    print(f"ratio check-in / baseline: {ratio:.2f} over the run; per round "
          f"{', '.join(f'{r:.2f}' for r in round_ratios)} (median {median:.2f}); "
          f"target >= 0.50: {'met' if median >= 0.5 else 'NOT met'}")
    import psycopg
    with psycopg.connect(with_database(server_url, DB_NAME)) as conn:
        sessions, open_sessions, entries = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE state = 'open'), "
            "(SELECT count(*) FROM ledger_entries) FROM service_sessions").fetchone()
    print(f"database: {sessions} sessions ({open_sessions} open), {entries} pending ledger entries")
    if not args.keep:
        admin_execute(server_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    return 0 if check["errors"] == 0 and base["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
