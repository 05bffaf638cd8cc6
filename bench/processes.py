"""Starts the servers the benchmark measures, times their start-up, reads their peak memory and stops them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


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


class Server:
    """One server process in its own process group, with its log in a file."""

    def __init__(self, name: str, args: list[str], cwd: Path, env: dict[str, str], log_dir: Path) -> None:
        self.name, self.args, self.cwd, self.env = name, args, cwd, env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            self.args, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_for(self, probe, limit: float = 300) -> float:
        """Polls `probe()` until it returns something truthy; the seconds since start. Fails if the server died."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; its log ends:\n{tail}")
            if probe():
                return time.monotonic() - self.started_at
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} did not answer within {limit:.0f}s (log: {self.log_path})")

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.process.pid) if self.process and self.process.poll() is None else 0.0

    def stop(self) -> None:
        """SIGINT to the whole group, SIGKILL after 30 s."""
        if not self.process or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
