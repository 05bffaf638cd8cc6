"""Settings for every test in this folder, applied before any test module imports the actions."""

import os

# The unit tests' actions store no alert for the staff console unless a test opens an outbox of its own, so that
# importing actions.actions writes nothing into the working directory's conversations.db.
os.environ.setdefault("CONSOLE_ALERTS", "0")
