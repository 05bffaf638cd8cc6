"""Signing in against a real console: the lockout holds under parallel guesses, refusals reveal no account, each
client address has a limit, and the audit log keeps every entry reachable."""

from __future__ import annotations

import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from aftercare.staff.security import MAX_FAILED_SIGN_INS, SIGN_IN_ATTEMPTS_PER_ADDRESS
from storage.passwords import hash_password
from tests.processes.console.client import Answer, Browser
from tests.processes.console.conftest import EMAIL, PASSWORD, WARNING

GUESSES = 30


def actions_of(store, email: str) -> list[str]:
    return [entry["action"] for entry in store.audit_entries(limit=100_000) if entry["staff_email"] == email]


def test_thirty_simultaneous_wrong_passwords_check_five_and_lock_the_account(console):
    store, email = console["store"], "parallel@example.org"
    store.save_account(email, "Para Lel", hash_password(PASSWORD))
    # One client address per guess, so that only the account's lockout stands in the way.
    browsers = [Browser(console["url"], address=f"127.0.1.{guess + 1}") for guess in range(GUESSES)]
    tokens = [browser.get("/sign-in").csrf() for browser in browsers]
    start = threading.Barrier(GUESSES)

    def guess(number: int) -> Answer:
        start.wait()
        form = {"csrf_token": tokens[number], "email": email, "password": f"wrong-guess-{number}"}
        return browsers[number].post("/sign-in", form)

    with ThreadPoolExecutor(GUESSES) as pool:
        answers = list(pool.map(guess, range(GUESSES)))
    assert [answer.status for answer in answers] == [401] * GUESSES
    assert actions_of(store, email).count("sign_in_failed") == MAX_FAILED_SIGN_INS  # the others were not checked
    late = Browser(console["url"], address="127.0.1.200").sign_in(email, PASSWORD)
    assert late.status == 401 and not any(cookie.startswith("aftercare_console=") for cookie in late.cookies)


def test_a_locked_account_an_unknown_email_and_a_wrong_password_get_the_same_answer(console):
    store = console["store"]
    store.save_account("locked-same@example.org", "Lock Same", hash_password(PASSWORD))
    store.save_account("wrong-same@example.org", "Wrong Same", hash_password(PASSWORD))
    browser = Browser(console["url"], address="127.0.2.1")
    for attempt in range(MAX_FAILED_SIGN_INS):
        browser.sign_in("locked-same@example.org", f"wrong-{attempt}")

    token = browser.get("/sign-in").csrf()

    def answer(email: str, password: str) -> tuple[int, str]:
        given = browser.post("/sign-in", {"csrf_token": token, "email": email, "password": password})
        return given.status, given.body.replace(email, "EMAIL")

    locked = answer("locked-same@example.org", PASSWORD)
    assert locked[0] == 401 and "Wrong email or password" in locked[1]
    assert answer("nobody-same@example.org", PASSWORD) == locked
    assert answer("wrong-same@example.org", "not-the-password") == locked


def test_a_client_address_with_too_many_sign_in_attempts_is_refused_while_others_sign_in(console):
    busy = Browser(console["url"], address="127.0.3.1")
    for attempt in range(SIGN_IN_ATTEMPTS_PER_ADDRESS):
        assert busy.sign_in(f"guess-{attempt}@example.org", "not-the-password").status == 401
    refused = busy.sign_in(EMAIL, PASSWORD)
    assert refused.status == 429 and "Too many sign-in attempts" in refused.body
    assert busy.get("/").location == "/sign-in"
    assert Browser(console["url"], address="127.0.3.2").sign_in(EMAIL, PASSWORD).status == 303


def test_signing_in_successfully_uses_up_no_attempts(console):
    for _ in range(SIGN_IN_ATTEMPTS_PER_ADDRESS + 1):
        assert Browser(console["url"], address="127.0.3.3").sign_in(EMAIL, PASSWORD).status == 303


def audit_rows(page: str) -> list[str]:
    """The "what" column of each row of an audit page."""
    return re.findall(r"<tr[^>]*>\s*<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", page)


def test_the_audit_log_pages_through_every_entry_and_filters_by_kind(console, signed_in):
    store = console["store"]
    signed_in.get(f"/conversations/{WARNING}")  # a staff entry, then a flood of anonymous failed sign-ins
    for _ in range(205):
        store.audit("sign_in_failed", "-")
    total = len(store.audit_entries(limit=100_000))

    seen, path = [], "/audit"
    while path:
        page = signed_in.get(path)
        assert page.status == 200
        seen += audit_rows(page.body)
        older = re.search(r'href="([^"]+)"[^>]*>Older entries', page.body)
        path = html.unescape(older.group(1)) if older else ""
    assert len(seen) == total and "open" in seen

    opened = signed_in.get("/audit?kind=open").body
    assert audit_rows(opened) and set(audit_rows(opened)) == {"open"}
    assert set(audit_rows(signed_in.get("/audit?kind=sign_in_failed").body)) == {"sign in failed"}
