"""What the two databases need to behave alike: SQLite's transactions, and the INSERT that can
say what to do on a conflict.

SQLite has no row locks, and a transaction that has read cannot write once another has committed
("database is locked" at once). So a SQLite transaction begins with ``BEGIN IMMEDIATE`` on the
engine's begin event (SQLAlchemy's recipe for SQLite transactions): it holds the write lock from
its first statement, so concurrent writers wait their turn (``busy_timeout``) and each sees what
the one before committed. A request that only reads (GET, HEAD, OPTIONS, unless its view is
marked ``@writes``), or work inside ``reads_only()``, begins a plain deferred transaction
instead, so pages and progress polls never wait behind a writer (WAL lets them read meanwhile).
On PostgreSQL the services lock the rows they decide on; on both, nothing but the request, the
CLI loop or the job commits."""
from __future__ import annotations

import functools
import time as clock
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from volunteer.core.time import DEFAULT_ZONE
from volunteer.extensions import db


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    """Enforce foreign keys, let readers and one writer work at once, wait on locks; and let
    SQLAlchemy, not the driver, say when a transaction begins."""
    if _is_sqlite(dbapi_connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN" if has_app_context() and g.get("reads_only") else "BEGIN IMMEDIATE")


@contextmanager
def reads_only():
    """The transactions begun inside only read: on SQLite they never wait behind a writer."""
    previous = g.get("reads_only", False)
    g.reads_only = True
    try:
        yield
    finally:
        g.reads_only = previous


def writes(view):
    """Mark a view that writes although its method only reads (an export that logs itself)."""
    view.writes_to_database = True
    return view


# What PostgreSQL answers when it undoes one of two transactions that each hold what the other
# wants (a deadlock), or that cannot both be serialised: nothing of it was written, so it may run
# again from the start.
RETRYABLE_STATES = frozenset({"40P01", "40001"})
ATTEMPTS = 3


def retried(view):
    """Run a view that writes once, at its end, again from the start when the database undid its
    transaction to break a deadlock: a batch approval moves counters shared by a whole subtree
    (the reports' rollups) while other decisions and check-outs move some of the same."""
    @functools.wraps(view)
    def run(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return view(*args, **kwargs)
            except sa.exc.DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) not in RETRYABLE_STATES or attempt == ATTEMPTS:
                    raise
                db.session.rollback()
                clock.sleep(0.02 * attempt)  # let the transaction that won finish first
    return run


def backup_sqlite(target: str) -> None:
    """A consistent copy of the SQLite database at ``target`` (a new file), through SQLite's
    online backup: pages copied while the app keeps running, as of one moment."""
    import sqlite3
    raw = db.engine.raw_connection()
    try:
        with sqlite3.connect(target) as copy:
            raw.driver_connection.backup(copy)
        copy.close()
    finally:
        raw.close()


def init_app(app: Flask) -> None:
    @app.before_request
    def say_whether_the_request_writes():
        view = app.view_functions.get(request.endpoint)
        g.reads_only = request.method in READ_METHODS and not getattr(view, "writes_to_database", False)


def insert(table):
    """An INSERT that takes ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def add_to(table, key: dict, amounts: dict, fixed: dict | None = None) -> None:
    """Move a row's counters by ``amounts`` (column -> signed number), atomically: an UPDATE of the
    row, or an upsert when there is none yet (with ``fixed``, the columns only a new row sets). An
    INSERT carries the amounts as they are: a first row never starts below zero."""
    amounts = {name: amount for name, amount in amounts.items() if amount}
    if not amounts:
        return
    columns = table.c if hasattr(table, "c") else table.__table__.c
    where = [columns[name] == value for name, value in key.items()]
    moved = db.session.execute(
        sa.update(table).where(*where).values({name: columns[name] + amount for name, amount in amounts.items()})
        .execution_options(synchronize_session=False)).rowcount
    if moved:
        return
    stmt = insert(table).values({**key, **(fixed or {}), **amounts})
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=list(key), set_={name: columns[name] + stmt.excluded[name] for name in amounts}))


def month_start(column):
    """The first day of the month of a date column, as a date, in SQL."""
    if db.engine.dialect.name == "postgresql":
        return sa.cast(sa.func.date_trunc(sa.literal_column("'month'"), column), sa.Date)  # one text, for GROUP BY
    return sa.func.date(column, "start of month")


def year_start(column):
    """The first of January of a date column's year, as a date, in SQL."""
    if db.engine.dialect.name == "postgresql":
        return sa.cast(sa.func.date_trunc(sa.literal_column("'year'"), column), sa.Date)
    return sa.func.date(column, "start of year")


def local_day(column):
    """The calendar day in DEFAULT_ZONE of a UTC timestamp column, as a date, in SQL. SQLite
    keeps naive UTC text and knows no zones: the zone's offset now is added (China keeps one
    all year)."""
    if db.engine.dialect.name == "postgresql":
        return sa.cast(sa.func.timezone(DEFAULT_ZONE.key, column), sa.Date)
    offset = int(datetime.now(DEFAULT_ZONE).utcoffset().total_seconds())
    return sa.func.date(column, f"{offset:+d} seconds")


def year_of(column):
    """The year of a date column, as an integer, in SQL."""
    if db.engine.dialect.name == "postgresql":
        return sa.cast(sa.extract("year", column), sa.Integer)
    return sa.cast(sa.func.strftime("%Y", column), sa.Integer)
