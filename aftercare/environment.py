"""Reading settings from the environment: one meaning of a yes/no flag and of a port, for every server.

A wrong value is a SettingError naming the variable, so a server refuses to start instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping

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
