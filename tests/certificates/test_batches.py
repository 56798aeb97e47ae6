"""Batch issuance as a background job: in-process on the embedded default, under RQ with the real
Redis; a crash or a killed worker mid-way, then resume: one certificate per eligible volunteer."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from, require_tool
from volunteer.accounts.models import User, Volunteer
from volunteer.certificates import batches
from volunteer.certificates import services as certificates
from volunteer.certificates.models import Certificate
from volunteer.core import database, jobs
from volunteer.core.models import Job
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.ledger import services as ledger
from volunteer.organisations.services import get_by_code
from volunteer.projects.models import Project

NAMES = [surname + given for given in "伟芳娜" for surname in "赵钱孙李周吴郑冯陈褚"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def give_hours(app, world, site, person, minutes: int) -> None:
    """Approved hours for ``person``: a manual entry by the town's manager, approved by its admin."""
    with app.app_context():
        project = db.session.get(Project, site.project_id)
        entry = ledger.record_manual(db.session.get(User, world.a_manager.id), project,
                                     db.session.get(Volunteer, person.id),
                                     {"minutes": minutes, "served_on": date.today() - timedelta(days=3),
                                      "reason": "年度补录"}, now=utcnow())
        db.session.flush()
        ledger.decide(db.session.get(User, world.a_admin.id), entry, "approve", now=utcnow())
        db.session.commit()


@pytest.fixture
def town(app, world, site, factory):
    """Volunteers of 甲镇 with 3 h (eligible at 2 h) and with 1 h (not), and one of 乙镇 with 3 h."""
    with app.app_context():
        db.session.get(Project, site.project_id).starts_on = date.today() - timedelta(days=60)
        db.session.commit()

    def make(eligible: int, short: int = 2):
        people = [factory.volunteer("LX-A-1", name=NAMES[i]) for i in range(eligible)]
        for person in people:
            give_hours(app, world, site, person, 180)
        for i in range(short):
            give_hours(app, world, site, factory.volunteer("LX-A-1", name="欧阳" + "明亮"[i]), 60)
        return sorted(p.id for p in people)
    return make


def start(app, world, min_hours="2") -> int:
    with app.app_context(), app.test_request_context("/"):
        job = batches.start_batch(db.session.get(User, world.a_admin.id), get_by_code("LX-A"),
                                  {"min_hours": min_hours}, base_url="http://localhost/", now=utcnow())
        db.session.commit()
        return job.id


def issued_in(app, job_id) -> list[int]:
    with app.app_context(), database.reads_only():  # it polls while a worker writes
        return sorted(db.session.scalars(sa.select(Certificate.volunteer_id).where(Certificate.job_id == job_id)))


def job_row(app, job_id) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def test_a_batch_gives_each_eligible_volunteer_one_certificate_and_a_rerun_none_more(app, world, town):
    eligible = town(4)
    job_id = start(app, world)
    with app.app_context():
        jobs.run_job(job_id, now=utcnow())
    assert issued_in(app, job_id) == eligible
    job = job_row(app, job_id)
    assert (job.state, job.done, job.total, job.percent) == ("done", 4, 4, 100)
    with app.app_context():  # run again, as a resumed or repeated job would
        db.session.execute(sa.update(Job).where(Job.id == job_id).values(state="failed"))
        db.session.commit()
        jobs.run_job(job_id, now=utcnow())
    assert issued_in(app, job_id) == eligible


def test_a_crash_mid_way_loses_nothing_and_the_batch_resumes(app, world, town, monkeypatch):
    eligible = town(6)
    job_id = start(app, world)
    real, calls = certificates.issue_certificate, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)
    monkeypatch.setattr(certificates, "issue_certificate", failing)
    with app.app_context():
        jobs.run_job(job_id, now=utcnow())
    job = job_row(app, job_id)
    assert (job.state, job.done) == ("failed", 3) and "disk is full" in job.error
    # the admin is told it failed and may resume, not what the exception said (SQL, paths)
    with app.app_context():
        status = jobs.status_of(db.session.get(Job, job_id), now=utcnow())
    assert status["failed"] and "disk" not in status["error"] and "RuntimeError" not in status["error"]
    assert issued_in(app, job_id) == eligible[:3]  # the three done before the crash are kept
    monkeypatch.setattr(certificates, "issue_certificate", real)
    with app.app_context():
        batches.resume(db.session.get(User, world.a_admin.id), db.session.get(Job, job_id), now=utcnow())
        db.session.commit()
        jobs.run_job(job_id, now=utcnow())
    assert issued_in(app, job_id) == eligible
    assert job_row(app, job_id).state == "done"


def test_the_web_starts_a_batch_in_process_and_the_zip_holds_its_pdfs(app, world, town, signed_in):
    eligible = town(3)
    admin = signed_in(world.a_admin)
    page = admin.get("/certificates/batches").get_data(as_text=True)
    bad = admin.client.post("/certificates/batches", data={"csrf_token": csrf_from(page), "organisation_code": "LX-A",
                                                           "min_hours": "-1"})
    assert "请填写大于 0 的小时数" in bad.get_data(as_text=True)
    started = admin.client.post("/certificates/batches", data={
        "csrf_token": csrf_from(page), "organisation_code": "LX-A", "min_hours": "2"})
    assert started.status_code == 302
    job_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    for _ in range(200):  # the in-process worker thread
        status = admin.client.get(f"/certificates/batches/{job_id}.json").json
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert status["state"] == "done" and status["percent"] == 100 and status["done"] == 3
    archive = zipfile.ZipFile(io.BytesIO(admin.client.get(f"/certificates/batches/{job_id}.zip").data))
    names = archive.namelist()
    assert len(names) == 3 and all(n.endswith(".pdf") and archive.read(n).startswith(b"%PDF") for n in names)
    assert issued_in(app, job_id) == eligible
    assert signed_in(world.b_admin).get(f"/certificates/batches/{job_id}").status_code == 404
    assert signed_in(world.a_manager).get(f"/certificates/batches/{job_id}.zip").status_code == 403
    assert signed_in(world.b_admin).client.post("/certificates/batches", data={
        "csrf_token": csrf_from(page), "organisation_code": "LX-A", "min_hours": "2"}).status_code in (400, 404)


def _redis_url() -> str | None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        return None
    try:
        from redis import Redis
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


def kill_worker(pid: int) -> None:
    """SIGKILL an RQ worker and the work horse it forked (which runs in a process group of its own)."""
    os.kill(pid, signal.SIGSTOP)  # it forks no other horse meanwhile
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        for child in children.read().split():
            os.kill(int(child), signal.SIGKILL)
    os.killpg(pid, signal.SIGKILL)


def test_under_rq_a_killed_worker_is_resumed_with_one_certificate_each(app, world, town):
    url = _redis_url()
    require_tool(url is not None, "Redis at TEST_REDIS_URL")
    from redis import Redis
    Redis.from_url(url).flushdb()
    eligible = town(30, short=0)
    env = {**os.environ, "FLASK_CONFIG": "development", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": app.config["SECRET_KEY"], "DATA_ENCRYPTION_KEY": app.config["DATA_ENCRYPTION_KEY"],
           "REDIS_URL": url}
    worker = [sys.executable, "-m", "flask", "--app", "run", "jobs", "worker", "--burst"]
    app.config["REDIS_URL"] = url
    try:
        job_id = start(app, world)
        with app.app_context():
            jobs.enqueue(job_id)
        process = subprocess.Popen(worker, cwd=ROOT, env=env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(issued_in(app, job_id)) < 3:
            time.sleep(0.02)
        kill_worker(process.pid)  # the worker and the job it forked, mid-way
        process.wait()
        done_before = issued_in(app, job_id)
        assert 3 <= len(done_before) < 30, "the worker was not stopped mid-way"
        assert job_row(app, job_id).state == "running"  # nobody said it stopped: its heartbeat will go quiet
        app.config["JOB_STALE_SECONDS"] = 0
        with app.app_context():
            batches.resume(db.session.get(User, world.a_admin.id), db.session.get(Job, job_id), now=utcnow())
            db.session.commit()
            jobs.enqueue(job_id)
        subprocess.run(worker, cwd=ROOT, env=env, check=True, timeout=120, capture_output=True)
    finally:
        app.config["REDIS_URL"] = None
        app.config["JOB_STALE_SECONDS"] = 120
    assert issued_in(app, job_id) == eligible  # every eligible volunteer exactly once
    job = job_row(app, job_id)
    assert (job.state, job.done, job.total) == ("done", 30, 30)


def test_a_worker_taken_over_stops_and_each_volunteer_still_has_one(app, world, town, monkeypatch):
    """Worker A falls silent long enough to be thought dead; B takes the job over and finishes it;
    A wakes and fails: the job stays as B left it (done), and nobody has two certificates."""
    import threading
    eligible = town(6)
    job_id = start(app, world)
    real, calls = certificates.issue_certificate, []

    def b_takes_over():
        with app.app_context():
            try:
                jobs.run_job(job_id, now=utcnow())
            finally:
                db.session.remove()

    def slow_a(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # A, silent: its heartbeat grows old and B claims the job
            if db.engine.dialect.name == "sqlite":
                db.session.rollback()  # A is silent between transactions: on SQLite it would hold the write lock
            with app.app_context():
                db.session.execute(sa.update(Job).where(Job.id == job_id).values(heartbeat_at=None))  # long silent
                db.session.commit()
                db.session.remove()
            monkeypatch.setattr(certificates, "issue_certificate", real)  # B works at full speed
            b = threading.Thread(target=b_takes_over)
            b.start()
            b.join()
            raise RuntimeError("A's disk is full")  # A's failure must not undo B's "done"
        return real(*args, **kwargs)
    monkeypatch.setattr(certificates, "issue_certificate", slow_a)
    with app.app_context():
        jobs.run_job(job_id, now=utcnow())  # A
    assert issued_in(app, job_id) == eligible
    job = job_row(app, job_id)
    assert (job.state, job.done, job.total) == ("done", 6, 6)


def test_on_sqlite_a_batch_waits_for_a_web_write_instead_of_failing(app, world, town):
    """Another connection holds SQLite's write lock (a web request writing) while the batch runs:
    the batch waits its turn (BEGIN IMMEDIATE, busy_timeout) and ends done, not 'database is locked'."""
    import sqlite3
    import threading
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's single write lock; PostgreSQL locks rows")
    eligible = town(3)
    job_id = start(app, world)
    holding, released = threading.Event(), threading.Event()

    def web_write():
        other = sqlite3.connect(url.database, isolation_level=None, timeout=10)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE jobs SET heartbeat_at = heartbeat_at WHERE id = ?", (job_id,))
        holding.set()
        time.sleep(1.5)
        other.execute("COMMIT")
        other.close()
        released.set()

    writer = threading.Thread(target=web_write)
    writer.start()
    holding.wait(5)
    with app.app_context():
        jobs.run_job(job_id, now=utcnow())
    assert released.is_set()  # it could only finish once the other writer had committed
    writer.join()
    job = job_row(app, job_id)
    assert (job.state, job.done) == ("done", 3) and issued_in(app, job_id) == eligible
