"""`make bench`: the project next to a bare `rasa init` bot on the same machine, in one run.

Measures the REST round trip (custom actions included) at several concurrencies, peak memory, time from start to
first answer, `rasa train` time from scratch and after a one-line NLU change, and held-out NLU accuracy of the
project's pipeline next to Rasa's default one. Prints a table, writes results/bench.json and
results/bench_latency.png. Nothing here touches models/aftercare.tar.gz or the repo's .rasa cache: everything is
trained and served from a temporary directory.

    python -m bench.run [--messages 200] [--levels 1,10,50] [--skip-training] [--skip-load]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
import yaml

from aftercare.environment import QUIET
from bench import training
from bench.load import BARE_CONVERSATIONS, PROJECT_CONVERSATIONS, LevelResult, long_conversation, run_level
from scripts.processes import ManagedProcess, answers
from scripts.servers import MODEL

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RASA = str(BIN / "rasa")
PROJECT_PORT, ACTION_PORT, BARE_PORT = 5505, 5555, 5605
TARGET_P95_RATIO = 1.5  # at 10 concurrent patients
TARGET_TRAIN_SECONDS = 180
LONG_CONVERSATION_TURNS = 300
SESSION_START = "action_session_start"
TARGET_LONG_CONVERSATION_RATIO = 2.0  # p50 of the last 10 turns against the first 10


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def base_env() -> dict[str, str]:
    return {**os.environ, **QUIET}


def measure_training(work: Path, log_dir: Path, figures: dict) -> dict:
    """Train times and held-out accuracies, all in a copy of the project under `work`, added to `figures`."""
    project = training.copy_project(work / "project")
    env = {**base_env(), "RASA_CACHE_DIRECTORY": str(project / ".rasa" / "cache")}
    log = log_dir / "training.log"
    models = project / "models"

    say("training the project from scratch (fresh copy, empty graph cache) ...")
    scratch = timed_train(["--fixed-model-name", "scratch"], project, env, log)
    say(f"   from scratch: {scratch:.0f} s")
    figures["train_from_scratch_s"] = scratch
    line = training.add_one_training_example(project)
    say(f"training again after one new NLU example ({line!r}) ...")
    changed = timed_train(["--fixed-model-name", "changed"], project, env, log)
    say(f"   after the change: {changed:.0f} s")
    figures.update(train_after_one_line_nlu_change_s=changed, one_line_change=line)

    say("training Rasa's default pipeline (empty `pipeline:`, same policies) on the same NLU data ...")
    config = training.default_pipeline_config(project)
    default_seconds = training.timed(
        [RASA, "train", "nlu", "--config", str(config), "--out", str(models), "--fixed-model-name", "default_pipeline"],
        project,
        env,
        log,
    )
    say(f"   default pipeline, NLU only: {default_seconds:.0f} s")
    figures["default_pipeline_nlu_train_s"] = default_seconds

    say("held-out NLU accuracy (rasa test nlu --nlu tests/nlu_held_out.yml) ...")
    project_accuracy, examples = training.held_out_accuracy(RASA, models / "scratch.tar.gz", project, env, log)
    default_accuracy, _ = training.held_out_accuracy(RASA, models / "default_pipeline.tar.gz", project, env, log)
    say(f"   project pipeline {project_accuracy:.1%}, default pipeline {default_accuracy:.1%} ({examples} examples)")
    figures.update(
        held_out_examples=examples,
        accuracy_project_pipeline=project_accuracy,
        accuracy_default_pipeline=default_accuracy,
    )
    return figures


def timed_train(extra: list[str], project: Path, env: dict[str, str], log: Path) -> float:
    return training.timed([RASA, "train", "--out", str(project / "models"), *extra], project, env, log)


def first_answer_probe(port: int):
    url = f"http://localhost:{port}/webhooks/rest/webhook"
    return lambda: answers(url, {"sender": "bench-first-answer", "message": "hi"}, timeout=30)


def measure_load(work: Path, log_dir: Path, levels: list[int], messages: int, time_limit: float) -> dict:
    """Starts the project (action server + Rasa) and the bare bot, then alternates them level by level."""
    env = base_env()
    say("creating and training a bare bot with `rasa init --no-prompt` ...")
    bare_dir = work / "bare"
    bare_dir.mkdir()
    init_seconds = training.timed(
        [RASA, "init", "--no-prompt", "--init-dir", str(bare_dir)], work, env, log_dir / "init.log"
    )
    say(f"   rasa init (includes training its model): {init_seconds:.0f} s")
    # Both bots keep conversations in an SQLite tracker store, so the comparison is pipeline and actions only.
    (bare_dir / "endpoints_bench.yml").write_text(
        f"tracker_store:\n  type: SQL\n  url: sqlite:///{work / 'bare.db'}\n", encoding="utf-8"
    )
    model = work / "aftercare.tar.gz"
    shutil.copy2(MODEL, model)  # a copy: others may retrain meanwhile

    project_env = {
        **env,
        "ACTION_SERVER_URL": f"http://localhost:{ACTION_PORT}/webhook",
        "ACTION_SERVER_TOKEN": secrets.token_hex(16),
        "TRACKER_STORE_URL": f"sqlite:///{work / 'project.db'}",
        "MODEL": str(model),
        "RASA_PORT": str(PROJECT_PORT),
    }
    action_args = [sys.executable, "-m", "actions.server", "--port", str(ACTION_PORT)]
    actions = ManagedProcess("actions", action_args, log_dir / "actions.log", env=project_env)
    project_args = [sys.executable, str(ROOT / "scripts" / "rasa_server.py")]
    project = ManagedProcess("project", project_args, log_dir / "project.log", env=project_env)
    bare_args = [RASA, "run", "--model", "models", "--port", str(BARE_PORT)]
    bare_args += ["--credentials", "credentials.yml", "--endpoints", "endpoints_bench.yml"]
    bare = ManagedProcess("bare", bare_args, log_dir / "bare.log", cwd=bare_dir, env=env)
    servers = [actions, project, bare]
    try:
        # One at a time, so each start-up time is measured without the others competing for the two cores.
        say(f"starting the action server (port {ACTION_PORT}) ...")
        actions.start()
        actions_start = actions.wait_until(lambda: answers(f"http://localhost:{ACTION_PORT}/health"), 120)
        say(f"   action server answers /health after {actions_start:.1f} s")
        say(f"starting the project's Rasa server (port {PROJECT_PORT}) ...")
        project.start()
        project_start = project.wait_until(first_answer_probe(PROJECT_PORT), 300)
        say(f"   first answer after {project_start:.1f} s")
        say(f"starting the bare bot's Rasa server (port {BARE_PORT}) ...")
        bare.start()
        bare_start = bare.wait_until(first_answer_probe(BARE_PORT), 300)
        say(f"   first answer after {bare_start:.1f} s")

        say("warming up (10 unmeasured messages each) ...")
        for port, conversations in ((PROJECT_PORT, PROJECT_CONVERSATIONS), (BARE_PORT, BARE_CONVERSATIONS)):
            run_level(f"http://localhost:{port}/webhooks/rest/webhook", conversations, 1, 10, 60, "warmup")

        results: dict[str, list[LevelResult]] = {"project": [], "bare": []}
        for concurrency in levels:
            # Alternating the two bots level by level spreads the shared machine's load drift over both.
            for name, port, conversations in (
                ("bare", BARE_PORT, BARE_CONVERSATIONS),
                ("project", PROJECT_PORT, PROJECT_CONVERSATIONS),
            ):
                say(f"{name}: {messages} messages from {concurrency} concurrent patients ...")
                url = f"http://localhost:{port}/webhooks/rest/webhook"
                result = run_level(url, conversations, concurrency, messages, time_limit, f"bench-{name}")
                results[name].append(result)
                say(
                    f"   p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, p99 {result.p99_ms:.0f} ms, "
                    f"{result.messages_per_second:.1f} msg/s, {result.errors} errors"
                    + (f" (e.g. {result.error_examples[0]})" if result.error_examples else "")
                )
        long_conversations = {}
        for name, port, conversations in (
            ("bare", BARE_PORT, BARE_CONVERSATIONS),
            ("project", PROJECT_PORT, PROJECT_CONVERSATIONS),
        ):
            say(f"{name}: one conversation of {LONG_CONVERSATION_TURNS} turns ...")
            messages = [message for conversation in conversations for message in conversation()]
            url = f"http://localhost:{port}/webhooks/rest/webhook"
            found = long_conversation(url, messages, LONG_CONVERSATION_TURNS, f"bench-{name}-long")
            long_conversations[name] = found
            say(
                f"   p50 of the first 10 turns {found['first_p50_ms']:.0f} ms, of the last 10 "
                f"{found['last_p50_ms']:.0f} ms ({found['ratio']:.1f}x), {found['errors']} errors"
            )
        memory = {server.name: server.peak_rss_mb() for server in servers}
        calls = action_calls_per_message(f"sqlite:///{work / 'project.db'}")
        say(f"   action server calls per patient message: {calls:.2f}")
    finally:
        say("stopping the servers ...")
        for server in reversed(servers):
            server.stop()
    return {
        "bare_rasa_init_with_training_s": init_seconds,
        "action_server_start_to_health_s": actions_start,
        "project_start_to_first_answer_s": project_start,
        "bare_start_to_first_answer_s": bare_start,
        "peak_rss_mb": memory,
        "action_calls_per_message": calls,
        "levels": {name: [result.as_dict() for result in found] for name, found in results.items()},
        "long_conversation": long_conversations,
    }


def action_calls_per_message(database: str) -> float:
    """How many calls to the action server the project made per patient message, from its tracker store.

    Every custom action a turn ran is one HTTP call carrying the tracker; the session start's is left out.
    """
    custom = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["actions"]) - {SESSION_START}
    events = sa.table("events", sa.column("type_name"), sa.column("action_name"))
    engine = sa.create_engine(database)
    try:
        with engine.connect() as connection:
            messages = connection.execute(
                sa.select(sa.func.count()).select_from(events).where(events.c.type_name == "user")
            ).scalar_one()
            calls = connection.execute(
                sa.select(sa.func.count())
                .select_from(events)
                .where((events.c.type_name == "action") & events.c.action_name.in_(sorted(custom)))
            ).scalar_one()
    finally:
        engine.dispose()
    return calls / messages if messages else 0.0


def targets(report: dict) -> list[dict]:
    """The issue's targets, read off the figures."""
    checks = []
    load = report.get("load")
    if load:
        by_level = {name: {level["concurrency"]: level for level in levels} for name, levels in load["levels"].items()}
        if 10 in by_level["project"]:
            ratio = by_level["project"][10]["p95_ms"] / by_level["bare"][10]["p95_ms"]
            checks.append(
                {
                    "target": f"p95 at 10 patients <= {TARGET_P95_RATIO}x the bare bot's",
                    "value": round(ratio, 2),
                    "met": ratio <= TARGET_P95_RATIO,
                }
            )
        long = load["long_conversation"]["project"]
        checks.append(
            {
                "target": f"last 10 of {long['turns']} turns p50 <= {TARGET_LONG_CONVERSATION_RATIO}x the first 10",
                "value": round(long["ratio"], 2),
                "met": long["ratio"] <= TARGET_LONG_CONVERSATION_RATIO,
            }
        )
        if 50 in by_level["project"]:
            errors = by_level["project"][50]["errors"]
            checks.append({"target": "zero errors at 50 patients", "value": errors, "met": errors == 0})
    train = report.get("training") or {}
    if "train_from_scratch_s" in train:
        seconds = train["train_from_scratch_s"]
        checks.append(
            {
                "target": f"rasa train from scratch < {TARGET_TRAIN_SECONDS} s",
                "value": round(seconds),
                "met": seconds < TARGET_TRAIN_SECONDS,
            }
        )
    if "accuracy_default_pipeline" in train:
        ours, default = train["accuracy_project_pipeline"], train["accuracy_default_pipeline"]
        checks.append(
            {
                "target": "project pipeline >= default pipeline (held-out accuracy)",
                "value": f"{ours:.1%} vs {default:.1%}",
                "met": ours >= default,
            }
        )
    return checks


def print_table(report: dict) -> None:
    load = report.get("load")
    if load:
        print("\nREST round trip (custom actions included), per concurrency level")
        print(
            f"{'bot':<8} {'patients':>8} {'sent':>5} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
            f"{'msg/s':>6} {'p95 ratio':>9}"
        )
        bare = {level["concurrency"]: level for level in load["levels"]["bare"]}
        for name in ("project", "bare"):
            for level in load["levels"][name]:
                ratio = level["p95_ms"] / bare[level["concurrency"]]["p95_ms"] if name == "project" else 1.0
                print(
                    f"{name:<8} {level['concurrency']:>8} {level['sent']:>5} {level['errors']:>6} "
                    f"{level['p50_ms']:>7.0f} {level['p95_ms']:>7.0f} {level['p99_ms']:>7.0f} "
                    f"{level['messages_per_second']:>6.1f} {ratio:>9.2f}"
                )
        print(f"\none conversation of {LONG_CONVERSATION_TURNS} turns, p50 of its first and last 10 turns")
        for name, long in load["long_conversation"].items():
            print(
                f"{name:<8} first 10 {long['first_p50_ms']:>5.0f} ms, last 10 {long['last_p50_ms']:>5.0f} ms "
                f"({long['ratio']:.1f}x), {long['errors']} errors"
            )
        memory = load["peak_rss_mb"]
        print(
            f"\npeak RSS: project Rasa {memory['project']:.0f} MB, action server {memory['actions']:.0f} MB, "
            f"bare Rasa {memory['bare']:.0f} MB"
        )
        print(
            f"start to first answer: project {load['project_start_to_first_answer_s']:.1f} s "
            f"(action server /health {load['action_server_start_to_health_s']:.1f} s), "
            f"bare {load['bare_start_to_first_answer_s']:.1f} s"
        )
    train = report.get("training") or {}
    if "train_after_one_line_nlu_change_s" in train:
        print(
            f"\nrasa train: from scratch {train['train_from_scratch_s']:.0f} s, after a one-line NLU change "
            f"{train['train_after_one_line_nlu_change_s']:.0f} s"
            + (
                f"; default pipeline NLU-only {train['default_pipeline_nlu_train_s']:.0f} s"
                if "default_pipeline_nlu_train_s" in train
                else ""
            )
        )
    if "accuracy_default_pipeline" in train:
        print(
            f"held-out intent accuracy ({train['held_out_examples']} examples): project pipeline "
            f"{train['accuracy_project_pipeline']:.1%}, Rasa default pipeline {train['accuracy_default_pipeline']:.1%}"
        )
    print("\ntargets")
    for check in report["targets"]:
        print(f"  [{'met' if check['met'] else 'MISSED'}] {check['target']}: {check['value']}")
    print(f"\nmachine: {report['machine']['cores']} cores; load at start: {report['machine']['uptime_start']}")
    print(f"                    load at end:   {report['machine']['uptime_end']}")


def plot(report: dict, path: Path) -> None:
    """Latency percentiles against concurrency for both bots (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    styles = {
        "project": ("tab:blue", "-", "aftercare (pipeline + actions)"),
        "bare": ("tab:gray", "--", "bare rasa init"),
    }
    for name, (colour, line, label) in styles.items():
        levels = report["load"]["levels"][name]
        x = [level["concurrency"] for level in levels]
        for percentile, marker in (("p50", "o"), ("p95", "s"), ("p99", "^")):
            axis.plot(
                x,
                [level[f"{percentile}_ms"] for level in levels],
                line,
                color=colour,
                marker=marker,
                label=f"{label} {percentile}",
            )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks([level["concurrency"] for level in report["load"]["levels"]["project"]])
    axis.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
    axis.set_xlabel("concurrent patients")
    axis.set_ylabel("REST round trip (ms)")
    axis.set_title(f"Reply latency vs concurrency ({report['settings']['messages_per_level']} messages per level)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=7, ncol=2)
    figure.text(
        0.01,
        0.01,
        f"load: {report['machine']['uptime_start'].split('load average:')[-1].strip()}",
        fontsize=7,
        color="gray",
    )
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=200, help="messages per concurrency level (default 200)")
    parser.add_argument("--levels", default="1,10,50", help="concurrent patients per level (default 1,10,50)")
    parser.add_argument("--time-limit", type=float, default=240, help="seconds at most per level (default 240)")
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]

    args.out.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "machine": {"cores": os.cpu_count(), "uptime_start": load_average()},
        "settings": {"messages_per_level": args.messages, "levels": levels, "time_limit_s": args.time_limit},
    }
    say(f"benchmark starting; {report['machine']['uptime_start']}")
    log_dir = args.out / "bench_logs"
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-") as temporary:
        work = Path(temporary)
        log_dir.mkdir(exist_ok=True)
        for old_log in log_dir.glob("*.log"):
            old_log.unlink()
        say(f"working in {work}; logs in {log_dir}")
        phases = []
        if not args.skip_load:
            phases.append(("load", lambda: measure_load(work, log_dir, levels, args.messages, args.time_limit)))
        if not args.skip_training:
            phases.append(("training", lambda: measure_training(work, log_dir, report.setdefault("training", {}))))
        for name, measure in phases:
            try:
                report[name] = measure()
            except Exception as error:  # noqa: BLE001 - one failed phase must not lose the others' figures
                say(f"the {name} phase failed: {error}")
                report.setdefault("failed", {})[name] = str(error)[-2000:]
    report["machine"]["uptime_end"] = load_average()
    report["targets"] = targets(report)
    (args.out / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if "load" in report:
        plot(report, args.out / "bench_latency.png")
    print_table(report)
    say(f"wrote {args.out / 'bench.json'}" + (f" and {args.out / 'bench_latency.png'}" if "load" in report else ""))
    if report.get("failed"):
        say(f"FAILED phases: {', '.join(report['failed'])} (see {log_dir})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
