"""The scale-out profile on loopback: PostgreSQL, Redis, two action servers, two Rasa replicas and nginx.

Each service runs from a temporary directory with its own data and configuration, on ports of its own (not the
system services'), and is stopped at the end. The replicas use deploy/endpoints.yml, Redis deploy/start_redis.sh
and nginx the server blocks in deploy/nginx/, and every secret reaches its server as a file (NAME_FILE), as in a
deployment. `make test-scale` installs the Debian packages first if they are missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import socketio

from aftercare.environment import DEFAULTS, QUIET
from aftercare.secret_files import SECRET_VARIABLES
from scripts.processes import ManagedProcess, url_answers
from tests.alerts.receivers import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / DEFAULTS["MODEL"]
DEPLOY = ROOT / "deploy"
PORTS = {
    "replica-1": 5405,
    "replica-2": 5406,
    "actions-1": 5455,
    "actions-2": 5456,
    "nginx": 8480,
    "nginx-actions": 8481,
    "postgres": 5433,
    "redis": 6380,
}
REPLICAS = ("replica-1", "replica-2")
ACTION_SERVERS = ("actions-1", "actions-2")
DISPATCHERS = ("alerts-1", "alerts-2")  # one alert dispatcher beside each replica
# A ticket held by a replica that dies blocks its conversation this long (Rasa's default is 60 s).
TICKET_LOCK_LIFETIME = 20
LOCK_KEY_PREFIX = "aftercare:lock:"  # deploy/endpoints.yml's key_prefix, then Rasa's "lock:"
# Every client here connects from loopback, so loopback plays the TLS proxy: nginx believes its X-Forwarded-For,
# and each simulated patient gets an address of its own there (client_address), as real patients have.
TLS_PROXY_ADDRESS = "127.0.0.1"


def client_address(sender: str) -> str:
    """The address a simulated patient connects from: one per conversation, in 10.0.0.0/8."""
    digest = uuid.uuid5(uuid.NAMESPACE_OID, sender).bytes
    return f"10.{digest[0]}.{digest[1]}.{digest[2] or 1}"


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if not found:
        pytest.fail("PostgreSQL is not installed: run `make test-scale` (it installs it)")
    return found[-1].parent


def program(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not path:
        pytest.fail(f"{name} is not installed: run `make test-scale` (it installs it)")
    return path


def port_is_open(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def process_tree(pid: int) -> dict[int, str]:
    """`pid` and all its descendants alive now, each with its start time (so a reused pid is not mistaken)."""
    found, pending = {}, [pid]
    while pending:
        current = pending.pop()
        started = start_time(current)
        if started is None:
            continue
        found[current] = started
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending += [int(child) for child in children.read_text().split()]
            except OSError:
                pass
    return found


def start_time(pid: int) -> str | None:
    """The start time of a running process (from /proc/<pid>/stat); None when gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def is_alive(pid: int, started: str) -> bool:
    """Whether the process that started at `started` with this pid still runs."""
    return start_time(pid) == started


def render_template(template: str, values: dict[str, str]) -> str:
    """envsubst for the listed names only: `${NAME}` is replaced, nginx's own `$variables` are left alone."""
    return re.sub(r"\$\{(\w+)\}", lambda match: values.get(match.group(1), match.group(0)), template)


@contextlib.asynccontextmanager
async def polling_client(address: str | None = None) -> AsyncIterator[socketio.AsyncClient]:
    """A socket.io client through nginx on long-polling, connected, every request from `address` if given.

    Long-polling is the widget's heaviest way to talk: every poll and every message is an HTTP request. At the
    end the client goes as a closed tab does: its pending poll ends with its connection (a polite disconnect
    would wait up to 30 s for the poll to end).
    """
    session = aiohttp.ClientSession(headers={"X-Forwarded-For": address} if address else None)
    client = socketio.AsyncClient(reconnection=False, http_session=session)
    try:
        await client.connect(f"http://127.0.0.1:{PORTS['nginx']}", transports=["polling"], wait_timeout=10)
        yield client
    finally:
        await session.close()
        await asyncio.wait_for(client.wait(), timeout=10)


class Reply:
    """One HTTP answer: status, decoded JSON body (text if not JSON), headers and the replica that answered."""

    def __init__(self, status: int, body: object, replica: str | None, headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.replica, self.headers = status, body, replica, headers or {}

    @property
    def answered(self) -> bool:
        return self.status == 200 and isinstance(self.body, list) and len(self.body) > 0

    @property
    def texts(self) -> list[str]:
        return [message.get("text", "") for message in self.body if "text" in message] if self.answered else []


class ScaleStack:
    """Starts and stops every process of the profile and tells what each one did."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.logs = base / "logs"
        self.logs.mkdir()
        self.pg_password = secrets.token_hex(12)
        self.redis_password = secrets.token_hex(12)
        self.action_token = secrets.token_hex(16)
        self.rest_token = secrets.token_hex(16)
        # One file per secret, readable by this user only: the servers get NAME_FILE, never the value.
        self.secret_files = {
            "POSTGRES_PASSWORD": self.pg_password,
            "REDIS_PASSWORD": self.redis_password,
            "ACTION_SERVER_TOKEN": self.action_token,
            "REST_WEBHOOK_TOKEN": self.rest_token,
            # Shared by the replicas, as deploy/docker-compose.yml does: any replica resumes any conversation.
            "SESSION_SECRET": secrets.token_hex(32),
            "ALERT_WEBHOOK_SECRET": secrets.token_hex(16),
        }
        # The clinic's webhook: every dispatcher (one beside each replica) delivers the outbox's alerts to it.
        self.alert_receiver = WebhookReceiver(self.secret_files["ALERT_WEBHOOK_SECRET"]).start()
        (base / "secrets").mkdir(mode=0o700)
        for name, value in self.secret_files.items():
            path = base / "secrets" / name.lower()
            path.write_text(value + "\n")
            path.chmod(0o600)
        self.processes: dict[str, ManagedProcess] = {}
        self.seen: dict[int, str] = {}  # every process of every tree (pid: start time), for the leftover check
        self.model = base / "aftercare.tar.gz"
        shutil.copy2(MODEL, self.model)  # a copy: someone may retrain models/ meanwhile

    # --- starting ---------------------------------------------------------------------------------------------

    def _start(self, name: str, args: list[str], cwd: Path = ROOT, env=None, **options) -> ManagedProcess:
        # PostgreSQL's fast shutdown is SIGINT; the others stop cleanly on SIGTERM.
        stop_signal = signal.SIGINT if name == "postgres" else signal.SIGTERM
        log = self.logs / f"{name}.log"
        process = ManagedProcess(name, args, log, cwd=cwd, env=env, stop_signal=stop_signal, popen_options=options)
        self.processes[name] = process.start()
        self.seen |= process_tree(process.pid)
        return process

    def log_tail(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def wait_until(self, name: str, ready, limit: float) -> None:
        self.processes[name].wait_until(ready, limit)
        self.seen |= process_tree(self.processes[name].pid)

    def start_postgres(self) -> None:
        """initdb and postgres as the `postgres` user when run as root (PostgreSQL refuses root)."""
        pg = postgres_bin()
        data = self.base / "postgres"
        data.mkdir(mode=0o700)
        password_file = self.base / "pg-password"
        password_file.write_text(self.pg_password + "\n")
        as_user = {}
        if os.geteuid() == 0:
            as_user = {"user": "postgres", "group": "postgres", "extra_groups": []}
            shutil.chown(data, "postgres", "postgres")
            shutil.chown(password_file, "postgres", "postgres")
        subprocess.run(
            [str(pg / "initdb"), "-D", str(data), "-U", "rasa", f"--pwfile={password_file}"]
            + ["--auth=scram-sha-256", "--encoding=UTF8", "--no-sync"],
            check=True,
            capture_output=True,
            cwd=self.base,
            **as_user,
        )
        self._start(
            "postgres",
            [str(pg / "postgres"), "-D", str(data), "-p", str(PORTS["postgres"]), "-k", str(data)]
            + ["-c", "listen_addresses=127.0.0.1"],
            cwd=self.base,
            **as_user,
        )
        self.wait_until("postgres", self._postgres_ready, 60)
        import psycopg2

        connection = psycopg2.connect(self._dsn("postgres"))
        connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        try:
            connection.cursor().execute("CREATE DATABASE aftercare")
        finally:
            connection.close()

    def _dsn(self, database: str) -> str:
        return f"postgresql://rasa:{self.pg_password}@127.0.0.1:{PORTS['postgres']}/{database}"

    def _postgres_ready(self) -> bool:
        import psycopg2

        try:
            psycopg2.connect(self._dsn("postgres"), connect_timeout=2).close()
            return True
        except psycopg2.OperationalError:
            return False

    def secret_file(self, name: str) -> str:
        return str(self.base / "secrets" / name.lower())

    def start_redis(self) -> None:
        """Through deploy/start_redis.sh, as docker-compose.yml starts it: the password from a file."""
        program("redis-server")
        self._start(
            "redis",
            ["sh", str(DEPLOY / "start_redis.sh"), "--port", str(PORTS["redis"]), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.base)],
            cwd=self.base,
            env=self.env,  # REDIS_PASSWORD_FILE
        )
        self.wait_until("redis", lambda: self.redis().ping(), 30)

    def redis(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=PORTS["redis"], password=self.redis_password, db=1)

    @property
    def env(self) -> dict[str, str]:
        # Secrets that `make` exports (ACTION_SERVER_TOKEN) would clash with the files: only the files count.
        inherited = {
            name: value
            for name, value in os.environ.items()
            if name.removesuffix("_FILE") not in SECRET_VARIABLES and name != "TRACKER_STORE_URL"
        }
        return {
            **inherited,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{PORTS['nginx-actions']}/webhook",
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(PORTS["postgres"]),
            "POSTGRES_DB": "aftercare",
            "POSTGRES_USER": "rasa",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(PORTS["redis"]),
            "REDIS_LOCK_DB": "1",
            "TICKET_LOCK_LIFETIME": str(TICKET_LOCK_LIFETIME),
            **{f"{name}_FILE": self.secret_file(name) for name in self.secret_files},
            "ALERT_WEBHOOK_URL": self.alert_receiver.url,
            **QUIET,
        }

    def start_action_server(self, name: str) -> None:
        args = [sys.executable, "-m", "actions.server", "--port", str(PORTS[name])]
        self._start(name, args, cwd=ROOT, env=self.env)

    def start_dispatcher(self, name: str) -> None:
        args = [sys.executable, "-m", "services.dispatcher", "--poll-seconds", "0.2"]
        self._start(name, args, cwd=ROOT, env=self.env)

    def start_replica(self, name: str) -> None:
        args = [sys.executable, str(ROOT / "scripts" / "rasa_server.py")]
        settings = {"MODEL": str(self.model), "RASA_PORT": str(PORTS[name]), "ENDPOINTS": "deploy/endpoints.yml"}
        self._start(name, args, cwd=ROOT, env={**self.env, **settings})

    def wait_for_servers(self) -> None:
        for name in ACTION_SERVERS:
            self.wait_until(name, lambda name=name: port_is_open(PORTS[name]), 120)
        for name in REPLICAS:
            self.wait_until(name, lambda name=name: url_answers(f"http://127.0.0.1:{PORTS[name]}/"), 300)

    def start_nginx(self) -> None:
        directory = self.base / "nginx"
        directory.mkdir()
        values = {
            "RASA_REPLICA_1": f"127.0.0.1:{PORTS['replica-1']}",
            "RASA_REPLICA_2": f"127.0.0.1:{PORTS['replica-2']}",
            "NGINX_PORT": f"127.0.0.1:{PORTS['nginx']}",
            "ACTION_SERVER_1": f"127.0.0.1:{PORTS['actions-1']}",
            "ACTION_SERVER_2": f"127.0.0.1:{PORTS['actions-2']}",
            "NGINX_ACTIONS_PORT": f"127.0.0.1:{PORTS['nginx-actions']}",
            "TLS_PROXY_ADDRESS": TLS_PROXY_ADDRESS,
        }
        for name in ("aftercare", "actions"):
            template = (DEPLOY / "nginx" / f"{name}.conf.template").read_text()
            (directory / f"{name}.conf").write_text(render_template(template, values))
        # The main file a package or image would provide, pointing every path into the temporary directory.
        (directory / "nginx.conf").write_text(
            f"""worker_processes 1;
daemon off;
pid {directory}/nginx.pid;
error_log {self.logs}/nginx-error.log;
events {{ worker_connections 512; }}
http {{
    log_format upstream '$server_port $http_x_request_id $remote_addr $upstream_addr $status $request_uri';
    access_log {self.logs}/nginx-access.log upstream;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/aftercare.conf;
    include {directory}/actions.conf;
}}
"""
        )
        nginx = program("nginx")
        args = [
            nginx,
            "-e",
            str(self.logs / "nginx-error.log"),
            "-p",
            str(directory),
            "-c",
            str(directory / "nginx.conf"),
        ]
        subprocess.run([*args, "-t"], check=True, capture_output=True)
        self._start("nginx", args, cwd=directory)
        self.wait_until("nginx", lambda: port_is_open(PORTS["nginx"]), 30)

    # --- talking to it ------------------------------------------------------------------------------------------

    @staticmethod
    def url(target: str, path: str = "/webhooks/rest/webhook") -> str:
        return f"http://127.0.0.1:{PORTS[target]}{path}"

    def send(
        self,
        target: str,
        sender: str,
        message: str,
        metadata: dict | None = None,
        timeout: float = 60,
        with_token: bool = True,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One message through the REST channel of a replica or of nginx, with the REST token unless told."""
        body = json.dumps({"sender": sender, "message": message, "metadata": metadata or {}}).encode()
        return self.request(target, body=body, sender=sender, timeout=timeout, with_token=with_token, headers=headers)

    def request(
        self,
        target: str,
        path: str = "/webhooks/rest/webhook",
        body: bytes | None = None,
        sender: str = "",
        timeout: float = 60,
        with_token: bool = True,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One HTTP request (a POST when there is a body) to a replica or nginx; never raises for a status.

        Through nginx it comes from `sender`'s own address (X-Forwarded-For, see TLS_PROXY_ADDRESS), and the
        replica that answered is read from nginx's access log.
        """
        sent = {"Content-Type": "application/json"}
        if with_token:
            sent["Authorization"] = f"Bearer {self.rest_token}"
        request_id = uuid.uuid4().hex
        if target == "nginx":
            sent |= {"X-Forwarded-For": client_address(sender), "X-Request-Id": request_id}
        request = urllib.request.Request(self.url(target, path), body, {**sent, **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw, received = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, received = error.code, error.read(), error.headers
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return Reply(0, repr(error), None)
        try:
            content = json.loads(raw)
        except ValueError:
            content = raw.decode(errors="replace")
        replica = self.answered_by(request_id) if target == "nginx" else None
        return Reply(status, content, replica, dict(received.items()))

    def answered_by(self, request_id: str) -> str | None:
        """The replica nginx passed a request to (the last one it tried), or None if nginx answered itself."""
        by_address = {f"127.0.0.1:{PORTS[name]}": name for name in REPLICAS}
        deadline = time.monotonic() + 5  # nginx writes the line just after the response
        while time.monotonic() < deadline:
            for line in (self.logs / "nginx-access.log").read_text().splitlines():
                _, logged_id, _, *tried, _, _ = line.split()
                if logged_id == request_id:
                    return by_address.get(tried[-1].strip(","))
            time.sleep(0.02)
        raise AssertionError(f"nginx logged no request {request_id}")

    def events(self, sender: str) -> list[dict]:
        """The conversation's events as stored in PostgreSQL, in order."""
        import psycopg2

        with psycopg2.connect(self._dsn("aftercare")) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            rows = cursor.fetchall()
        connection.close()
        return [json.loads(data) for (data,) in rows]

    def user_messages(self, sender: str) -> list[str]:
        return [event["text"] for event in self.events(sender) if event["event"] == "user"]

    def slot_values(self, sender: str, slot: str) -> list:
        return [event["value"] for event in self.events(sender) if event["event"] == "slot" and event["name"] == slot]

    def action_server_calls(self) -> dict[str, int]:
        """How many calls nginx has passed to each action server and got a 200 for, from its access log."""
        by_address = {f"127.0.0.1:{PORTS[name]}": name for name in ACTION_SERVERS}
        calls = dict.fromkeys(ACTION_SERVERS, 0)
        for line in (self.logs / "nginx-access.log").read_text().splitlines():
            port, _, _, *tried, status, _ = line.split()
            if port == str(PORTS["nginx-actions"]) and status == "200":
                # After a refused connection nginx lists every server it tried: the last one answered.
                calls[by_address[tried[-1].strip(",")]] += 1
        return calls

    def lock_tickets(self, sender: str) -> int:
        """How many tickets the Redis lock store holds for this conversation now."""
        raw = self.redis().get(LOCK_KEY_PREFIX + sender)
        return len(json.loads(raw)["tickets"]) if raw else 0

    # --- stopping -----------------------------------------------------------------------------------------------

    def kill(self, name: str) -> tuple[float, float]:
        """SIGKILL, as a crash would: no clean shutdown.

        Returns the moments (time.monotonic) of the signal and of the process being gone: until then the kernel
        may still accept a connection for it that is then reset.
        """
        process = self.processes[name]
        self.seen |= process_tree(process.pid)
        signalled_at = time.monotonic()
        process.kill()
        return signalled_at, time.monotonic()

    def stop(self) -> None:
        """Stops everything in reverse order of start: SIGTERM (SIGINT for postgres: fast shutdown), then SIGKILL."""
        self.alert_receiver.stop()
        for process in self.processes.values():
            self.seen |= process_tree(process.pid)
        for process in reversed(list(self.processes.values())):
            process.stop()

    def leftovers(self) -> list[str]:
        """Processes this stack started (or their children) still alive, waiting up to 10 s for them to go."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = sorted(pid for pid, started in self.seen.items() if is_alive(pid, started))
            if not alive:
                return []
            time.sleep(0.2)
        return [f"{pid}: {Path(f'/proc/{pid}/cmdline').read_text(errors='replace')!r}" for pid in alive]


@pytest.fixture(scope="session")
def stack(request):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    busy = [f"{name} ({port})" for name, port in PORTS.items() if port_is_open(port)]
    if busy:
        pytest.fail(f"ports already in use: {', '.join(busy)}")
    base = Path(tempfile.mkdtemp(prefix="aftercare-scale-"))
    base.chmod(0o755)  # PostgreSQL's user and nginx's workers need to reach their subdirectories
    running = ScaleStack(base)
    try:
        started = time.monotonic()
        print(
            f"\n   starting PostgreSQL, Redis, two action servers, two Rasa replicas and nginx in {base}",
            file=sys.stderr,
        )
        running.start_postgres()
        running.start_redis()
        for name in ACTION_SERVERS:
            running.start_action_server(name)
        for name in REPLICAS:
            running.start_replica(name)
        for name in DISPATCHERS:
            running.start_dispatcher(name)
        running.start_nginx()
        running.wait_for_servers()
        print(f"   all up after {time.monotonic() - started:.0f} s", file=sys.stderr)
        yield running
    finally:
        running.stop()
        leftovers = running.leftovers()
        for pid, started in running.seen.items():  # never leave a server of this test running, whatever happened
            if is_alive(pid, started):
                os.kill(pid, signal.SIGKILL)
        if leftovers:
            pytest.fail(f"processes still running after the stop: {leftovers}; logs in {running.logs}")
        if request.session.testsfailed or os.environ.get("AFTERCARE_SCALE_KEEP_LOGS") == "1":
            print(f"\n   the servers' logs are kept in {running.logs}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
