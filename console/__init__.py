"""The staff console: clinic staff see escalated conversations, answer the patient as a person, and close them.

    python -m console                     serves it (CONSOLE_HOST 127.0.0.1, CONSOLE_PORT 8090)
    python -m console.accounts            creates or resets a staff account (make staff-account)

A Sanic app with Jinja2 templates and a little plain JavaScript that polls for new conversations and messages.
It reads the alert outbox and Rasa's `events` table in TRACKER_STORE_URL and keeps its own tables there
(storage/staff_store.py); the decisions (passwords, lockout, CSRF, inbox order, handoff status) are in
aftercare/staff/.
"""
