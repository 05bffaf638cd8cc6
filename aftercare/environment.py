"""Reading settings from the environment: their defaults, and one meaning of a yes/no flag and of a port.

The defaults live in `defaults.env` beside this file (also read by the Makefile and scripts/serve.sh). A wrong value
is a SettingError naming the variable, so a server refuses to start instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path

DEFAULTS_FILE = Path(__file__).with_name("defaults.env")
_LINE = re.compile(r"^(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>\S*)$")


def read_defaults(path: Path = DEFAULTS_FILE) -> dict[str, str]:
    """The NAME=value lines of a defaults file (comments and blank lines skipped); ValueError on any other line."""
    defaults = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"{path}:{number}: expected NAME=value with no spaces, not {line!r}")
        defaults[match["name"]] = match["value"]
    return defaults


DEFAULTS = read_defaults()
# The settings that keep Rasa, TensorFlow and SQLAlchemy quiet and telemetry off, for every process started.
QUIET = {
    name: DEFAULTS[name]
    for name in ("RASA_TELEMETRY_ENABLED", "SQLALCHEMY_SILENCE_UBER_WARNING", "TF_CPP_MIN_LOG_LEVEL", "PYTHONWARNINGS")
}


def apply_defaults(environ: MutableMapping[str, str]) -> None:
    """Fills every unset (or empty) setting of `environ` from defaults.env."""
    for name, value in DEFAULTS.items():
        if not environ.get(name, "").strip():
            environ[name] = value


def action_server_url(environ: Mapping[str, str]) -> str:
    """The action server's webhook on this machine, at ACTION_PORT."""
    return f"http://localhost:{environ.get('ACTION_PORT', '').strip() or DEFAULTS['ACTION_PORT']}/webhook"


TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class SettingError(ValueError):
    """An environment variable has a value the server must not start with; the message names it."""


def read_flag(environ: Mapping[str, str], name: str, default: bool = False) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off (any case); `default` when unset or empty."""
    value = environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in TRUE + FALSE:
        raise SettingError(f"{name} must be 1 or 0, not {environ[name]!r}")
    return value in TRUE


def read_port(environ: Mapping[str, str], name: str, default: int) -> int:
    """A TCP port number (1-65535); `default` when unset or empty."""
    text = environ.get(name, "").strip() or str(default)
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise SettingError(f"{name} must be a port number, not {text!r}")
    return int(text)
