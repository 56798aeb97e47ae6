"""The servers bench/faults.py owns and breaks: a PostgreSQL cluster of its own (initdb in a temp
directory), a redis-server of its own, and gunicorn. Nothing here touches a server it did not start."""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _require_free(port: int, what: str) -> None:
    if port_in_use(port):
        raise SystemExit(f"port {port} for the {what} is in use: choose another one")


class Postgres:
    """A throwaway cluster: trust authentication on loopback, its socket in its own directory.
    As root it runs as the postgres user (PostgreSQL refuses to run as root)."""

    def __init__(self, workdir: Path, port: int):
        _require_free(port, "PostgreSQL cluster")
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not bins:
            raise SystemExit("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
        self.bin, self.port = Path(bins[-1]).parent, port
        self.dir = workdir / "pg"
        self.dir.mkdir()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, capture_output=True)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200", "start")

    def stop(self) -> None:
        # fast: the backends of open transactions are terminated, as on a failover or a restart
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")


class Redis:
    def __init__(self, workdir: Path, port: int):
        _require_free(port, "redis-server")
        self.port, self.dir, self.process = port, workdir, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not port_in_use(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Gunicorn:
    def __init__(self, root: Path, env: dict, port: int, workers: int, threads: int, log: Path):
        self.workers, self.log, self.port = workers, log, port
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [str(gunicorn), "-w", str(workers), "-k", "gthread", "--threads", str(threads),
                 "-b", f"127.0.0.1:{port}", "--log-level", "warning", "bench.wsgi:app"],
                cwd=root, env=env, stdout=out, stderr=out)

    def worker_pids(self) -> list[int]:
        """The master's children (its workers), read from /proc: no matching by process name."""
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except FileNotFoundError:
            return []

    def client_connections(self, pid: int) -> int:
        """How many clients' connections the worker holds (an idle worker's death would prove nothing)."""
        established = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].split(":")[1], 16) == self.port:
                established.add(fields[9])
        held = 0
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                held += os.readlink(fd).removeprefix("socket:[").removesuffix("]") in established
            except OSError:
                pass
        return held

    def kill_worker(self) -> tuple[int, int, float]:
        """SIGKILL the worker holding the most client connections; returns its pid, those
        connections and the seconds until the master had replaced it."""
        victim, held = max(((pid, self.client_connections(pid)) for pid in self.worker_pids()), key=lambda p: p[1])
        os.kill(victim, signal.SIGKILL)
        began = time.monotonic()
        while time.monotonic() - began < 30:
            pids = self.worker_pids()
            if victim not in pids and len(pids) == self.workers:
                break
            time.sleep(0.02)
        return victim, held, time.monotonic() - began

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
