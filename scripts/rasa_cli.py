"""Runs a `rasa` command as the `rasa` executable does, without the flood of dependency DeprecationWarnings.

    .venv/bin/python -m scripts.rasa_cli shell --model models/aftercare.tar.gz   (what `make shell` runs)

Python and PYTHONWARNINGS=ignore (the Makefile's) keep DeprecationWarnings off, but importing Rasa's Telegram channel
(aiogram) switches them on for the whole process, and Rasa then asks for every UserWarning once, which includes
pyparsing's deprecations. pkg_resources, matplotlib, TensorFlow and sanic-cors then print a dozen warnings at every
start that nobody here can act on and that hide the lines that matter. Unless warnings were asked for (python -W or
PYTHONWARNINGS other than ignore), they are switched off again once Rasa has set its own filters; Rasa's own
warnings (UserWarning about the training data, for example) are untouched.
"""

from __future__ import annotations

import sys
import warnings

DEPRECATIONS = (DeprecationWarning, PendingDeprecationWarning)


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

    import rasa.utils.common

    set_rasa_filters = rasa.utils.common._filter_warnings

    def then_ignore_deprecations(*args: object, **kwargs: object) -> None:
        set_rasa_filters(*args, **kwargs)
        ignore_deprecations()

    rasa.utils.common._filter_warnings = then_ignore_deprecations
    ignore_deprecations()


def main() -> None:
    """`rasa` with this process's arguments."""
    quiet_dependency_deprecations()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
