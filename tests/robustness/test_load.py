"""A small version of `make loadtest`: concurrent patients, zero errors and zero lost turns."""

from __future__ import annotations

import asyncio

from scripts.loadtest import run_load


def test_ten_patients_five_turns_each_lose_nothing(servers):
    report = asyncio.run(
        run_load(
            servers.url, f"sqlite:///{servers.database}", patients=10, turns=5, concurrency=5, time_limit=120, seed=7
        )
    )
    print("\n" + report.describe())
    assert report.turns_sent == 50
    assert report.errors == 0, report.error_samples
    assert report.lost_turns == 0 and report.out_of_order == 0
    assert report.escalations_recorded == report.escalation_patients and report.unanswered_escalations == 0
    assert report.passed
