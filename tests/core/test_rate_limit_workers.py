"""With several workers the login limits live in Redis, so they hold across processes."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

from tests.conftest import require_tool

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    try:
        import redis
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
        return True
    except Exception:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_token(base, login, password) -> int:
    request = urllib.request.Request(base + "/api/v1/auth/token", method="POST",
                                     data=json.dumps({"login": login, "password": password}).encode(),
                                     headers={"Content-Type": "application/json", "Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@contextmanager
def gunicorn(app, workers: int, redis_url: str):
    """The app under gunicorn on a free loopback port, with this REDIS_URL: its base URL."""
    port = free_port()
    env = {**os.environ, "FLASK_CONFIG": "testing", "REDIS_URL": redis_url,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "run:app"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/privacy", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_login_limit_holds_across_two_gunicorn_workers(app, factory):
    require_tool(redis_available(), f"Redis at {REDIS_URL}")
    import redis
    redis.Redis.from_url(REDIS_URL).flushdb()
    factory.org("LX", kind="city")
    person = factory.volunteer("LX")
    with gunicorn(app, 2, REDIS_URL) as base:
        limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
        statuses = [post_token(base, f"1390000{i:04d}", "wrong-pass1") for i in range(limit * 2)]
        assert statuses[:limit] == [401] * limit
        assert set(statuses[limit:]) == {429}
        # the failures of one account from one address are counted across the workers too
        redis.Redis.from_url(REDIS_URL).flushdb()
        per_pair = int(app.config["LOGIN_FAILURE_LIMIT"].split()[0])
        statuses = [post_token(base, person.phone, "wrong-pass1") for _ in range(per_pair)]
        assert statuses == [401] * per_pair
        assert post_token(base, person.phone, person.password) == 429
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_signing_in_goes_on_while_redis_is_down(app, factory):
    """Redis unreachable (nothing listens on its port): the limits are counted in memory and the
    owner still signs in; a wrong password is still a 401, not a 500."""
    factory.org("LX", kind="city")
    person = factory.volunteer("LX")
    with gunicorn(app, 1, f"redis://127.0.0.1:{free_port()}/0") as base:
        assert post_token(base, person.phone, "wrong-pass1") == 401
        assert post_token(base, person.phone, person.password) == 200
