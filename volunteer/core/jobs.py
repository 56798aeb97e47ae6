"""Background jobs: RQ workers on Redis when REDIS_URL is set, a thread in the web process
otherwise (the embedded default needs nothing else).

A job's work records its own items (a certificate per volunteer of a batch) and commits them one
by one, so a worker that dies loses nothing done; resuming runs the job again, and the work skips
what is there. ``jobs.state`` says queued, running (with a heartbeat), done or failed."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from volunteer.core.models import Job
from volunteer.core.time import utcnow
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


def stale_after() -> timedelta:
    return timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])


def is_stale(job: Job, now: datetime) -> bool:
    """Running, but silent for too long: its worker is gone."""
    return job.state == "running" and (job.heartbeat_at is None or now - job.heartbeat_at > stale_after())


def enqueue(job_id: int) -> None:
    """Run the job in the background; call after the job's row is committed."""
    url = current_app.config.get("REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue
        Queue(QUEUE, connection=Redis.from_url(url)).enqueue(
            "volunteer.core.jobs.run_in_worker", job_id, job_timeout=current_app.config["JOB_TIMEOUT_SECONDS"])
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
            run_job(job_id)
        finally:
            db.session.remove()


def run_job(job_id: int, *, now: datetime | None = None) -> Job | None:
    """Claim the job (queued, failed, or running with a stale heartbeat) and do its work. A job
    another worker is running is left alone."""
    now = now or utcnow()
    claimable = sa.or_(Job.state.in_(("queued", "failed")),
                       sa.and_(Job.state == "running",
                               sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < now - stale_after())))
    claimed = db.session.execute(
        sa.update(Job).where(Job.id == job_id, claimable)
        .values(state="running", started_at=sa.func.coalesce(Job.started_at, now), heartbeat_at=now, error=None)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    job = db.session.get(Job, job_id)
    if not claimed:
        return job
    try:
        HANDLERS[job.kind](job)
    except Exception as exc:  # the job fails; what it did stays, and it can be resumed
        log.exception("job %s failed", job_id)
        db.session.rollback()
        db.session.execute(sa.update(Job).where(Job.id == job_id)
                           .values(state="failed", error=f"{type(exc).__name__}: {exc}"[:2000], heartbeat_at=utcnow()))
        db.session.commit()
        return db.session.get(Job, job_id)
    db.session.execute(sa.update(Job).where(Job.id == job_id)
                       .values(state="done", finished_at=utcnow(), heartbeat_at=utcnow()))
    db.session.commit()
    return db.session.get(Job, job_id)


def progress(job: Job, *, done: int, total: int | None = None) -> None:
    """Record how far the job is (and that its worker lives), committing the work done so far."""
    values = {"done": done, "heartbeat_at": utcnow()}
    if total is not None:
        values["total"] = total
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(**values))
    db.session.commit()


_worker_app: Flask | None = None


def run_in_worker(job_id: int) -> None:
    """What an RQ worker runs: the app built once per worker process, then the job."""
    global _worker_app
    if _worker_app is None:
        from volunteer import create_app
        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def work(burst: bool = False) -> None:
    """An RQ worker on the configured Redis (``flask --app run jobs worker``)."""
    from redis import Redis
    from rq import Queue, Worker
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    Worker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=burst)
