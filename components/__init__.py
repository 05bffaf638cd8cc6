"""Rasa graph components wrapping aftercare's parsers; loading them also readies Rasa's terminal.

The model's components are the only project code a plain `rasa shell` loads, so this is where the terminal learns to
show quick replies as text the patient types (rasa_patches/terminal.py).
"""

from rasa_patches.terminal import use_typed_quick_replies

use_typed_quick_replies()
