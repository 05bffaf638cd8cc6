"""The staff console, served for real: sign-in, lockout, sessions, CSRF, the inbox, a conversation, replies."""

from __future__ import annotations

import re

import pytest

from storage.passwords import hash_password
from storage.staff_store import sessions
from tests.processes.console.client import Browser
from tests.processes.console.conftest import CALLBACK, EMAIL, EMERGENCY, NAME, PASSWORD, WARNING, add_event

PAGES = ["/", "/audit", f"/conversations/{WARNING}"]
FRAGMENTS = ["/inbox/rows", f"/conversations/{WARNING}/messages"]
FORMS = [f"/conversations/{WARNING}/reply", f"/conversations/{WARNING}/return", f"/conversations/{WARNING}/handled"]


def test_the_sign_in_form_has_labelled_fields_and_a_sign_in_button(browser):
    page = browser.get("/sign-in").body
    assert '<label for="email">Email</label>' in page and '<label for="password">Password</label>' in page
    assert '<button type="submit">Sign in</button>' in page


@pytest.mark.parametrize("path", PAGES)
def test_every_page_without_a_session_goes_to_sign_in_and_shows_nothing(browser, path):
    answer = browser.get(path)
    assert (answer.status, answer.location) == (303, "/sign-in")
    assert "crust" not in answer.body and "Anna" not in answer.body


@pytest.mark.parametrize("path", FRAGMENTS)
def test_every_live_update_without_a_session_is_refused(browser, path):
    answer = browser.get(path)
    assert answer.status == 401 and "crust" not in answer.body and "Anna" not in answer.body


@pytest.mark.parametrize("path", [*FORMS, "/sign-out"])
def test_every_form_post_without_a_session_is_refused(console, browser, path):
    answer = browser.post(path, {"csrf_token": "0" * 64, "text": "hello", "note": ""})
    assert answer.status == 401
    assert console["store"].replies_for(WARNING) == []


def test_a_forged_session_cookie_is_refused(browser):
    answer = browser.get("/", headers={"Cookie": "aftercare_console=" + "A" * 43})
    assert (answer.status, answer.location) == (303, "/sign-in")


def test_a_wrong_password_is_refused(browser):
    answer = browser.sign_in(EMAIL, "not-the-password")
    assert answer.status == 401 and "Wrong email or password." in answer.body
    assert not any(cookie.startswith("aftercare_console=") and "=;" not in cookie for cookie in answer.cookies)
    assert browser.sign_in("nobody@example.org", PASSWORD).status == 401


def test_five_failures_lock_the_account_for_15_minutes_even_for_the_right_password(console):
    store = console["store"]
    store.save_account("locked@example.org", "Locked Lee", hash_password(PASSWORD))
    browser = Browser(console["url"], address="127.0.4.1")
    statuses = [browser.sign_in("locked@example.org", f"wrong-{attempt}").status for attempt in range(5)]
    assert statuses == [401, 401, 401, 401, 401]
    answer = browser.sign_in("locked@example.org", PASSWORD)
    assert answer.status == 401 and "an account is locked for 15 minutes" in answer.body
    assert browser.get("/").location == "/sign-in"
    actions = [entry["action"] for entry in store.audit_entries() if entry["staff_email"] == "locked@example.org"]
    assert actions[:2] == ["sign_in_locked", "sign_in_failed"] and actions.count("sign_in_failed") == 5


def test_the_session_cookie_is_httponly_and_samesite_strict_and_secure_behind_tls(console):
    plain = Browser(console["url"]).sign_in(EMAIL, PASSWORD)
    (cookie,) = [cookie for cookie in plain.cookies if cookie.startswith("aftercare_console=")]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    token = re.match(r"aftercare_console=([^;]+)", cookie).group(1)
    assert len(token) >= 43  # 32 random bytes
    behind_tls = Browser(console["url"]).sign_in(EMAIL, PASSWORD, headers={"X-Forwarded-Proto": "https"})
    (cookie,) = [cookie for cookie in behind_tls.cookies if cookie.startswith("aftercare_console=")]
    assert "Secure" in cookie


def test_a_form_post_without_the_csrf_token_is_refused(console, signed_in):
    for form in ({"text": "hello"}, {"text": "hello", "csrf_token": "f" * 64}):
        assert signed_in.post(f"/conversations/{WARNING}/reply", form).status == 403
    assert signed_in.post(f"/conversations/{WARNING}/handled", {"note": "x"}).status == 403
    assert console["store"].replies_for(WARNING) == []
    fresh = Browser(console["url"])
    fresh.get("/sign-in")
    assert fresh.post("/sign-in", {"email": EMAIL, "password": PASSWORD}).status == 403


def test_the_inbox_lists_emergencies_first_then_the_newest_with_callback_details(signed_in):
    page = signed_in.get("/").body
    order = re.findall(r'data-conversation="([^"]+)"', page)
    assert order[:3] == [EMERGENCY, CALLBACK, WARNING]
    row = page[page.index(f'data-conversation="{CALLBACK}"') :]
    assert "Anna, 555 010 2030 (after 5pm)" in row[: row.index("</tr>")]
    warning = page[page.index(f'data-conversation="{WARNING}"') :]
    warning = warning[: warning.index("</tr>")]
    assert "Warning sign" in warning and "10 min ago" in warning and ">new<" in warning.replace("<td>new", ">new<")
    assert "day " in warning  # days since the procedure
    assert signed_in.get("/inbox/rows").body.count("<tr") == page.count("<tr") - 1  # the rows, without the header


def test_a_conversation_shows_the_transcript_and_a_reply_and_handled_update_it(console, signed_in):
    store = console["store"]
    page = signed_in.get(f"/conversations/{WARNING}")
    assert page.status == 200
    assert "there is yellow crust on my cheek" in page.body and "What you describe is a warning sign." in page.body
    assert '<label for="reply">Reply to patient</label>' in page.body and ">Send reply</button>" in page.body
    assert ">Mark handled</button>" in page.body and "Fri 27 Nov, 09:00" in page.body  # 14:00 UTC in New York

    answer = signed_in.post(f"/conversations/{WARNING}/reply", {"csrf_token": page.csrf(), "text": "Hello, Jo here."})
    assert answer.status == 303
    (reply,) = store.replies_for(WARNING)
    assert (reply.text, reply.staff_name, reply.delivered_at) == ("Hello, Jo here.", NAME, None)
    assert store.person_is_answering(WARNING) is not None
    assert "Not delivered yet" in signed_in.get(f"/conversations/{WARNING}/messages").body
    assert ">Return to assistant</button>" in signed_in.get(f"/conversations/{WARNING}").body

    add_event(console["database"], WARNING, "user", text="thank you, it is spreading")
    assert "thank you, it is spreading" in signed_in.get(f"/conversations/{WARNING}/messages").body

    rows = signed_in.get("/inbox/rows").body
    assert "in progress · Nurse Jo answering" in rows[rows.index(WARNING) - 600 :]
    answer = signed_in.post(f"/conversations/{WARNING}/handled", {"csrf_token": page.csrf(), "note": "called her"})
    assert (answer.status, answer.location) == (303, "/")
    assert store.person_is_answering(WARNING) is None
    assert store.handoff(WARNING).note == "called her"
    actions = [(entry["action"], entry["conversation_id"]) for entry in store.audit_entries(WARNING)]
    # Newest first: opened, replied, opened again (the page after the reply), closed.
    assert actions[:4] == [("handled", WARNING), ("open", WARNING), ("reply", WARNING), ("open", WARNING)]


def test_return_to_assistant_ends_the_handoff_and_keeps_the_conversation_in_progress(console, signed_in):
    store = console["store"]
    page = signed_in.get(f"/conversations/{CALLBACK}")
    assert signed_in.post(f"/conversations/{CALLBACK}/reply", {"csrf_token": page.csrf(), "text": "Hi"}).status == 303
    assert store.person_is_answering(CALLBACK) is not None
    assert signed_in.post(f"/conversations/{CALLBACK}/return", {"csrf_token": page.csrf()}).status == 303
    assert store.person_is_answering(CALLBACK) is None
    rows = signed_in.get("/inbox/rows").body
    row = rows[rows.index(f'data-conversation="{CALLBACK}"') :]
    assert "<td>in progress</td>" in row[: row.index("</tr>")]
    assert store.audit_entries(CALLBACK)[0]["action"] == "return_to_assistant"


def test_conversations_without_an_alert_are_not_shown(signed_in):
    assert signed_in.get("/conversations/someone-else").status == 404
    assert signed_in.get("/conversations/someone-else/messages").status == 404


def test_sign_out_ends_the_session(console):
    browser = Browser(console["url"])
    browser.sign_in(EMAIL, PASSWORD)
    page = browser.get("/")
    assert browser.post("/sign-out", {"csrf_token": page.csrf()}).status == 303
    assert browser.get("/").location == "/sign-in"


def test_the_console_log_holds_no_patient_or_staff_words(console, signed_in):
    page = signed_in.get(f"/conversations/{WARNING}")
    signed_in.post(f"/conversations/{WARNING}/reply", {"csrf_token": page.csrf(), "text": "zebrafinch advice"})
    log = console["log"].read_text()
    assert "zebrafinch" not in log and "crust" not in log and PASSWORD not in log


def test_polling_keeps_no_idle_session_open_but_a_staff_action_does(console):
    store, url = console["store"], console["url"]

    def account_browser(email: str) -> tuple[Browser, int]:
        store.save_account(email, "Idle Ida", hash_password(PASSWORD))
        browser = Browser(url)
        assert browser.sign_in(email, PASSWORD).status == 303
        return browser, store.account_by_email(email).id

    def minutes_pass(staff_id: int, minutes: int) -> None:
        shift = minutes * 60
        with store.engine.begin() as connection:
            connection.execute(
                sessions.update()
                .where(sessions.c.staff_id == staff_id)
                .values(created_at=sessions.c.created_at - shift, last_seen_at=sessions.c.last_seen_at - shift)
            )

    polling, staff_id = account_browser("idle-poll@example.org")
    minutes_pass(staff_id, 59)
    assert polling.get("/inbox/rows").status == 200 and polling.get(f"/conversations/{WARNING}/messages").status == 200
    minutes_pass(staff_id, 2)
    assert polling.get("/inbox/rows").status == 401
    assert polling.get("/").location == "/sign-in"

    working, staff_id = account_browser("idle-work@example.org")
    minutes_pass(staff_id, 59)
    assert working.get("/").status == 200
    minutes_pass(staff_id, 2)
    assert working.get("/inbox/rows").status == 200


@pytest.mark.parametrize(
    "path", ["/static/", "/static/%00", "/static/console.js%00", "/%00", "/conversations/%00", "/static/..%2Fapp.py"]
)
def test_a_path_that_names_no_file_or_page_answers_404(signed_in, path):
    assert signed_in.get(path).status == 404


def test_the_console_script_and_style_are_served(browser):
    script = browser.get("/static/console.js")
    assert script.status == 200 and "javascript" in script.headers["content-type"] and "data-refresh" in script.body
    assert browser.get("/static/console.css").headers["content-type"].startswith("text/css")
