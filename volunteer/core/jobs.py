"""Background jobs: RQ workers on Redis when REDIS_URL is set, a thread in the web process
otherwise (the embedded default needs nothing else).

A job's work records its own items (a certificate per volunteer of a batch) and commits them one
by one, so a worker that dies loses nothing done; resuming runs the job again, and the work skips
what is there. ``jobs.state`` says queued, running (with a heartbeat), done or failed."""
from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker

from volunteer.core.models import Job
from volunteer.core.time import utcnow
from volunteer.core.vocabulary import JobState
from volunteer.extensions import db

log = logging.getLogger(__name__)
QUEUE = "volunteer"
HANDLERS: dict[str, Callable[[Job], None]] = {}
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def handler(kind: str):
    """Register the function that does the work of jobs of ``kind``."""
    def register(function: Callable[[Job], None]):
        HANDLERS[kind] = function
        return function
    return register


# Tasks: work without a job row of its own (sending the notices due), run the same two ways.
TASKS: dict[str, Callable[[], None]] = {}


def task(name: str):
    """Register a task: a function of nothing that finds and does its own work."""
    def register(function: Callable[[], None]):
        TASKS[name] = function
        return function
    return register


def background(name: str) -> None:
    """Run the task soon, away from the request: on RQ when REDIS_URL is set, else in this
    process's thread. A queue that cannot be reached leaves the work to the periodic command."""
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            Queue(QUEUE, connection=Redis.from_url(url)).enqueue("volunteer.core.jobs.run_task_in_worker", name)
        except RedisError:
            log.exception("task %s could not be queued; the periodic command will do it", name)
        return
    app = current_app._get_current_object()
    _in_process().submit(_run_task_with_app, app, name)


def _run_task_with_app(app: Flask, name: str) -> None:
    with app.app_context():
        try:
            TASKS[name]()
        except Exception:
            log.exception("task %s failed", name)
        finally:
            db.session.remove()


def run_task_in_worker(name: str) -> None:
    if _worker_app is None:
        raise RuntimeError("start RQ workers with 'flask --app run jobs worker', which gives them the app")
    with _worker_app.app_context():
        db.engine.dispose(close=False)
        try:
            TASKS[name]()
        finally:
            db.session.remove()


class LostClaim(Exception):
    """Another worker took the job over (this one was thought dead): stop without a word."""


def enqueue(job_id: int) -> None:
    """Run the job in the background; call after the job's row is committed. A queue that cannot
    be reached fails the job (it can be resumed), rather than the request."""
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            Queue(QUEUE, connection=Redis.from_url(url)).enqueue(
                "volunteer.core.jobs.run_in_worker", job_id, job_timeout=current_app.config["JOB_TIMEOUT_SECONDS"])
        except RedisError as exc:
            log.exception("job %s could not be queued", job_id)
            db.session.execute(sa.update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED)
                               .values(state=JobState.FAILED, error=f"queue unreachable: {exc}"[:2000]))
            db.session.commit()
        return
    app = current_app._get_current_object()
    _in_process().submit(_run_with_app, app, job_id)


def _in_process() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")
        return _pool


def _run_with_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id, now=utcnow())
        finally:
            db.session.remove()


def run_job(job_id: int, *, now: datetime) -> Job | None:
    """Claim the job (queued, failed, or running with a stale heartbeat) and do its work. A job
    another worker holds is left alone; a worker whose claim was taken over stops."""
    claim = secrets.token_hex(16)
    claimed = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.claimable(now))
        .values(state=JobState.RUNNING, started_at=sa.func.coalesce(Job.started_at, now), heartbeat_at=now, error=None,
                claim=claim)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    job = db.session.get(Job, job_id)
    if not claimed:
        return job
    job.held_claim = claim  # not a column: what this worker holds, whatever the row says later
    mine = sa.and_(Job.id == job_id, Job.claim == claim)
    try:
        HANDLERS[job.kind](job)
    except LostClaim:
        db.session.rollback()
        return db.session.get(Job, job_id)
    except Exception as exc:  # the job fails; what it did stays, and it can be resumed
        log.exception("job %s failed", job_id)
        db.session.rollback()
        db.session.execute(sa.update(Job).where(mine)
                           .values(state=JobState.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], heartbeat_at=utcnow()))
        db.session.commit()
        return db.session.get(Job, job_id)
    db.session.execute(sa.update(Job).where(mine).values(state=JobState.DONE, finished_at=utcnow(), heartbeat_at=utcnow()))
    db.session.commit()
    return db.session.get(Job, job_id)


def progress(job: Job, *, done: int | None = None, total: int | None = None) -> None:
    """Record how far the job is (and that its worker lives), committing the work done so far.
    Raises LostClaim when another worker holds the job now."""
    values: dict = {"heartbeat_at": utcnow()}
    if done is not None:
        values["done"] = done
    if total is not None:
        values["total"] = total
    moved = db.session.execute(sa.update(Job).where(Job.id == job.id, Job.claim == job.held_claim)
                               .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not moved:
        raise LostClaim()


def status_of(job: Job, *, now: datetime) -> dict:
    """What a job's page shows as it follows the job (static/js/job.js)."""
    return {"state": job.state, "state_label": job.state_label, "done": job.done, "total": job.total,
            "percent": job.percent, "stale": job.is_stale(now), "finished": job.is_finished, "failed": job.has_failed,
            "resumable": job.is_resumable(now), "under_way": job.is_under_way(now),
            "error": str(job.failure_said) if job.has_failed else None}


_worker_app: Flask | None = None


def run_in_worker(job_id: int) -> None:
    """What an RQ work horse runs: the job, in the app of the worker that forked it."""
    if _worker_app is None:
        raise RuntimeError("start RQ workers with 'flask --app run jobs worker', which gives them the app")
    with _worker_app.app_context():
        db.engine.dispose(close=False)  # a forked process never shares its parent's connections
        try:
            run_job(job_id, now=utcnow())
        finally:
            db.session.remove()


def work(burst: bool = False) -> None:
    """An RQ worker on the configured Redis (``flask --app run jobs worker``); the horses it forks
    run their jobs in this app."""
    global _worker_app
    _worker_app = current_app._get_current_object()
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    Worker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=burst)
