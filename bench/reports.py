"""Dashboard speed at province scale: on data made by `flask generate`, the root organisation's
dashboard request (signed in as the province's league admin, figures read from the rollups) and,
in the same run, the one raw SQL aggregate over the entries that computes the same headline
figures; the same for one town and its own aggregate; at each size asked for. Prints each time
(the median of several requests after one to warm up), their ratio, how each grows from one size
to the next, and how long `generate` took. Targets: the root's dashboard at most a fifth of the
raw aggregate's time at 1,000,000 entries, growing at most 1.5x when the entries grow 10x over the
same two years; a town's likewise. Beside them, the floor: the town admin's /me, a signed-in page
that reads nothing of the reports, below which no page answers.

    .venv/bin/python bench/reports.py                                  # quick: SQLite, 50,000 entries
    .venv/bin/python bench/reports.py --database-url postgresql://postgres@127.0.0.1:5432/postgres \\
        --sizes 1000000,10000000 --volunteers 200000

With a PostgreSQL URL the script creates (and afterwards drops) a database `volunteer_bench_reports`
on that server for each size; without one it uses a SQLite file under /tmp. `--existing` measures
databases already made by `flask --app run generate` instead (10,000,000 entries take half an
hour to make: measure them again after a change without making them again):

    .venv/bin/python bench/reports.py --existing postgresql://postgres@127.0.0.1:5432/province_1m,...
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "volunteer_bench_reports"

# The headline of reports.figures, straight from the entries: one statement, as a report written
# without rollups would run it. {subtree} is the organisation's path prefix.
RAW_POSTGRES = """
SELECT COALESCE(SUM(e.credited_minutes) FILTER (WHERE e.station_id IS NOT NULL), 0) AS checkin_minutes,
       COALESCE(SUM(e.credited_minutes) FILTER (WHERE e.station_id IS NULL), 0) AS manual_minutes,
       COUNT(DISTINCT e.volunteer_id) AS active_volunteers,
       COUNT(DISTINCT (e.volunteer_id, e.project_id, e.served_on)) AS person_times,
       COUNT(DISTINCT e.station_id) AS stations_active
FROM ledger_entries e
JOIN projects p ON p.id = e.project_id
JOIN organisations o ON o.id = p.organisation_id
WHERE e.state = 'approved' AND e.credited_minutes > 0
  AND NOT EXISTS (SELECT 1 FROM ledger_entries c WHERE c.corrects_id = e.id)
  AND e.served_on BETWEEN :start AND :end AND o.path LIKE :subtree
"""
RAW_SQLITE = """
SELECT COALESCE(SUM(CASE WHEN e.station_id IS NOT NULL THEN e.credited_minutes END), 0),
       COALESCE(SUM(CASE WHEN e.station_id IS NULL THEN e.credited_minutes END), 0),
       COUNT(DISTINCT e.volunteer_id),
       COUNT(DISTINCT e.volunteer_id || '-' || e.project_id || '-' || e.served_on),
       COUNT(DISTINCT e.station_id)
FROM ledger_entries e
JOIN projects p ON p.id = e.project_id
JOIN organisations o ON o.id = p.organisation_id
WHERE e.state = 'approved' AND e.credited_minutes > 0
  AND NOT EXISTS (SELECT 1 FROM ledger_entries c WHERE c.corrects_id = e.id)
  AND e.served_on BETWEEN :start AND :end AND o.path LIKE :subtree
"""


def _median_seconds(run, repeat: int) -> float:
    run()  # warm the caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _fresh_database(server_url: str | None) -> str:
    if not server_url:
        path = Path(tempfile.gettempdir()) / "volunteer_bench_reports.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from config import normalise_database_url
    server = sa.make_url(normalise_database_url(server_url))
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{BENCH_DATABASE}"')
    admin.dispose()
    return server.set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def _drop_database(server_url: str | None) -> None:
    if not server_url:
        return
    from config import normalise_database_url
    admin = sa.create_engine(sa.make_url(normalise_database_url(server_url)), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    admin.dispose()


def _app(url: str):
    from cryptography.fernet import Fernet

    from volunteer import create_app
    return create_app("production", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench", SESSION_COOKIE_SECURE=False,
                      DATA_ENCRYPTION_KEY=Fernet.generate_key().decode(), RATELIMIT_ENABLED=False,
                      WTF_CSRF_ENABLED=False)


def _generated(server_url: str | None, volunteers: int, entries: int):
    """A fresh database with ``generate``'s data, and how long making it took."""
    from flask_migrate import upgrade

    from volunteer.core.time import utcnow
    from volunteer.extensions import db
    from volunteer.generate import generate

    app = _app(_fresh_database(server_url))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        print(f"generating {volunteers:,} volunteers and {entries:,} entries…", flush=True)
        made = generate(volunteers=volunteers, entries=entries, now=utcnow(), say=lambda text: print(text, flush=True))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # as autovacuum would leave it: index-only scans work
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
    print(f"generated in {made['timings']['total']} s; measuring…", flush=True)
    return app, made["timings"]["total"]


def measure(app, repeat: int, generate_seconds: float | None = None) -> dict:
    """The root's and a town's dashboard beside their raw aggregates, on the app's database."""
    from volunteer.accounts.models import Volunteer
    from volunteer.core.time import utcnow
    from volunteer.extensions import db
    from volunteer.generate import ADMIN_PHONE, GENERATED_PASSWORD, TOWN_ADMIN_PHONE
    from volunteer.ledger.models import LedgerEntry
    from volunteer.organisations.models import Organisation
    from volunteer.reports import services

    with app.app_context():
        _kind, period = services.period_of("last_year", now=utcnow())
        root = db.session.scalar(sa.select(Organisation).where(Organisation.parent_id.is_(None)))
        town_id = db.session.scalar(sa.text("SELECT organisation_id FROM memberships WHERE user_id = 2"))
        town = db.session.get(Organisation, town_id)
        paths = {"root": root.path, "town": town.path}
        raw = RAW_POSTGRES if db.engine.dialect.name == "postgresql" else RAW_SQLITE
        results = {"entries": db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)),
                   "volunteers": db.session.scalar(sa.select(sa.func.count()).select_from(Volunteer)),
                   "generate_seconds": generate_seconds, "period": f"{period.start} – {period.end}"}
    for who, phone in (("root", ADMIN_PHONE), ("town", TOWN_ADMIN_PHONE)):
        client = app.test_client()
        signed = client.post("/login", data={"login": phone, "password": GENERATED_PASSWORD})
        assert signed.status_code == 302, signed.get_data(as_text=True)[:300]
        query = {"period": "last_year"}

        def dashboard(client=client, query=query):
            response = client.get("/reports/", query_string=query)
            assert response.status_code == 200
        results[f"{who}_dashboard"] = _median_seconds(dashboard, repeat)

        def floor(client=client):
            response = client.get("/me")
            assert response.status_code == 200
        results[f"{who}_floor"] = _median_seconds(floor, repeat)

        def aggregate(subtree=paths[who]):
            with app.app_context():
                db.session.execute(sa.text(raw), {"start": period.start, "end": period.end,
                                                  "subtree": subtree + "%"}).one()
                db.session.rollback()
        results[f"{who}_raw"] = _median_seconds(aggregate, repeat)
    with app.app_context():
        db.engine.dispose()
    print({k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}, flush=True)
    return results


def _at_size(server_url: str | None, volunteers: int, entries: int, repeat: int) -> dict:
    app, seconds = _generated(server_url, volunteers, entries)
    try:
        return measure(app, repeat, seconds)
    finally:
        _drop_database(server_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (its database is not touched)")
    parser.add_argument("--sizes", default="50000", help="entries, comma separated (e.g. 1000000,10000000)")
    parser.add_argument("--volunteers", type=int, default=20_000, help="the same at every size")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--existing", help="databases made by `flask generate`, comma separated, smallest first "
                                           "(measured as they are, nothing made or dropped)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --existing: measure the databases in turn this many times and take each "
                             "figure's median, so that a load that comes and goes falls on every size alike")
    args = parser.parse_args()
    if args.existing:
        apps = [_app(url) for url in args.existing.split(",")]
        rounds = [[measure(app, args.repeat) for app in apps] for _ in range(args.rounds)]
        rows = [{key: statistics.median(r[i][key] for r in rounds) if isinstance(value, float) else value
                 for key, value in rounds[0][i].items()} for i in range(len(apps))]
    else:
        rows = [_at_size(args.database_url, args.volunteers, int(size), args.repeat) for size in args.sizes.split(",")]
    print()
    print(f"{'entries':>12} {'generate':>9} | {'root dash':>9} {'root raw':>9} {'ratio':>6} | "
          f"{'town dash':>9} {'town raw':>9} {'ratio':>6} | {'floor':>6}")
    for row in rows:
        made = f"{row['generate_seconds']:>8.1f}s" if row["generate_seconds"] is not None else f"{'—':>9}"
        print(f"{row['entries']:>12,} {made} | {row['root_dashboard'] * 1000:>7.0f}ms "
              f"{row['root_raw'] * 1000:>7.0f}ms {row['root_dashboard'] / row['root_raw']:>6.2f} | "
              f"{row['town_dashboard'] * 1000:>7.0f}ms {row['town_raw'] * 1000:>7.0f}ms "
              f"{row['town_dashboard'] / row['town_raw']:>6.2f} | {row['town_floor'] * 1000:>4.0f}ms")
    volunteers = ", ".join(f"{row['volunteers']:,}" for row in rows)
    print(f"period: {rows[0]['period']} (last year); volunteers at each size: {volunteers}")
    print("targets: dashboard / raw aggregate at most 0.20 at 1,000,000 entries; the dashboard growing at most "
          "1.5x for 10x the entries")
    print("floor: the town admin's /me, a signed-in page that reads nothing of the reports (sign-in, menu, "
          "notices); no page answers faster")
    for row in rows:
        if 0.2 * row["town_raw"] < row["town_floor"]:
            print(f"at {row['entries']:,} entries a fifth of the town's raw aggregate "
                  f"({0.2 * row['town_raw'] * 1000:.1f} ms) is below the floor ({row['town_floor'] * 1000:.1f} ms)")
    for before, after in zip(rows, rows[1:], strict=False):
        growth = after["entries"] / before["entries"]
        print(f"{before['entries']:,} → {after['entries']:,} entries ({growth:.0f}x): root dashboard "
              f"{after['root_dashboard'] / before['root_dashboard']:.2f}x, raw {after['root_raw'] / before['root_raw']:.2f}x; "
              f"town dashboard {after['town_dashboard'] / before['town_dashboard']:.2f}x, "
              f"raw {after['town_raw'] / before['town_raw']:.2f}x")


if __name__ == "__main__":
    main()
