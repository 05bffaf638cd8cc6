"""The staff console's web app (Sanic, Jinja2 templates, console/static/console.js for live updates).

Every page but the sign-in form needs a session: a page redirects to /sign-in, a live-update fragment or a form
POST without one gets 401. Every form carries the session's CSRF token (the sign-in form a pre-session one) and
every POST is checked (403 without it). Pages are never cached and may not be framed; the CSP allows scripts
and styles from the console itself only. Nothing a patient or staff member wrote is logged.

A refused sign-in answers the same, whether the email is unknown, the password wrong or the account locked
(aftercare/staff/security.py has the lockout rule). Each client address has a limit of sign-in attempts; behind a
reverse proxy, set Sanic's SANIC_PROXIES_COUNT=1 (or SANIC_REAL_IP_HEADER) so that it counts the browser's address
and not the proxy's. Conversation links and routes follow aftercare/staff/links.py.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from aftercare import log_redaction
from aftercare.care_guide import load_care_guide
from aftercare.clinic import Clinic
from aftercare.enrolment_links import LinkError, link_expiry, link_token, read_unsubscribe_token
from aftercare.enrolment_request import EnrolmentRequest, FieldError, programme_length, read_enrolment_request
from aftercare.environment import SettingError
from aftercare.programme import Programme, clinic_programme
from aftercare.session_ids import SessionIds, load_secret, secret_file_for
from aftercare.staff import inbox as inbox_rules
from aftercare.staff.links import CONVERSATIONS, conversation_id_from_path, conversation_path
from aftercare.staff.security import (
    LOCKOUT_SECONDS,
    MAX_FAILED_SIGN_INS,
    AddressLimit,
    attempt_is_checked,
    csrf_is_valid,
    csrf_token,
    failure_locks,
    locked_until,
    new_session_token,
)
from aftercare.timestamps import format_timestamp, reference_now
from aftercare.yaml_files import read_yaml_mapping
from console.settings import ConsoleSettings, read_console_settings
from storage.database import database_url as conversations_database_url
from storage.enrolments import Enrolment, EnrolmentStore, IdempotencyConflict
from storage.enrolments import connect as connect_enrolments
from storage.passwords import hash_password, needs_rehash, verify_password
from storage.staff_store import (
    AUDIT_ACTIONS,
    MAX_NOTE_CHARACTERS,
    MAX_REPLY_CHARACTERS,
    Account,
    StaffStore,
    connect,
)

logger = logging.getLogger("console")

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "aftercare_console"
SIGN_IN_COOKIE = "aftercare_console_sign_in"  # the sign-in form's pre-session CSRF secret
MAX_BODY_BYTES = 64 * 1024
REFRESH_SECONDS = 2
AUDIT_PAGE_ENTRIES = 100
# The one answer to every refused sign-in: it must not tell an unknown email or a locked account from a typo.
SIGN_IN_REFUSED = (
    f"Wrong email or password. After {MAX_FAILED_SIGN_INS} failed sign-ins in a row an account is locked for "
    f"{LOCKOUT_SECONDS // 60} minutes."
)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

Handler = Callable[..., Awaitable[HTTPResponse]]
MAX_IDEMPOTENCY_KEY_CHARACTERS = 255
STOP_REASON_TEXTS = {
    "sms_stop": "replied STOP",
    "email_unsubscribe": "unsubscribed by email",
    "staff": "stopped by staff",
    "programme_ended": "programme ended",
}


def channels_of(enrolment: Enrolment) -> list[str]:
    """The channels an enrolment is reached on: "email", "sms" or both."""
    return [name for name, address in (("email", enrolment.email), ("sms", enrolment.mobile)) if address]


def next_message_due(
    programme: Programme, enrolment: Enrolment, now: datetime, history: list[tuple[str, str, datetime]]
) -> datetime | None:
    """When the patient's next scheduled message is due (None when stopped or when nothing is left to send)."""
    if enrolment.stopped_at is not None:
        return None
    message = programme.next_due(enrolment, now, {key for key, _, _ in history})
    return None if message is None else message.due_at


def load_link_secret(environ: dict[str, str] | None = None) -> bytes:
    """The secret that signs conversation ids (aftercare/session_ids.py), which also signs the patients' links."""
    environ = dict(os.environ if environ is None else environ)
    return load_secret(environ, secret_file_for(conversations_database_url(environ), HERE.parent))


def load_programme(clinic: Clinic) -> Programme:
    """The clinic's programme, from its care guide (whose topics are the list: the console answers no questions)."""
    topics = read_yaml_mapping(Path(clinic.care_guide)).get("topics") or {}
    return clinic_programme(clinic, load_care_guide(clinic.care_guide, topics))


def create_app(
    settings: ConsoleSettings,
    store: StaffStore | None = None,
    enrolment_store: EnrolmentStore | None = None,
    link_secret: bytes | None = None,
    current_time: Callable[[], datetime] = reference_now,
    name: str = "aftercare_console",
) -> Sanic:
    """The console app for one clinic and database; `current_time` is the clock (AFTERCARE_NOW fixes it)."""
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.FALLBACK_ERROR_FORMAT = "text"
    staff = store or StaffStore(connect(settings.database_url))
    enrolments = enrolment_store or EnrolmentStore(connect_enrolments(settings.database_url))
    secret = link_secret if link_secret is not None else load_link_secret()
    conversation_ids = SessionIds(secret)
    clinic = settings.clinic
    programme = load_programme(clinic)
    length = programme_length(programme.guide)
    zone = ZoneInfo(clinic.timezone)
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]), trim_blocks=True
    )

    def clock(epoch_seconds: float | datetime | None) -> str:
        """A time in the clinic's time zone, e.g. "Tue 1 Dec, 14:05"."""
        if not epoch_seconds:
            return ""
        moment = (
            epoch_seconds
            if isinstance(epoch_seconds, datetime)
            else datetime.fromtimestamp(epoch_seconds, timezone.utc)
        )
        local = moment.astimezone(zone)
        return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"

    templates.filters["clock"] = clock
    templates.globals.update(clinic_name=clinic.clinic_name, timezone=clinic.timezone, refresh=REFRESH_SECONDS)
    templates.globals.update(max_reply=MAX_REPLY_CHARACTERS, max_note=MAX_NOTE_CHARACTERS)
    templates.globals.update(conversation_path=conversation_path)
    attempts = AddressLimit()
    static_files = {path.name: path for path in (HERE / "static").iterdir() if path.is_file()}

    def render(name: str, status: int = 200, **context: Any) -> HTTPResponse:
        return response.html(templates.get_template(name).render(**context), status=status)

    def secure(request: Request) -> bool:
        return settings.secure_cookies or request.headers.get("x-forwarded-proto", "").lower() == "https"

    def set_cookie(answer: HTTPResponse, request: Request, name: str, value: str, max_age: int) -> None:
        answer.cookies[name] = value
        cookie = answer.cookies[name]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/"
        cookie["max-age"] = max_age
        if secure(request):
            cookie["secure"] = True

    def clear_cookie(answer: HTTPResponse, request: Request, name: str) -> None:
        set_cookie(answer, request, name, "", 0)

    def signed_in(kind: str) -> Callable[[Handler], Handler]:
        """Refuses a request without a current session: a page redirects to sign-in, anything else gets 401.

        POSTs must also carry the session's CSRF token (403 otherwise). The handler gets the account and token.
        """

        def decorate(handler: Handler) -> Handler:
            @wraps(handler)
            async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                token = request.cookies.get(SESSION_COOKIE)
                # A page's own live updates are not the staff member's doing: they do not keep the session open.
                account = staff.session_account(token, active=kind != "fragment")
                if account is None or token is None:
                    if kind == "page":
                        return response.redirect("/sign-in", status=303)
                    return response.text("Sign in first.", status=401)
                if request.method == "POST" and not csrf_is_valid(token, request.form.get("csrf_token")):
                    return response.text("This form has expired: reload the page and try again.", status=403)
                return await handler(request, account, token, *args, **kwargs)

            return guarded

        return decorate

    def inbox_context() -> dict[str, Any]:
        now = time.time()
        entries = staff.inbox()
        today = datetime.now(timezone.utc)
        rows = [
            {
                "entry": entry,
                "ago": inbox_rules.describe_ago(now - entry.latest_alert_at),
                "days": inbox_rules.days_since(entry.procedure_time, today),
            }
            for entry in entries
        ]
        waiting = sum(entry.status == inbox_rules.NEW for entry in entries)
        return {"rows": rows, "waiting": waiting}

    def conversation_context(conversation_id: str) -> dict[str, Any]:
        entry = next(iter(staff.inbox(only=conversation_id)), None)
        pending = [reply for reply in staff.replies_for(conversation_id) if reply.delivered_at is None]
        today = datetime.now(timezone.utc)
        procedure_time = staff.procedure_times([conversation_id]).get(conversation_id)
        return {
            "conversation_id": conversation_id,
            "entry": entry,
            "lines": staff.transcript(conversation_id),
            "pending": pending,
            "procedure_time": procedure_time,
            "days": inbox_rules.days_since(procedure_time, today),
            "handoff": staff.handoff(conversation_id),
        }

    @app.on_response
    async def security_headers(_: Request, answer: HTTPResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            answer.headers.setdefault(name, value)

    @app.get("/static/<name:str>")
    async def static_file(_: Request, name: str) -> HTTPResponse:
        """The console's own script and style sheet, by name; any other name is not found."""
        path = static_files.get(name)
        if path is None:
            return response.text("Not found.", status=404)
        return await response.file(path)

    @app.get("/favicon.ico")
    async def no_icon(_: Request) -> HTTPResponse:
        return response.empty()

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    # ---- Signing in and out ---------------------------------------------------------------------------------

    def sign_in_form(
        request: Request, status: int = 200, error: str = "", email: str = "", secret: str = ""
    ) -> HTTPResponse:
        """The sign-in form; after a refusal with the same pre-session secret, so refusals differ in nothing."""
        secret = secret or new_session_token()
        answer = render("sign_in.html", status, csrf=csrf_token(secret), error=error, email=email)
        set_cookie(answer, request, SIGN_IN_COOKIE, secret, 3600)
        return answer

    check_seconds = 0.1  # how long the latest password check took

    async def check_password(stored_hash: str | None, password: str) -> bool:
        """Whether the password matches; argon2 runs off the event loop, so other staff are not held up.

        With no hash to check (an unknown email, a locked account) it only waits as long as the latest check took,
        so the answer's timing tells nothing either, and guesses at a locked account cost no CPU.
        """
        nonlocal check_seconds
        if stored_hash is None:
            await asyncio.sleep(check_seconds)
            return False
        started = time.monotonic()
        matches = await asyncio.get_running_loop().run_in_executor(None, verify_password, stored_hash, password)
        check_seconds = time.monotonic() - started
        return matches

    @app.get("/sign-in")
    async def sign_in_page(request: Request) -> HTTPResponse:
        if staff.session_account(request.cookies.get(SESSION_COOKIE)):
            return response.redirect("/", status=303)
        return sign_in_form(request)

    @app.post("/sign-in")
    async def sign_in(request: Request) -> HTTPResponse:
        secret = request.cookies.get(SIGN_IN_COOKIE) or ""
        if not secret or not csrf_is_valid(secret, request.form.get("csrf_token")):
            return response.text("This form has expired: reload the page and try again.", status=403)
        email = (request.form.get("email") or "").replace("\x00", "").strip()[:254]  # PostgreSQL stores no NUL
        password = request.form.get("password") or ""
        address, now = request.remote_addr or request.ip, time.time()
        if not attempts.allow(address, now):
            minutes = attempts.minutes_to_wait(address, now)
            wait = f"Too many sign-in attempts from this network: try again in {minutes} minute{'s' * (minutes != 1)}."
            return sign_in_form(request, 429, wait, email, secret)
        account = staff.account_by_email(email) if email else None
        attempt = staff.count_sign_in_attempt(account.id, now) if account else None
        checked = attempt is not None and attempt_is_checked(attempt)
        matches = await check_password(account.password_hash if account and checked else None, password)
        if not matches or account is None:
            if attempt is not None and failure_locks(attempt):
                staff.lock_account(account.id, locked_until(now))
            refusal = "sign_in_failed" if checked or account is None else "sign_in_locked"
            staff.audit(refusal, email or "-", account.id if account else None)
            return sign_in_form(request, 401, SIGN_IN_REFUSED, email, secret)
        staff.sign_in_succeeded(account.id)
        attempts.give_back(address, now)
        if needs_rehash(account.password_hash):
            staff.set_password_hash(account, hash_password(password))
        token = staff.open_session(account)
        staff.audit("sign_in", account.email, account.id)
        answer = response.redirect("/", status=303)
        set_cookie(answer, request, SESSION_COOKIE, token, 12 * 3600)
        clear_cookie(answer, request, SIGN_IN_COOKIE)
        return answer

    @app.post("/sign-out")
    @signed_in("form")
    async def sign_out(request: Request, account: Account, token: str) -> HTTPResponse:
        staff.close_session(token)
        staff.audit("sign_out", account.email, account.id)
        answer = response.redirect("/sign-in", status=303)
        clear_cookie(answer, request, SESSION_COOKIE)
        return answer

    # ---- Inbox ----------------------------------------------------------------------------------------------

    @app.get("/")
    @signed_in("page")
    async def inbox_page(request: Request, account: Account, token: str) -> HTTPResponse:
        return render("inbox.html", account=account, csrf=csrf_token(token), **inbox_context())

    @app.get("/inbox/rows")
    @signed_in("fragment")
    async def inbox_rows(request: Request, account: Account, token: str) -> HTTPResponse:
        return render("inbox_rows.html", **inbox_context())

    @app.get("/audit")
    @signed_in("page")
    async def audit_page(request: Request, account: Account, token: str) -> HTTPResponse:
        """The audit log, newest first, a page at a time (?before=<entry id>), of one kind when ?kind= names one."""
        kind = request.args.get("kind") if request.args.get("kind") in AUDIT_ACTIONS else None
        before_text = request.args.get("before") or ""
        before = int(before_text) if before_text.isascii() and before_text.isdigit() and len(before_text) < 18 else None
        entries = staff.audit_entries(limit=AUDIT_PAGE_ENTRIES + 1, before=before, action=kind)
        older = entries[AUDIT_PAGE_ENTRIES - 1]["id"] if len(entries) > AUDIT_PAGE_ENTRIES else None
        return render(
            "audit.html",
            account=account,
            csrf=csrf_token(token),
            entries=entries[:AUDIT_PAGE_ENTRIES],
            kinds=AUDIT_ACTIONS,
            kind=kind,
            newer=before is not None,
            older=older,
        )

    # ---- One conversation ----------------------------------------------------------------------------------

    def in_conversation(kind: str) -> Callable[[Handler], Handler]:
        """`signed_in(kind)`, and a 404 for a conversation the console does not list (one without an alert)."""

        def decorate(handler: Handler) -> Handler:
            @signed_in(kind)
            @wraps(handler)
            async def checked(request: Request, account: Account, token: str, conversation_id: str) -> HTTPResponse:
                # Sanic hands over the path segment as sent: links.py's rule turns it back into the id.
                found = conversation_id_from_path(conversation_id)
                if found is None or len(found) > 255 or not staff.has_conversation(found):
                    if kind == "page":
                        return render("not_found.html", 404, account=account, csrf=csrf_token(token))
                    return response.text("Not found.", status=404)
                return await handler(request, account, token, found)

            return checked

        return decorate

    def done(action: str, account: Account, conversation_id: str, then: str) -> HTTPResponse:
        """Records what the staff member did in the audit log, and sends the browser on."""
        staff.audit(action, account.email, account.id, conversation_id)
        return response.redirect(then, status=303)

    @app.get(f"{CONVERSATIONS}/<conversation_id:str>")
    @in_conversation("page")
    async def conversation_page(request: Request, account: Account, token: str, conversation_id: str) -> HTTPResponse:
        staff.audit("open", account.email, account.id, conversation_id)
        context = conversation_context(conversation_id)
        return render("conversation.html", account=account, csrf=csrf_token(token), **context)

    @app.get(f"{CONVERSATIONS}/<conversation_id:str>/messages")
    @in_conversation("fragment")
    async def conversation_messages(request: Request, account: Account, _: str, conversation_id: str) -> HTTPResponse:
        return render("conversation_live.html", **conversation_context(conversation_id))

    @app.post(f"{CONVERSATIONS}/<conversation_id:str>/reply")
    @in_conversation("form")
    async def reply(request: Request, account: Account, _: str, conversation_id: str) -> HTTPResponse:
        text = (request.form.get("text") or "").strip()
        log_redaction.remember(text)
        if not text or len(text) > MAX_REPLY_CHARACTERS:
            return response.text(f"A reply must be 1 to {MAX_REPLY_CHARACTERS} characters.", status=400)
        staff.add_reply(conversation_id, account, text)
        return done("reply", account, conversation_id, conversation_path(conversation_id))

    @app.post(f"{CONVERSATIONS}/<conversation_id:str>/return")
    @in_conversation("form")
    async def return_to_assistant(request: Request, account: Account, _: str, conversation_id: str) -> HTTPResponse:
        staff.return_to_assistant(conversation_id)
        return done("return_to_assistant", account, conversation_id, conversation_path(conversation_id))

    @app.post(f"{CONVERSATIONS}/<conversation_id:str>/handled")
    @in_conversation("form")
    async def mark_handled(request: Request, account: Account, _: str, conversation_id: str) -> HTTPResponse:
        note = request.form.get("note") or ""
        log_redaction.remember(note)
        staff.mark_handled(conversation_id, account, note)
        return done("handled", account, conversation_id, "/")

    # ---- Enrolment: booking systems, staff, patients' unsubscribe links -------------------------------------

    def private_link(enrolment: Enrolment) -> tuple[str, datetime]:
        """The patient's private link to the clinic's page, and when it expires."""
        expires_at = link_expiry(enrolment.procedure_time, length)
        separator = "&" if "?" in settings.clinic_page_url else "?"
        token = link_token(enrolment.id, expires_at, secret)
        return f"{settings.clinic_page_url}{separator}aftercare={token}", expires_at

    def enrol(checked: EnrolmentRequest, idempotency_key: str | None) -> tuple[Enrolment, bool]:
        """Stores the enrolment under a new signed conversation id, so the patient's link can resume it."""
        return enrolments.enrol(
            first_name=checked.first_name,
            email=checked.email,
            mobile=checked.mobile,
            procedure_time=checked.procedure_time,
            timezone=checked.timezone,
            consent=True,
            idempotency_key=idempotency_key,
            now=current_time(),
            conversation_id=conversation_ids.issue(),
        )

    def json_error(status: int, error: str, message: str, field: str | None = None) -> HTTPResponse:
        body = {"error": error, "message": message, **({"field": field} if field else {})}
        return response.json(body, status=status)

    def bearer_token_matches(request: Request) -> bool:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        # Constant time: how much of a guessed token matched must not show in the time the check takes.
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode("utf-8", "replace"), settings.enrolment_token.encode("utf-8")
        )

    @app.post("/enrolments")
    async def enrol_from_booking_system(request: Request) -> HTTPResponse:
        """A booking system enrols a patient (README: "Enrolling patients from a booking system")."""
        if not settings.enrolment_token:
            message = "Enrolment is off: set ENROLMENT_TOKEN on the console to accept enrolments."
            return json_error(503, "enrolment_off", message)
        if not bearer_token_matches(request):
            answer = json_error(401, "unauthorized", "Send Authorization: Bearer <ENROLMENT_TOKEN>.")
            answer.headers["WWW-Authenticate"] = "Bearer"
            return answer
        key = request.headers.get("idempotency-key", "").strip()
        if not key or len(key) > MAX_IDEMPOTENCY_KEY_CHARACTERS or not key.isprintable():
            message = f"Send an Idempotency-Key header (1 to {MAX_IDEMPOTENCY_KEY_CHARACTERS} printable characters)."
            return json_error(400, "invalid_header", message, "Idempotency-Key")
        try:
            body = json.loads(request.body or b"")
        except (ValueError, RecursionError):
            return json_error(400, "invalid_json", "The body must be a JSON object.", "body")
        log_redaction.remember(*(body.values() if isinstance(body, dict) else [body]))
        try:
            checked = read_enrolment_request(body, current_time(), length)
        except FieldError as error:
            status = 400 if error.field == "body" else 422
            return json_error(status, "invalid_field", error.message, error.field)
        try:
            enrolment, created = enrol(checked, key)
        except IdempotencyConflict:
            message = "This Idempotency-Key was already used with other details: use a new key for a new enrolment."
            return json_error(409, "idempotency_conflict", message, "Idempotency-Key")
        link, expires_at = private_link(enrolment)
        body = {
            "id": enrolment.id,
            "conversation_id": enrolment.conversation_id,
            "link": link,
            "link_expires_at": format_timestamp(expires_at),
            "procedure_time": format_timestamp(enrolment.procedure_time),
            "timezone": enrolment.timezone,
            "channels": channels_of(enrolment),
            "created_at": format_timestamp(enrolment.created_at),
        }
        return response.json(body, status=201 if created else 200)

    def patients_context(now: datetime) -> dict[str, Any]:
        rows = [
            {
                "enrolment": enrolment,
                "channels": channels_of(enrolment),
                "sent": enrolments.history(enrolment.id),
                "answered": enrolments.last_answer(enrolment.id),
                "next_due": next_message_due(programme, enrolment, now, enrolments.history(enrolment.id)),
            }
            for enrolment in enrolments.all()
        ]
        return {"rows": rows, "stop_reasons": STOP_REASON_TEXTS}

    def patients_page(account: Account, token: str, status: int = 200, **context: Any) -> HTTPResponse:
        context.setdefault("form", {"timezone": clinic.timezone})
        context |= patients_context(current_time())
        return render("patients.html", status, account=account, csrf=csrf_token(token), **context)

    @app.get("/patients")
    @signed_in("page")
    async def patients(request: Request, account: Account, token: str) -> HTTPResponse:
        """Enrolled patients, and the enrolment form; after an enrolment, that patient's private link."""
        enrolled = enrolments.get(request.args.get("enrolled") or "") if request.args.get("enrolled") else None
        if enrolled is None:
            return patients_page(account, token)
        return patients_page(account, token, enrolled=enrolled, enrolled_link=private_link(enrolled)[0])

    @app.post("/patients")
    @signed_in("form")
    async def enrol_by_staff(request: Request, account: Account, token: str) -> HTTPResponse:
        form = {name: (request.form.get(name) or "") for name in ("first_name", "email", "mobile", "procedure_time")}
        form["timezone"] = request.form.get("timezone") or clinic.timezone
        log_redaction.remember(*form.values())
        body: dict[str, Any] = {name: value or None for name, value in form.items()}
        body["consent"] = request.form.get("consent") == "yes"
        try:
            checked = read_enrolment_request(body, current_time(), length, local_times_in_timezone=True)
        except FieldError as error:
            return patients_page(account, token, 422, error=error.message, form=form)
        enrolment, _ = enrol(checked, None)
        return response.redirect(f"/patients?enrolled={enrolment.id}", status=303)

    @app.post("/patients/<enrolment_id:str>/stop")
    @signed_in("form")
    async def stop_by_staff(request: Request, account: Account, token: str, enrolment_id: str) -> HTTPResponse:
        if enrolments.get(enrolment_id) is None:
            return response.text("Not found.", status=404)
        enrolments.stop(enrolment_id, "staff", current_time())
        return response.redirect("/patients", status=303)

    def unsubscribing(token: str) -> Enrolment | None:
        try:
            return enrolments.get(read_unsubscribe_token(token, secret))
        except LinkError:
            return None

    @app.get("/unsubscribe/<token:str>")
    async def unsubscribe_page(request: Request, token: str) -> HTTPResponse:
        """Asks to confirm: a mail scanner that follows the email's link unsubscribes nobody."""
        enrolment = unsubscribing(token)
        if enrolment is None:
            return render("unsubscribe.html", 404, state="unknown")
        state = "done" if enrolment.stopped_at is not None else "confirm"
        return render("unsubscribe.html", state=state, token=token)

    @app.post("/unsubscribe/<token:str>")
    async def unsubscribe(request: Request, token: str) -> HTTPResponse:
        enrolment = unsubscribing(token)
        if enrolment is None:
            return render("unsubscribe.html", 404, state="unknown")
        enrolments.stop(enrolment.id, "email_unsubscribe", current_time())
        return render("unsubscribe.html", state="done")

    return app


def main() -> int:
    """Serves the console (settings: console/settings.py)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = read_console_settings(os.environ)
    except SettingError as error:
        print(f"Refusing to start the staff console: {error}", file=sys.stderr)
        return 2
    app = create_app(settings)
    log_redaction.install()
    logger.info("Staff console on http://%s:%d (%s)", settings.host, settings.port, settings.clinic.clinic_name)
    app.run(host=settings.host, port=settings.port, access_log=False, motd=False, workers=1)
    return 0
