"""A bounded load test on loopback: simulated patients hold whole conversations at the same time.

    .venv/bin/python -m scripts.loadtest [--patients 50] [--turns 10] [--concurrency 10] [--time-limit 300]
    .venv/bin/python -m scripts.loadtest --url http://127.0.0.1:5005 --tracker-store-url sqlite:///conversations.db

A server with REST_WEBHOOK_TOKEN set answers only callers that send it: set the same REST_WEBHOOK_TOKEN (or
REST_WEBHOOK_TOKEN_FILE) here and every request carries it.

Without --url it starts its own action server and Rasa server (ports 5355 and 5305, a fresh SQLite file) and
stops them at the end. Each patient sends its turns one after the other through the REST webhook, mixing care
questions, typed procedure times, the time question's quick-reply payloads and warning signs; at most
--concurrency patients talk at once, and the run stops by itself after --time-limit seconds.

It checks what a patient would notice: every message answered with well-formed bot messages and never with
the safe "technical problem" reply (errors); every message recorded as a user event in its conversation, in
the order sent (lost turns, read from the tracker store's `events` table with SQLAlchemy, so SQLite and
PostgreSQL both work); every warning sign answered with an escalation and recorded in the `escalation` slot.
Prints patients, turns, errors, lost turns, p50/p95/p99 latency and messages per second; exits 1 on any error,
lost turn or missed escalation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from aftercare.secret_files import SecretError, load_secret_files
from scripts.percentiles import percentile
from scripts.servers import MODEL, Servers
from storage.database import database_url

ROOT = Path(__file__).resolve().parents[1]
SAFE_REPLY_START = "Sorry, I can't answer that right now because of a technical problem"
TIME_PAYLOAD = '/inform_procedure_time{{"hours_ago": {hours}}}'

CARE_QUESTIONS = [
    "can I wear make-up?",
    "is redness normal?",
    "when can I exercise again?",
    "can I use retinol?",
    "my skin is dry and flaky, is that ok?",
    "is it normal that my face is swollen?",
    "when can I go in the sauna?",
    "can I wash my face tonight?",
    "do I need sunscreen?",
    "is itching normal?",
    "when will I see results?",
]
TYPED_TIMES = ["3 days ago", "I had it yesterday", "this morning", "I'm on day 2", "48 hours ago", "about a week ago"]
OPENINGS = ["hi", "hello, I had microneedling", "hi there"]
# Warning signs the detector catches by rule: each must escalate, whatever else happened in the conversation.
WARNING_SIGNS = [
    "there is pus coming out of some spots",
    "there is yellow crust on my cheek",
    "my lips are swelling and I'm wheezing",
    "I have a fever and the red area keeps spreading",
]


@dataclass
class Patient:
    """One simulated patient: what it sent, how long each answer took, and what went wrong."""

    sender: str
    escalates_at: int | None
    sent: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unanswered_escalations: int = 0
    not_sent: int = 0


@dataclass
class Report:
    """The figures of one run."""

    patients: int
    turns_planned: int
    turns_sent: int
    errors: int
    lost_turns: int
    out_of_order: int
    escalation_patients: int
    escalations_recorded: int
    unanswered_escalations: int
    not_sent: int
    seconds: float
    latencies: list[float]
    error_samples: list[str]

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile of the reply latency, in seconds."""
        return percentile(self.latencies, share)

    @property
    def messages_per_second(self) -> float:
        return self.turns_sent / self.seconds if self.seconds else 0.0

    @property
    def passed(self) -> bool:
        return not (
            self.errors
            or self.lost_turns
            or self.out_of_order
            or self.not_sent
            or self.unanswered_escalations
            or self.escalations_recorded < self.escalation_patients
        )

    def describe(self) -> str:
        def ms(share: float) -> str:
            return f"{self.percentile(share) * 1000:.0f} ms"

        order = f", {self.out_of_order} conversations out of order" if self.out_of_order else ""
        slowest = max(self.latencies or [0]) * 1000
        lines = [
            f"  patients      {self.patients}",
            f"  turns         {self.turns_sent} sent of {self.turns_planned} planned"
            + (f" ({self.not_sent} not sent: time limit)" if self.not_sent else ""),
            f"  errors        {self.errors}",
            f"  lost turns    {self.lost_turns}{order}",
            f"  escalations   {self.escalation_patients} patients with a warning sign, {self.escalations_recorded} "
            f"recorded in the escalation slot, {self.unanswered_escalations} answered without escalating",
            f"  latency       p50 {ms(0.50)}, p95 {ms(0.95)}, p99 {ms(0.99)}, max {slowest:.0f} ms",
            f"  throughput    {self.messages_per_second:.1f} messages/s ({self.turns_sent} in {self.seconds:.1f} s)",
        ]
        lines += [f"  error sample  {sample}" for sample in self.error_samples[:5]]
        lines.append("PASS" if self.passed else "FAIL")
        return "\n".join(lines)


def plan_patients(count: int, turns: int, run_id: str, seed: int) -> list[Patient]:
    """About one patient in four reports a warning sign, at a random turn after the first."""
    chooser = random.Random(seed)
    patients = []
    for number in range(count):
        escalates_at = chooser.randrange(1, turns) if turns > 1 and chooser.random() < 0.25 else None
        patients.append(Patient(f"load-{run_id}-{number:04d}", escalates_at))
    return patients


def next_message(patient: Patient, turn: int, last_replies: list[dict], chooser: random.Random) -> str:
    """What the patient says next: an opening, a question, a time (typed or a quick reply) or a warning sign."""
    if turn == patient.escalates_at:
        return chooser.choice(WARNING_SIGNS)
    buttons = [button for reply in last_replies for button in reply.get("buttons") or []]
    if buttons and chooser.random() < 0.7:
        return chooser.choice(buttons)["payload"]
    if turn == 0:
        return chooser.choice(OPENINGS + CARE_QUESTIONS)
    roll = chooser.random()
    if roll < 0.2:
        return chooser.choice(TYPED_TIMES)
    if roll < 0.3:
        return TIME_PAYLOAD.format(hours=chooser.choice([2, 24, 60, 168, 336]))
    return chooser.choice(CARE_QUESTIONS)


def problem_with(status: int, body: object) -> str | None:
    """Why a webhook answer is not a well-formed reply a patient can read (None when it is)."""
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(body, list) or not body:
        return "no bot message"
    for message in body:
        if not isinstance(message, dict) or not any(message.get(key) for key in ("text", "buttons", "custom")):
            return "a bot message without text, buttons or custom payload"
        if str(message.get("text", "")).startswith(SAFE_REPLY_START):
            return "the safe reply: a custom action failed"
    return None


async def hold_conversation(
    session: aiohttp.ClientSession,
    url: str,
    patient: Patient,
    turns: int,
    seed: int,
    deadline: float,
    request_timeout: float,
) -> None:
    chooser = random.Random(f"{seed}-{patient.sender}")
    last_replies: list[dict] = []
    for turn in range(turns):
        if time.monotonic() >= deadline:
            patient.not_sent += turns - turn
            return
        text = next_message(patient, turn, last_replies, chooser)
        patient.sent.append(text)
        started = time.monotonic()
        try:
            async with session.post(
                url, json={"sender": patient.sender, "message": text}, timeout=request_timeout
            ) as answer:
                status = answer.status
                body = await answer.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            patient.errors.append(f"turn {turn}: {type(error).__name__}")
            last_replies = []
            continue
        patient.latencies.append(time.monotonic() - started)
        problem = problem_with(status, body)
        if problem:
            patient.errors.append(f"turn {turn}: {problem}")
            last_replies = []
            continue
        last_replies = body
        if turn == patient.escalates_at and not any("escalation" in (m.get("custom") or {}) for m in body):
            patient.unanswered_escalations += 1


def recorded(tracker_store_url: str, senders: list[str]) -> tuple[dict[str, list[str]], dict[str, list]]:
    """The user texts and escalation slot values the tracker store holds for `senders`, in order."""
    wanted = set(senders)
    prefix = os.path.commonprefix(senders) if senders else ""
    engine = sa.create_engine(tracker_store_url)
    texts: dict[str, list[str]] = {sender: [] for sender in senders}
    escalations: dict[str, list] = {sender: [] for sender in senders}
    query = sa.text(
        "SELECT sender_id, type_name, data FROM events "
        "WHERE sender_id LIKE :prefix AND type_name IN ('user', 'slot') ORDER BY id"
    )
    try:
        with engine.connect() as connection:
            for sender, type_name, data in connection.execute(query, {"prefix": f"{prefix}%"}):
                if sender not in wanted:
                    continue
                event = json.loads(data)
                if type_name == "user":
                    texts[sender].append(event.get("text"))
                elif event.get("name") == "escalation" and event.get("value"):
                    escalations[sender].append(event["value"])
    finally:
        engine.dispose()
    return texts, escalations


async def run_load(
    base_url: str,
    tracker_store_url: str,
    patients: int = 50,
    turns: int = 10,
    concurrency: int = 10,
    time_limit: float = 300.0,
    seed: int = 1,
    request_timeout: float = 60.0,
    rest_token: str = "",
) -> Report:
    """Runs the simulated patients against `base_url` and checks the tracker store; see the module docstring."""
    webhook = base_url.rstrip("/") + "/webhooks/rest/webhook"
    planned = plan_patients(patients, turns, f"{seed}-{secrets.token_hex(3)}", seed)
    gate = asyncio.Semaphore(concurrency)
    started = time.monotonic()
    deadline = started + time_limit

    async def one(patient: Patient) -> None:
        async with gate:
            await hold_conversation(session, webhook, patient, turns, seed, deadline, request_timeout)

    connector = aiohttp.TCPConnector(limit=concurrency)
    headers = {"Authorization": f"Bearer {rest_token}"} if rest_token else None
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        await asyncio.gather(*(one(patient) for patient in planned))
    seconds = time.monotonic() - started

    texts, escalations = recorded(tracker_store_url, [patient.sender for patient in planned])
    lost = sum((Counter(p.sent) - Counter(texts[p.sender])).total() for p in planned)
    out_of_order = sum(1 for p in planned if texts[p.sender] != p.sent and Counter(texts[p.sender]) == Counter(p.sent))
    escalating = [p for p in planned if p.escalates_at is not None and p.escalates_at < len(p.sent)]
    return Report(
        patients=patients,
        turns_planned=patients * turns,
        turns_sent=sum(len(p.sent) for p in planned),
        errors=sum(len(p.errors) for p in planned),
        lost_turns=lost,
        out_of_order=out_of_order,
        escalation_patients=len(escalating),
        escalations_recorded=sum(1 for p in escalating if escalations[p.sender]),
        unanswered_escalations=sum(p.unanswered_escalations for p in planned),
        not_sent=sum(p.not_sent for p in planned),
        seconds=seconds,
        latencies=[latency for p in planned for latency in p.latencies],
        error_samples=[f"{p.sender} {error}" for p in planned for error in p.errors],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--turns", type=int, default=10, help="messages per patient")
    parser.add_argument("--concurrency", type=int, default=10, help="patients talking at the same time")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds before the run stops itself")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="a running Rasa server, e.g. http://127.0.0.1:5005 (default: start one)")
    parser.add_argument(
        "--tracker-store-url",
        default=database_url(os.environ),
        help="with --url: the server's TRACKER_STORE_URL, to check every turn was recorded",
    )
    parser.add_argument("--rasa-port", type=int, default=5305)
    parser.add_argument("--action-port", type=int, default=5355)
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    if min(args.patients, args.turns, args.concurrency) < 1 or args.time_limit <= 0:
        parser.error("--patients, --turns and --concurrency must be at least 1, --time-limit above 0")

    try:
        load_secret_files(os.environ, ("REST_WEBHOOK_TOKEN",))
    except SecretError as error:
        parser.error(str(error))
    servers = None
    if args.url:
        base_url, tracker_store_url = args.url, args.tracker_store_url
    else:
        for port in (args.rasa_port, args.action_port):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    parser.error(f"port {port} is in use: choose others with --rasa-port / --action-port")
        workdir = Path(tempfile.mkdtemp(prefix="aftercare-loadtest-"))
        servers = Servers(workdir, args.rasa_port, args.action_port, MODEL=str(args.model))
        base_url, tracker_store_url = servers.url, f"sqlite:///{servers.database}"
        print(f"==> The servers' logs: {workdir}", flush=True)
    try:
        if servers:
            servers.start_both()
        print(
            f"==> {args.patients} patients x {args.turns} turns, at most {args.concurrency} at a time, "
            f"against {base_url} (stops after {args.time_limit:.0f} s)",
            flush=True,
        )
        report = asyncio.run(
            run_load(
                base_url,
                tracker_store_url,
                patients=args.patients,
                turns=args.turns,
                concurrency=args.concurrency,
                time_limit=args.time_limit,
                seed=args.seed,
                rest_token=os.environ.get("REST_WEBHOOK_TOKEN", "").strip(),
            )
        )
    finally:
        if servers:
            servers.stop_both()
    print(report.describe())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
