"""The staff console's web app (Sanic, Jinja2 templates, console/static/console.js for live updates).

Every page but the sign-in form needs a session: a page redirects to /sign-in, a live-update fragment or a form
POST without one gets 401. Every form carries the session's CSRF token (the sign-in form a pre-session one) and
every POST is checked (403 without it). Pages are never cached and may not be framed; the CSP allows scripts
and styles from the console itself only. Nothing a patient or staff member wrote is logged.
"""

from __future__ import annotations

import asyncio
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
from aftercare.environment import SettingError
from aftercare.staff import inbox as inbox_rules
from aftercare.staff.security import (
    LOCKOUT_SECONDS,
    Lockout,
    csrf_is_valid,
    csrf_token,
    hash_password,
    needs_rehash,
    new_session_token,
    verify_password,
)
from aftercare.staff.store import MAX_NOTE_CHARACTERS, MAX_REPLY_CHARACTERS, Account, StaffStore, connect
from console.settings import ConsoleSettings, read_console_settings

logger = logging.getLogger("console")

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "aftercare_console"
SIGN_IN_COOKIE = "aftercare_console_sign_in"  # the sign-in form's pre-session CSRF secret
MAX_BODY_BYTES = 64 * 1024
REFRESH_SECONDS = 2
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

Handler = Callable[..., Awaitable[HTTPResponse]]


def create_app(settings: ConsoleSettings, store: StaffStore | None = None) -> Sanic:
    """The console app for one clinic and database."""
    app = Sanic("aftercare_console")
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.FALLBACK_ERROR_FORMAT = "text"
    staff = store or StaffStore(connect(settings.database_url))
    clinic = settings.clinic
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
                account = staff.session_account(token)
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

    app.static("/static", str(HERE / "static"), name="static")

    @app.get("/favicon.ico")
    async def no_icon(_: Request) -> HTTPResponse:
        return response.empty()

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    # ---- Signing in and out ---------------------------------------------------------------------------------

    def sign_in_form(request: Request, status: int = 200, error: str = "", email: str = "") -> HTTPResponse:
        secret = new_session_token()
        answer = render("sign_in.html", status, csrf=csrf_token(secret), error=error, email=email)
        set_cookie(answer, request, SIGN_IN_COOKIE, secret, 3600)
        return answer

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
        email = (request.form.get("email") or "").strip()[:254]
        password = request.form.get("password") or ""
        account = staff.account_by_email(email) if email else None
        now = time.time()
        if account and account.lockout.is_locked(now):
            staff.audit("sign_in_locked", email, account.id)
            return sign_in_form(request, 403, locked_message(account.lockout), email)
        # argon2 takes tens of milliseconds on purpose: off the event loop, so other staff are not held up.
        matches = await asyncio.get_running_loop().run_in_executor(
            None, verify_password, account.password_hash if account else None, password
        )
        if not matches or account is None:
            staff.audit("sign_in_failed", email or "-", account.id if account else None)
            if account:
                lockout = account.lockout.after_failure(now)
                staff.set_lockout(account, lockout)
                if lockout.is_locked(now):
                    return sign_in_form(request, 403, locked_message(lockout), email)
            return sign_in_form(request, 401, "Wrong email or password.", email)
        staff.set_lockout(account, Lockout.after_success())
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
        return render("audit.html", account=account, csrf=csrf_token(token), entries=staff.audit_entries())

    # ---- One conversation ----------------------------------------------------------------------------------

    def in_conversation(kind: str) -> Callable[[Handler], Handler]:
        """`signed_in(kind)`, and a 404 for a conversation the console does not list (one without an alert)."""

        def decorate(handler: Handler) -> Handler:
            @signed_in(kind)
            @wraps(handler)
            async def checked(request: Request, account: Account, token: str, conversation_id: str) -> HTTPResponse:
                if len(conversation_id) > 255 or not staff.has_conversation(conversation_id):
                    if kind == "page":
                        return render("not_found.html", 404, account=account, csrf=csrf_token(token))
                    return response.text("Not found.", status=404)
                return await handler(request, account, token, conversation_id)

            return checked

        return decorate

    def done(action: str, account: Account, conversation_id: str, then: str) -> HTTPResponse:
        """Records what the staff member did in the audit log, and sends the browser on."""
        staff.audit(action, account.email, account.id, conversation_id)
        return response.redirect(then, status=303)

    @app.get("/conversations/<conversation_id:str>")
    @in_conversation("page")
    async def conversation_page(request: Request, account: Account, token: str, conversation_id: str) -> HTTPResponse:
        staff.audit("open", account.email, account.id, conversation_id)
        context = conversation_context(conversation_id)
        return render("conversation.html", account=account, csrf=csrf_token(token), **context)

    @app.get("/conversations/<conversation_id:str>/messages")
    @in_conversation("fragment")
    async def conversation_messages(request: Request, account: Account, _: str, conversation_id: str) -> HTTPResponse:
        return render("conversation_live.html", **conversation_context(conversation_id))

    @app.post("/conversations/<conversation_id:str>/reply")
    @in_conversation("form")
    async def reply(request: Request, account: Account, _: str, conversation_id: str) -> HTTPResponse:
        text = (request.form.get("text") or "").strip()
        log_redaction.remember(text)
        if not text or len(text) > MAX_REPLY_CHARACTERS:
            return response.text(f"A reply must be 1 to {MAX_REPLY_CHARACTERS} characters.", status=400)
        staff.add_reply(conversation_id, account, text)
        return done("reply", account, conversation_id, f"/conversations/{conversation_id}")

    @app.post("/conversations/<conversation_id:str>/return")
    @in_conversation("form")
    async def return_to_assistant(request: Request, account: Account, _: str, conversation_id: str) -> HTTPResponse:
        staff.return_to_assistant(conversation_id)
        return done("return_to_assistant", account, conversation_id, f"/conversations/{conversation_id}")

    @app.post("/conversations/<conversation_id:str>/handled")
    @in_conversation("form")
    async def mark_handled(request: Request, account: Account, _: str, conversation_id: str) -> HTTPResponse:
        note = request.form.get("note") or ""
        log_redaction.remember(note)
        staff.mark_handled(conversation_id, account, note)
        return done("handled", account, conversation_id, "/")

    return app


def locked_message(lockout: Lockout) -> str:
    minutes = max(1, round((lockout.locked_until - time.time()) / 60))
    return (
        f"Too many failed sign-ins: this account is locked for {minutes} more minute{'s' if minutes != 1 else ''} "
        f"(five failures lock it for {LOCKOUT_SECONDS // 60} minutes)."
    )


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
