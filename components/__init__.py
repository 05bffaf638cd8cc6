"""Rasa graph components wrapping aftercare's parsers.

Rasa imports its channels before it loads these components, and one of them (aiogram, for Telegram) switches
DeprecationWarnings back on for the whole process. spaCy, which the parsers use, then prints a dozen warnings from
its own dependencies (typer, click, pkg_resources, pyparsing) at every start-up: noise nobody here can act on, which
hides the lines that matter. spaCy is imported once here with those warnings off; later warnings are untouched.
"""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    import spacy  # noqa: F401
