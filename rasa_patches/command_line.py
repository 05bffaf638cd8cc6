"""Two start-up habits of Rasa 3.6's command line that scripts/rasa_cli.py changes before Rasa runs a command.

- `rasa.utils.common._filter_warnings`: Rasa sets its own warning filters when a command starts; the function given
  to `after_rasa_sets_warning_filters` runs right after (scripts/rasa_cli.py puts its deprecation filters back).
- `rasa.utils.io.configure_colored_logging`: Rasa puts a coloured handler on the terminal; `set_log_level_only`
  makes it only set the level, so that log lines go where the process already sends them (`make shell`'s log file).

Rasa is imported inside each function: the caller decides when, since Rasa's imports are what print the warnings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable


def after_rasa_sets_warning_filters(then: Callable[[], None]) -> None:
    """Runs `then` each time Rasa has set its warning filters."""
    import rasa.utils.common

    set_rasa_filters = rasa.utils.common._filter_warnings

    def set_filters_then(*args: object, **kwargs: object) -> None:
        set_rasa_filters(*args, **kwargs)
        then()

    rasa.utils.common._filter_warnings = set_filters_then


def set_log_level_only(root: logging.Logger) -> None:
    """Rasa's logging set-up only sets `root`'s level (from the command's option, else Rasa's) and adds no handler."""
    import rasa.utils.io

    def set_level_only(loglevel: object) -> None:  # instead of Rasa's coloured handler on the terminal
        root.setLevel(loglevel or logging.getLevelName(logging.getLogger("rasa").getEffectiveLevel()))

    rasa.utils.io.configure_colored_logging = set_level_only
