"""Every change this project makes to Rasa's internals, each in a module named for what it changes.

- action_guard.py replaces `RemoteAction.run` and `RemoteAction._validate_action_result`: a bounded wait for the
  action server, the clinic's safe reply when a custom action fails, the answers' schema compiled once;
- long_conversations.py replaces `Event.resolve_by_type`, `SQLTrackerStore._retrieve` and
  `RemoteAction._action_call_format`: three costs that grow with a conversation's length;
- http_app.py replaces `rasa.server.add_root_route`: one body limit, and a root route that does not tell Rasa's version;
- terminal.py replaces `_print_bot_output` and `_get_user_input` of `rasa.core.channels.console`: quick replies the
  patient types in `rasa shell`;
- command_line.py replaces `rasa.utils.common._filter_warnings` and `rasa.utils.io.configure_colored_logging` for
  scripts/rasa_cli.py: no dependency deprecations, and `make shell`'s log lines only in its log file.

Each replaces private code of Rasa 3.6, which another Rasa version may have changed or removed. Importing any of
them first runs this package's `check_rasa_version` (which imports no Rasa), so that a server, `rasa shell` or
`rasa train` on another version refuses to start, saying which version is installed and which one is needed, instead
of running half-patched. `install_server_patches` is what the channels call when the Rasa server starts; the
terminal's patch is installed by components/__init__.py.
"""

from __future__ import annotations

from importlib import metadata

SUPPORTED_RASA = "3.6"


class UnsupportedRasaVersion(RuntimeError):
    """The installed Rasa is not the version the patches were written for."""


def check_rasa_version(installed: str | None = None) -> None:
    """Raises UnsupportedRasaVersion unless `installed` (default: the installed Rasa's version) is 3.6.x."""
    version = metadata.version("rasa") if installed is None else installed
    if version.split(".")[:2] != SUPPORTED_RASA.split("."):
        raise UnsupportedRasaVersion(
            f"Refusing to start: Rasa {version} is installed, but this project patches Rasa {SUPPORTED_RASA}'s "
            f"internals (rasa_patches/) and runs only on Rasa {SUPPORTED_RASA}.x. Install the pinned version "
            "(requirements.txt) with `make install`."
        )


def install_server_patches(action_timeout: float) -> None:
    """Installs the Rasa server's patches (action guard, long conversations, HTTP app), once per process."""
    from rasa_patches import action_guard, http_app, long_conversations

    action_guard.install(action_timeout)
    long_conversations.install()
    http_app.install()


# Before any patch module is imported: they import Rasa 3.6 internals that another version may not have.
check_rasa_version()
