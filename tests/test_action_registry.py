"""The action server registers exactly the custom actions domain.yml names (rasa-sdk's own discovery)."""

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor


def test_every_domain_action_is_registered_and_nothing_else():
    executor = ActionExecutor()
    executor.register_package("actions")  # raises on an action class that has no name
    domain = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))
    assert set(executor.actions) == set(domain["actions"])
