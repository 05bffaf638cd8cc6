"""Creates a staff account, or gives an existing one a new name and password (and unlocks it).

    STAFF_EMAIL=nurse@example.org STAFF_NAME="Nurse Jo" python -m console.accounts

`make staff-account EMAIL=... NAME=...` runs this with EMAIL and NAME passed through the environment as typed.
The password comes from STAFF_PASSWORD, else it is asked for twice on the terminal (never echoed); it must
meet the policy in aftercare/staff/security.py. Any open sessions of a reset account end.
"""

from __future__ import annotations

import getpass
import os
import sys

from aftercare.staff.security import PasswordPolicyError, check_password_policy
from storage.database import database_url
from storage.passwords import hash_password
from storage.staff_store import StaffStore, connect

MAX_NAME_CHARACTERS = 100


def read_password(email: str, name: str) -> str:
    """STAFF_PASSWORD, or the password typed twice on the terminal."""
    password = os.environ.get("STAFF_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise SystemExit("Set STAFF_PASSWORD, or run this on a terminal to type the password.")
    first = getpass.getpass(f"Password for {email}: ")
    if getpass.getpass("The same password again: ") != first:
        raise SystemExit("The two passwords differ: nothing was changed.")
    return first


def main() -> int:
    email = os.environ.get("STAFF_EMAIL", "").strip()
    name = " ".join(os.environ.get("STAFF_NAME", "").split())
    local, _, domain = email.partition("@")
    if not local or "." not in domain or any(character.isspace() for character in email):
        print(
            "Give the staff member's email address: make staff-account EMAIL=nurse@example.org NAME=...",
            file=sys.stderr,
        )
        return 2
    if not name or len(name) > MAX_NAME_CHARACTERS:
        print(f'Give the name patients will see (1-{MAX_NAME_CHARACTERS} characters): NAME="Nurse Jo"', file=sys.stderr)
        return 2
    password = read_password(email, name)
    try:
        check_password_policy(password, email, name)
    except PasswordPolicyError as error:
        print(f"Refused: {error}. Nothing was changed.", file=sys.stderr)
        return 2
    store = StaffStore(connect(database_url(os.environ)))
    created = store.save_account(email, name, hash_password(password))
    print(f"{'Created' if created else 'Updated'} the staff account {email.lower()} ({name}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
