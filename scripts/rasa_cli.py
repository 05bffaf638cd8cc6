"""Runs a `rasa` command as the `rasa` executable does, without the flood of dependency DeprecationWarnings.

    .venv/bin/python -m scripts.rasa_cli shell --model models/aftercare.tar.gz   (what `make shell` runs)

Python and PYTHONWARNINGS=ignore (the Makefile's) keep DeprecationWarnings off, but importing Rasa's Telegram channel
(aiogram) switches them on for the whole process, and Rasa then asks for every UserWarning once, which includes
pyparsing's deprecations. pkg_resources, matplotlib, TensorFlow and sanic-cors then print a dozen warnings at every
start that nobody here can act on and that hide the lines that matter. Unless warnings were asked for (python -W or
PYTHONWARNINGS other than ignore), they are switched off again once Rasa has set its own filters; Rasa's own
warnings (UserWarning about the training data, for example) are untouched.

`shell --log-file PATH` (what `make shell` runs) keeps the terminal for the conversation: every log line and warning
of the process goes to PATH instead of the terminal, from before Rasa is imported. (Rasa's own --log-file copies the
log lines into the file and still prints them.)
"""

from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path

from rasa_patches.command_line import after_rasa_sets_warning_filters, set_log_level_only

DEPRECATIONS = (DeprecationWarning, PendingDeprecationWarning)
LOG_FILE_OPTION = "--log-file"
LOG_FORMAT = "%(asctime)s %(levelname)-8s %(name)s  - %(message)s"  # Rasa's


def ignore_deprecations() -> None:
    """Puts 'ignore' filters for deprecations ahead of every other filter."""
    for category in DEPRECATIONS:
        warnings.filterwarnings("ignore", category=category)


def quiet_dependency_deprecations() -> None:
    """Keeps dependency deprecations quiet in this process, unless python -W or PYTHONWARNINGS asked for them."""
    if not all(option.startswith("ignore") for option in sys.warnoptions):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import rasa.core.channels  # noqa: F401 - the import that switches them on

    after_rasa_sets_warning_filters(then=ignore_deprecations)
    ignore_deprecations()


def take_log_file(arguments: list[str]) -> tuple[list[str], Path | None]:
    """For `shell`: the arguments without --log-file PATH, and PATH (None when not given or another command)."""
    if arguments[:1] != ["shell"]:
        return arguments, None
    for index, argument in enumerate(arguments):
        if argument == LOG_FILE_OPTION and index + 1 < len(arguments):
            return arguments[:index] + arguments[index + 2 :], Path(arguments[index + 1])
        if argument.startswith(LOG_FILE_OPTION + "="):
            return arguments[:index] + arguments[index + 1 :], Path(argument.split("=", 1)[1])
    return arguments, None


def log_only_to(path: Path) -> None:
    """Sends every log line and Python warning of this process to `path`, none to the terminal."""
    from aftercare import log_redaction

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    log_redaction.install()  # also routes warnings through logging

    set_log_level_only(root)


def main() -> None:
    """`rasa` with this process's arguments."""
    arguments, log_file = take_log_file(sys.argv[1:])
    if log_file is not None:
        log_only_to(log_file)
    quiet_dependency_deprecations()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]
    rasa_main()


if __name__ == "__main__":
    main()
