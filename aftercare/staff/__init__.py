"""The staff console's domain: who may sign in, which conversations need a person, and handoffs.

- security.py: password policy, the lockout rule, session tokens and CSRF tokens (the argon2 hashes are
  storage/passwords.py's);
- inbox.py: which conversations staff see, in which order and with which status, and their transcripts;
- links.py: a conversation's console path.

The console's tables (accounts, sessions, audit log, handoffs, staff replies) are storage/staff_store.py's.
"""
