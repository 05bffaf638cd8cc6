"""Simulated patients talking to a Rasa REST channel at a fixed concurrency: latency percentiles and throughput."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

import aiohttp

from scripts.percentiles import percentile

# A conversation is a list of (message, metadata) made when it starts, so metadata times are current.
Conversation = Callable[[], list[tuple[str, dict]]]


def _hours_ago(hours: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _widget_care_questions() -> list[tuple[str, dict]]:
    """A widget patient: the procedure time comes in metadata, the questions are answered at once."""
    metadata = {"procedure_time": _hours_ago(30), "timezone": "Europe/London"}
    return [("can I wear make-up?", metadata), ("when can I exercise again?", metadata), ("thanks", metadata)]


def _typed_time() -> list[tuple[str, dict]]:
    """No metadata: the bot asks when, the patient types it, the pending question is answered."""
    return [("is it ok to put on sunscreen?", {}), ("3 days ago", {}), ("is some redness normal?", {})]


def _escalations() -> list[tuple[str, dict]]:
    """A warning sign, then an emergency."""
    return [
        ("hi", {}),
        ("there is pus coming out of some spots", {}),
        ("my lips are swelling and I'm wheezing", {}),
    ]


PROJECT_CONVERSATIONS: list[Conversation] = [_widget_care_questions, _typed_time, _escalations]
BARE_CONVERSATIONS: list[Conversation] = [
    lambda: [("hi", {}), ("I am feeling great", {}), ("bye", {})],
    lambda: [("hello", {}), ("I'm very sad", {}), ("yes", {})],
    lambda: [("hey there", {}), ("are you a bot?", {}), ("goodbye", {})],
]


@dataclass
class LevelResult:
    """One concurrency level against one bot."""

    concurrency: int
    sent: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    messages_per_second: float
    seconds: float
    error_examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


async def _run_level(
    url: str, conversations: list[Conversation], concurrency: int, total: int, time_limit: float, prefix: str
) -> LevelResult:
    latencies: list[float] = []
    errors: list[str] = []
    budget = itertools.count()  # one number per message; stop at `total`
    started = time.monotonic()
    deadline = started + time_limit
    conversation_numbers = itertools.count()

    async def patient(session: aiohttp.ClientSession) -> None:
        for conversation_number in conversation_numbers:
            conversation = conversations[conversation_number % len(conversations)]
            sender = f"{prefix}-c{concurrency}-{conversation_number}"
            for text, metadata in conversation():
                if next(budget) >= total or time.monotonic() > deadline:
                    return
                sent_at = time.monotonic()
                try:
                    async with session.post(url, json={"sender": sender, "message": text, "metadata": metadata}) as r:
                        replies = await r.json(content_type=None)
                        if r.status != 200 or not replies:
                            errors.append(f"{r.status} {str(replies)[:80]} for {text!r}")
                except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                    errors.append(f"{type(error).__name__} for {text!r}")
                latencies.append(time.monotonic() - sent_at)

    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency), timeout=timeout) as session:
        await asyncio.gather(*(patient(session) for _ in range(concurrency)))
    seconds = time.monotonic() - started
    ms = [latency * 1000 for latency in latencies]
    return LevelResult(
        concurrency=concurrency,
        sent=len(latencies),
        errors=len(errors),
        p50_ms=percentile(ms, 0.50),
        p95_ms=percentile(ms, 0.95),
        p99_ms=percentile(ms, 0.99),
        mean_ms=sum(ms) / len(ms) if ms else float("nan"),
        messages_per_second=len(latencies) / seconds,
        seconds=seconds,
        error_examples=errors[:5],
    )


def run_level(
    url: str, conversations: list[Conversation], concurrency: int, total: int, time_limit: float, prefix: str
) -> LevelResult:
    """`total` messages from `concurrency` patients at once, each in whole conversations; at most `time_limit` s."""
    return asyncio.run(_run_level(url, conversations, concurrency, total, time_limit, prefix))


def long_conversation(url: str, messages: list[tuple[str, dict]], turns: int, sender: str, window: int = 10) -> dict:
    """One patient sending `turns` messages in one conversation, one at a time, cycling through `messages`.

    Returns the p50 of the first and the last `window` turns: how a conversation's length slows its replies.
    """

    async def talk() -> tuple[list[float], int]:
        latencies, errors = [], 0
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            for (text, metadata), _ in zip(itertools.cycle(messages), range(turns)):
                sent_at = time.monotonic()
                try:
                    async with session.post(url, json={"sender": sender, "message": text, "metadata": metadata}) as r:
                        errors += r.status != 200 or not await r.json(content_type=None)
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    errors += 1
                latencies.append((time.monotonic() - sent_at) * 1000)
        return latencies, errors

    latencies, errors = asyncio.run(talk())
    first, last = percentile(latencies[:window], 0.5), percentile(latencies[-window:], 0.5)
    return {"turns": turns, "errors": errors, "first_p50_ms": first, "last_p50_ms": last, "ratio": last / first}
