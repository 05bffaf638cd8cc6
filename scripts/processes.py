"""The one way the project starts a server process for tests, the load test, the benchmark and the scale stack.

Each process runs in its own process group (so stopping it stops its children too), writes to a log file only its
owner can read (the logs are about patients' conversations), and is waited for by polling a readiness check that
fails early, with the end of its log, when the process dies.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it, read from /proc (empty if it is gone)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        if not Path(f"/proc/{current}").exists():
            continue
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pending += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory (VmHWM) of a process and its children, summed, in MB."""
    total_kb = 0
    for process in descendants(pid):
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    return total_kb / 1024


def answers(url: str, body: dict | None = None, timeout: float = 10) -> list | dict | None:
    """The decoded JSON answer of `url` (POSTing `body` when given), or None when it does not answer yet."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None


def url_answers(url: str, timeout: float = 2) -> bool:
    """Whether `url` answers at all (any status below 500 counts as listening)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError as error:
        return error.code < 500
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


class ManagedProcess:
    """One server process in its own process group, with its output in a private log file."""

    def __init__(
        self,
        name: str,
        args: Sequence[str],
        log_path: Path,
        *,
        cwd: Path = ROOT,
        env: Mapping[str, str] | None = None,
        stop_signal: int = signal.SIGINT,
        popen_options: Mapping[str, object] | None = None,
    ) -> None:
        self.name, self.args, self.log_path, self.cwd = name, list(args), Path(log_path), cwd
        self.env = dict(os.environ if env is None else env)
        self.stop_signal = stop_signal
        self.popen_options = dict(popen_options or {})  # e.g. user= for PostgreSQL, which refuses root
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> ManagedProcess:
        """Starts the process (its stdin closed, stdout and stderr appended to the log) and returns self."""
        descriptor = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(descriptor, 0o600)
        self.started_at = time.monotonic()
        with open(descriptor, "ab") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                self.args,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self.popen_options,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was not started"
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        """What the process wrote so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def wait_until(self, ready: Callable[[], object], limit: float = 180) -> float:
        """Polls `ready()` until it is truthy; the seconds since start. Fails early, with the log's end, if it died."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not self.running:
                code = self.process.returncode if self.process else None
                raise RuntimeError(f"{self.name} exited with {code}; its log ends:\n{self.log()[-3000:]}")
            try:
                is_ready = ready()
            except Exception:  # noqa: BLE001 - not listening yet
                is_ready = False
            if is_ready:
                return time.monotonic() - self.started_at
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} was not ready within {limit:.0f}s; its log ends:\n{self.log()[-3000:]}")

    def wait_for_url(self, url: str, limit: float = 180) -> float:
        """Waits until `url` answers (see url_answers); the seconds since start."""
        return self.wait_until(lambda: url_answers(url), limit)

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.process.pid) if self.running else 0.0

    def kill(self, timeout: float = 30) -> None:
        """SIGKILL to the whole group, as a crash would (no clean shutdown), and waits for the process to go."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)

    def stop(self, timeout: float = 30) -> None:
        """The stop signal (SIGINT unless told) to the whole group, SIGKILL after `timeout` seconds."""
        if not self.running:
            return
        try:
            os.killpg(self.process.pid, self.stop_signal)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)
        except ProcessLookupError:
            pass
