"""The staff console's domain: who may sign in, which conversations need a person, and handoffs.

- security.py: password policy and hashing (argon2), the lockout rule, session tokens and CSRF tokens;
- inbox.py: which conversations staff see, in which order and with which status, and their transcripts;
- store.py: the console's tables in the conversations' database (accounts, sessions, audit log, handoffs, staff
  replies), read and written by the console, the actions (is a person with this patient?) and the socket.io
  channel (which staff replies to deliver).
"""
