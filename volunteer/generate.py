"""Synthetic data at the scale of a province, for benchmarks and load: an organisation tree (cities,
counties, towns and streets, villages and communities, schools), stations, projects in every state,
volunteers, two years of sessions and entries (seasonal peaks, rejections, pending, corrections).

Rows are made here and written in bulk (COPY on PostgreSQL, batched inserts on SQLite), then the
totals and the dashboards' rollups are computed from the entries by the database, so that
``flask --app run ledger verify`` finds them equal. Deterministic for a seed. Only into an empty
database: it never mixes with real records."""
from __future__ import annotations

import io
import random
import secrets
import time as clock
from bisect import bisect
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, timezone
from itertools import accumulate

import sqlalchemy as sa

from volunteer.accounts import services as accounts
from volunteer.accounts.models import Membership, User, Volunteer
from volunteer.accounts.vocabulary import Gender, IdType
from volunteer.checkin.models import ServiceSession
from volunteer.checkin.vocabulary import SessionSource, SessionState
from volunteer.core.models import Counter
from volunteer.core.time import DEFAULT_ZONE, local_date
from volunteer.extensions import db
from volunteer.ledger.models import LedgerEntry
from volunteer.ledger.services import credit_rule, rebuild_totals
from volunteer.ledger.vocabulary import EntrySource, EntryState
from volunteer.organisations.models import Organisation, OrganisationAncestor
from volunteer.organisations.vocabulary import OrganisationKind, Role
from volunteer.projects.models import Project, project_stations
from volunteer.projects.vocabulary import Category, ProjectState
from volunteer.reports import direct
from volunteer.stations.models import Station
from volunteer.stations.vocabulary import StationKind

GENERATED_PASSWORD = "generated2026"
ADMIN_PHONE = "13900000000"        # the province's league admin
TOWN_ADMIN_PHONE = "13900000001"   # the first town's league admin
SHAPE = {"cities": 8, "counties": 5, "towns": 8, "grassroots": 10, "schools": 2}
SYLLABLES = "青山白河东洲柳湾石桥临溪南岭北塘西坪新安长乐永和清泉桃源丰收金沙银杏红星凤凰龙泉翠竹"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鑫宇浩然子轩欣怡梓涵"
# Projects that have seen service (the others have none yet, or never will).
SERVING = (ProjectState.RUNNING, ProjectState.EVALUATING, ProjectState.CLOSED, ProjectState.SUSPENDED)
STATE_WEIGHTS = {ProjectState.RUNNING: 60, ProjectState.CLOSED: 14, ProjectState.EVALUATING: 8,
                 ProjectState.SUSPENDED: 2, ProjectState.RECRUITING: 5, ProjectState.APPROVED: 3,
                 ProjectState.SUBMITTED: 3, ProjectState.DRAFT: 3, ProjectState.REJECTED: 1, ProjectState.CANCELLED: 1}
CHUNK = 100_000


class NotEmpty(Exception):
    """The database already holds records: generated data is never mixed with them."""


def _place(rng: random.Random) -> str:
    return "".join(rng.sample(SYLLABLES, 2))


def _utc(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=DEFAULT_ZONE).astimezone(timezone.utc)


class Writer:
    """Bulk writes: COPY on PostgreSQL, batched INSERTs on SQLite; ids are given here."""

    def __init__(self):
        self.connection = db.session.connection()
        self.postgres = db.engine.dialect.name == "postgresql"

    def write(self, table: sa.Table, columns: list[str], rows: Iterable[tuple]) -> int:
        if self.postgres:
            return self._copy(table, columns, rows)
        count, batch = 0, []
        stmt = table.insert()
        for row in rows:
            batch.append(dict(zip(columns, row, strict=True)))
            if len(batch) == 5000:
                self.connection.execute(stmt, batch)
                count, batch = count + len(batch), []
        if batch:
            self.connection.execute(stmt, batch)
            count += len(batch)
        return count

    def _copy(self, table: sa.Table, columns: list[str], rows: Iterable[tuple]) -> int:
        raw = self.connection.connection.driver_connection
        count = 0
        with raw.cursor() as cursor, cursor.copy(f'COPY {table.name} ({", ".join(columns)}) FROM STDIN') as copy:
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_text(v) for v in row))
                buffer.write("\n")
                count += 1
                if count % 20_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        return count

    def restart_sequences(self, tables: Iterable[sa.Table]) -> None:
        """Ids were given here: the sequences continue after them (the SQL names our own tables)."""
        if not self.postgres:
            return
        for table in tables:
            self.connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # nosec B608
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)")


def _text(value) -> str:
    """A value in COPY's text format (what we make holds no tab, newline or backslash)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def generate(*, volunteers: int, entries: int, now: datetime, seed: int = 2026,
             say: Callable[[str], None] = print) -> dict:
    """Fill an empty database; returns what was made and how long each part took (seconds)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)):
        raise NotEmpty("The database already holds organisations: generate into an empty one.")
    rng = random.Random(seed)
    writer = Writer()
    timings, started = {}, clock.perf_counter()
    today = local_date(now, DEFAULT_ZONE)
    first_day = today.replace(year=today.year - 2) + timedelta(days=1)

    def lap(name: str) -> None:  # the seconds since the last lap
        timings[name] = round(clock.perf_counter() - started - sum(timings.values()), 2)
        say(f"  {name}: {timings[name]} s")

    tree = _organisations(rng, writer, now)
    lap("organisations")
    staff = _staff(writer, tree, now)
    station_rows = _stations(rng, writer, tree, now)
    projects = _projects(rng, writer, tree, station_rows, first_day, today, now, staff["admin"])
    lap("stations and projects")
    homes = _volunteers(rng, writer, tree, volunteers, today, now)
    lap("volunteers")
    made = _service(rng, writer, tree, projects, homes, entries, first_day, today, staff["admin"])
    lap("sessions and entries")
    writer.restart_sequences([m.__table__ for m in (Organisation, User, Membership, Station, Project, Volunteer,
                                                    ServiceSession, LedgerEntry)])
    # our tables only: a bare ANALYZE locks the cluster's shared catalogs until this transaction ends
    analyse = sa.text("ANALYZE " + ", ".join(t.name for t in db.metadata.sorted_tables))
    for step, name in ((rebuild_totals, "totals"), (direct.rebuild, "rollups")):
        if writer.postgres:  # the planner's statistics of what was copied, before the sums over it
            db.session.execute(analyse)
        step()
        lap(name)
    if writer.postgres:
        db.session.execute(analyse)
    timings["total"] = round(clock.perf_counter() - started, 2)
    return {"organisations": len(tree["all"]), "stations": len(station_rows), "projects": len(projects),
            "volunteers": len(homes), **made, "timings": timings}


def _organisations(rng, writer, now) -> dict:
    """A province: cities, their counties, towns and streets, villages and communities, schools."""
    rows, ids = [], iter(range(1, 10**9))
    kinds: dict[int, str] = {}
    towns: list[int] = []
    grassroots_of: dict[int, list[int]] = {}
    county_of: dict[int, int] = {}
    city_of: dict[int, int] = {}
    created = now - timedelta(days=3 * 365)

    def add(code, name, kind, parent_id, parent_path):
        org_id = next(ids)
        path = f"{parent_path}{code}/"
        rows.append((org_id, code, name, kind, parent_id, path, created, False, None))
        kinds[org_id] = kind
        return org_id, path

    root, root_path = add("SX", "山溪省团委", OrganisationKind.CITY, None, "/")
    cities, counties = [], []
    for c in range(SHAPE["cities"]):
        city, city_path = add(f"SX{c + 1:02d}", f"{_place(rng)}市团委", OrganisationKind.CITY, root, root_path)
        cities.append(city)
        for k in range(SHAPE["counties"]):
            code = f"SX{c + 1:02d}{k + 1:02d}"
            county, county_path = add(code, f"{_place(rng)}县团委", OrganisationKind.CITY, city, city_path)
            counties.append(county)
            for s in range(SHAPE["schools"]):
                add(f"{code}S{s + 1}", f"{_place(rng)}中学团委", OrganisationKind.SCHOOL, county, county_path)
            for t in range(SHAPE["towns"]):
                street = t % 4 == 3
                town_code = f"{code}{t + 1:02d}"
                town, town_path = add(town_code, f"{_place(rng)}{'街道团工委' if street else '镇团委'}",
                                      OrganisationKind.STREET if street else OrganisationKind.TOWN, county, county_path)
                towns.append(town)
                county_of[town], city_of[town] = county, city
                grassroots_of[town] = []
                for g in range(SHAPE["grassroots"]):
                    community = street or g % 3 == 2
                    kind = OrganisationKind.COMMUNITY if community else OrganisationKind.VILLAGE
                    leaf, _ = add(f"{town_code}{g + 1:02d}", f"{_place(rng)}{'社区' if community else '村'}团支部",
                                  kind, town, town_path)
                    grassroots_of[town].append(leaf)
    table = Organisation.__table__
    writer.write(table, ["id", "code", "name", "kind", "parent_id", "path", "created_at", "publishes_figures",
                         "population"], rows)
    by_path = {row[5]: row[0] for row in rows}
    writer.write(OrganisationAncestor.__table__, ["organisation_id", "ancestor_id"],
                 [(row[0], by_path[row[5][:i + 1]]) for row in rows for i, ch in enumerate(row[5]) if ch == "/" and i])
    return {"root": root, "cities": cities, "counties": counties, "towns": towns, "grassroots_of": grassroots_of,
            "county_of": county_of, "city_of": city_of, "all": rows, "kinds": kinds}


def _staff(writer, tree, now) -> dict:
    """The province's league admin and the first town's: the benchmark signs in as them."""
    password_hash = accounts.hash_password(GENERATED_PASSWORD)
    users = [(1, ADMIN_PHONE, password_hash, "省团委管理员", True, now),
             (2, TOWN_ADMIN_PHONE, password_hash, "镇团委管理员", True, now)]
    writer.write(User.__table__, ["id", "phone", "password_hash", "display_name", "active", "created_at"], users)
    writer.write(Membership.__table__, ["id", "user_id", "organisation_id", "role", "created_at"],
                 [(1, 1, tree["root"], Role.LEAGUE_ADMIN, now), (2, 2, tree["towns"][0], Role.LEAGUE_ADMIN, now)])
    return {"admin": 1, "town_admin": 2}


def _stations(rng, writer, tree, now) -> list[tuple]:
    """A station in each town and street, and in most villages and communities."""
    rows, station_id = [], 0
    for town in tree["towns"]:
        for org in [town] + [g for g in tree["grassroots_of"][town] if rng.random() < 0.6]:
            station_id += 1
            kind = StationKind.YOUTH_HOME if org == town else rng.choice([StationKind.POST, StationKind.SERVICE_STATION])
            rows.append((station_id, org, f"{_place(rng)}{kind}", kind, True, now - timedelta(days=800),
                         secrets.token_urlsafe(32), 1))
    writer.write(Station.__table__, ["id", "organisation_id", "name", "kind", "active", "created_at", "secret",
                                     "key_version"], rows)
    return rows


def _projects(rng, writer, tree, stations, first_day, today, now, admin) -> list[dict]:
    """Three projects in each town, two in each county, one in each city, two of the province's
    own; every state is there, and most have seen service."""
    by_town: dict[int, list[int]] = {}
    station_org = {row[0]: row[1] for row in stations}
    for station_id, org in station_org.items():
        town = org if org in tree["grassroots_of"] else next(t for t, gs in tree["grassroots_of"].items() if org in gs)
        by_town.setdefault(town, []).append(station_id)
    owners = [(tree["root"], None)] * 2 + [(c, None) for c in tree["cities"]] + \
        [(k, None) for k in tree["counties"] for _ in range(2)] + [(t, t) for t in tree["towns"] for _ in range(3)]
    states, weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
    rows, links, made = [], [], []
    for index, (org, town) in enumerate(owners, start=1):
        state = states[index - 1] if index <= len(states) else rng.choices(states, weights)[0]
        category = rng.choice(list(Category))
        starts = first_day if state in SERVING else today - timedelta(days=rng.randrange(0, 60))
        ends = today + timedelta(days=rng.randrange(30, 400)) if state != ProjectState.CLOSED else today - timedelta(days=1)
        rows.append((index, org, f"{_place(rng)}{category.label}志愿服务", category, state, now - timedelta(days=760),
                     "", starts, ends, False, now, False, admin))
        places = by_town.get(town) if town else rng.sample(list(station_org), min(3, len(station_org)))
        chosen = rng.sample(places, min(len(places), 3)) if places and rng.random() < 0.85 else []
        links += [(index, station_id) for station_id in chosen]
        if state in SERVING:
            made.append({"id": index, "town": town, "stations": chosen, "ends": ends})
    writer.write(Project.__table__, ["id", "organisation_id", "title", "category", "state", "created_at",
                                     "description", "starts_on", "ends_on", "roster_required", "updated_at",
                                     "require_rotating_code", "created_by_id"], rows)
    writer.write(project_stations, ["project_id", "station_id"], links)
    return made


def _volunteers(rng, writer, tree, count, today, now) -> list[int]:
    """Volunteers at home in the villages and communities, registered over three years;
    no identity numbers or logins (they would be personal data of nobody)."""
    leaves = [org for gs in tree["grassroots_of"].values() for org in gs]
    town_of = {g: t for t, gs in tree["grassroots_of"].items() for g in gs}
    numbers: dict[int, int] = {}
    homes, codes = [], {row[0]: row[1] for row in tree["all"]}

    def rows():
        for volunteer_id in range(1, count + 1):
            org = rng.choice(leaves)
            numbers[org] = numbers.get(org, 0) + 1
            registered = now - timedelta(days=rng.randrange(1, 3 * 365), minutes=rng.randrange(0, 1440))
            homes.append(town_of[org])
            born = today.replace(year=today.year - rng.randrange(16, 66)) - timedelta(days=rng.randrange(0, 360))
            yield (volunteer_id, org, f"{codes[org]}-{numbers[org]:06d}",
                   rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", rng.choice(GIVEN))),
                   IdType.RESIDENT_ID, born, rng.choice((Gender.MALE, Gender.FEMALE)), registered, 1)
    writer.write(Volunteer.__table__, ["id", "organisation_id", "volunteer_no", "name", "id_type", "birth_date",
                                       "gender", "created_at", "card_version"], rows())
    # registrations through the app carry on from the numbers given here
    writer.write(Counter.__table__, ["name", "value"],
                 [(f"volunteer_no:{codes[org]}", n) for org, n in numbers.items()])
    return homes


def _season(first_day: date, today: date) -> tuple[list[date], list[float]]:
    """Each service day and its weight: weekends, March (学雷锋月), the summer holidays and the
    week of 5 December (国际志愿者日) busier; the Spring Festival quieter."""
    days, weights, day = [], [], first_day
    while day < today:
        weight = 1.6 if day.weekday() >= 5 else 1.0
        weight *= {3: 1.8, 7: 1.4, 8: 1.4, 2: 0.6}.get(day.month, 1.0)
        if day.month == 12 and 1 <= day.day <= 8:
            weight *= 2.0
        days.append(day)
        weights.append(weight)
        day += timedelta(days=1)
    return days, list(accumulate(weights))


def _service(rng, writer, tree, projects, homes, entries, first_day, today, admin) -> dict:
    """Sessions and their entries at the projects' stations, and manual entries; decided as
    staff decide them (most approved, a few rejected, the recent ones still pending), a few
    corrected later. Written in chunks, sessions first."""
    rule = credit_rule()
    days, day_weights = _season(first_day, today)
    total_weight = day_weights[-1]
    near: dict[int, list[dict]] = {}
    for project in projects:
        near.setdefault(project["town"], []).append(project)
    # how active each volunteer is: a few very, most now and then
    activity = list(accumulate(rng.paretovariate(1.3) for _ in homes))
    s, e = ServiceSession, LedgerEntry
    session_columns = [c.key for c in (s.id, s.volunteer_id, s.station_id, s.project_id, s.state, s.source,
                                       s.checked_in_at, s.checked_out_at, s.served_on, s.minutes, s.auto_closed,
                                       s.outside_radius, s.created_at)]
    entry_columns = [c.key for c in (e.id, e.volunteer_id, e.project_id, e.station_id, e.session_id, e.minutes,
                                     e.recorded_minutes, e.credited_minutes, e.rule_version, e.served_on, e.source,
                                     e.state, e.auto_closed, e.outside_radius, e.created_at, e.created_by_id,
                                     e.corrects_id, e.decided_by_id, e.decided_at, e.reason, e.activity)]
    counts = {"sessions": 0, "entries": 0, "corrections": 0, "pending_entries": 0, "rejected_entries": 0}
    entry_id = session_id = 0
    recent = today - timedelta(days=14)
    while counts["entries"] < entries:
        sessions, rows, corrected = [], [], set()
        for _ in range(min(CHUNK, entries - counts["entries"])):
            if rows and rng.random() < 0.003:
                at = rng.randrange(len(rows))
                original = rows[at]
                if original[11] == EntryState.APPROVED and original[16] is None and at not in corrected:
                    corrected.add(at)
                    entry_id += 1
                    minutes = max(0, original[5] + rng.choice((-60, -30, 30, 60)))
                    rows.append((entry_id, original[1], original[2], original[3], None, minutes, minutes,
                                 rule.credit(minutes), rule.version, original[9], EntrySource.CORRECTION,
                                 EntryState.APPROVED, False, False, original[18], admin, original[0], admin,
                                 original[18] + timedelta(days=3), "核对签到记录后更正", None))
                    counts["corrections"] += 1
                    continue
            volunteer = bisect(activity, rng.random() * activity[-1])
            town = homes[volunteer]
            volunteer += 1
            choices = near.get(town) if rng.random() < 0.85 else None
            project = rng.choice(choices or projects)
            day = days[bisect(day_weights, rng.random() * total_weight)]
            if day > project["ends"]:
                day = project["ends"]
            minutes = rng.choice((45, 60, 90, 120, 120, 150, 180, 240, 300))
            state = EntryState.APPROVED
            roll = rng.random()
            if day >= recent and roll < 0.4 or roll < 0.01:
                state = EntryState.PENDING
            elif roll < 0.04:
                state = EntryState.REJECTED
            if state != EntryState.APPROVED:
                counts["pending_entries" if state == EntryState.PENDING else "rejected_entries"] += 1
            decided_at = _utc(day, 20, 0) + timedelta(days=rng.randrange(1, 6)) if state != EntryState.PENDING else None
            credited = rule.credit(minutes) if state == EntryState.APPROVED else None
            entry_id += 1
            if project["stations"] and rng.random() < 0.75:
                station = rng.choice(project["stations"])
                session_id += 1
                late = rng.random() < 0.004  # across midnight: the day it began
                start = _utc(day, 22, rng.randrange(0, 50)) if late else _utc(day, rng.randrange(7, 18),
                                                                               rng.randrange(0, 60))
                end = start + timedelta(minutes=minutes)
                sessions.append((session_id, volunteer, station, project["id"], SessionState.CLOSED,
                                 SessionSource.SELF_SCAN if rng.random() < 0.9 else SessionSource.KIOSK, start, end,
                                 day, minutes, False, False, start))
                rows.append((entry_id, volunteer, project["id"], station, session_id, minutes, minutes, credited,
                             rule.version if credited is not None else None, day, EntrySource.CHECKIN, state,
                             False, False, end, None, None, admin if decided_at else None, decided_at,
                             "时长与实际不符" if state == EntryState.REJECTED else None, None))
            else:
                created = _utc(day, 21, 0)
                rows.append((entry_id, volunteer, project["id"], None, None, minutes, minutes, credited,
                             rule.version if credited is not None else None, day, EntrySource.MANUAL, state, False,
                             False, created, admin, None, admin if decided_at else None, decided_at,
                             "现场未扫码，按签到表补录", "志愿服务"))
        writer.write(ServiceSession.__table__, session_columns, sessions)
        writer.write(LedgerEntry.__table__, entry_columns, rows)
        counts["sessions"] += len(sessions)
        counts["entries"] += len(rows)
    return counts

