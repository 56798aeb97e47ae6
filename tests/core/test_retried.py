"""A writing view that PostgreSQL undid to break a deadlock runs again, and both writers' work
is kept once: two real transactions lock two rows in opposite orders."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from volunteer.core.database import retried
from volunteer.core.models import Counter
from volunteer.extensions import db


def test_the_loser_of_a_deadlock_runs_again_and_nothing_is_counted_twice(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite lets one writer at a time: two transactions cannot deadlock")
        db.session.add_all([Counter(name="left", value=0), Counter(name="right", value=0)])
        db.session.commit()
    both_hold_one = threading.Barrier(2, timeout=10)
    attempts = {"left": 0, "right": 0}
    failures = []

    def bump(name):
        db.session.execute(sa.update(Counter).where(Counter.name == name).values(value=Counter.value + 1))

    def writer(first, second):
        @retried
        def view():
            attempts[first] += 1
            bump(first)
            if attempts[first] == 1:
                both_hold_one.wait()  # each now waits for the row the other holds
            bump(second)
            db.session.commit()
        with app.app_context():
            try:
                view()
            except Exception as exc:  # noqa: BLE001 - reported below, in the test's own thread
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=("left", "right")),
               threading.Thread(target=writer, args=("right", "left"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert sorted(attempts.values()) == [1, 2]  # PostgreSQL undid one of them, which ran again
    with app.app_context():
        kept = dict(db.session.execute(sa.select(Counter.name, Counter.value)
                                       .where(Counter.name.in_(["left", "right"]))).all())
        assert kept == {"left": 2, "right": 2}


def test_other_database_errors_are_not_retried(app):
    calls = []

    @retried
    def view():
        calls.append(1)
        db.session.execute(sa.text("SELECT * FROM no_such_table"))

    with app.app_context(), pytest.raises(sa.exc.DBAPIError):
        view()
    assert calls == [1]
