"""The action server: rasa-sdk's app, listening on this machine only and answering only the Rasa server.

    python -m actions.server [--port 5055] [-v | -vv | --quiet]

- Listens on SANIC_HOST, default 127.0.0.1: only the Rasa server needs it. Set SANIC_HOST=0.0.0.0 only when
  the Rasa server runs on another machine, behind a firewall.
- Every call except GET /health must carry `Authorization: Bearer <ACTION_SERVER_TOKEN>`, which the Rasa
  server sends from endpoints.yml: 401 without it, 403 with a wrong one. With no token set (development) it
  says so loudly and accepts any caller; `make run` generates a token for each run. ACTION_SERVER_TOKEN_FILE
  may name a file holding it instead (Docker secrets; aftercare/secret_files.py).
- A failing action answers 500 with no details. rasa-sdk's own handler echoes the whole request (the
  conversation, with what the patient wrote) in the response, which the Rasa server then writes to its log.
- No CORS: no browser should call it.
- What patients wrote, their metadata and the slots (procedure times) of each call are kept out of every log
  line (aftercare/log_redaction.py), whichever library writes it.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import sys
import traceback
from typing import Any

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.settings import CLINIC
from aftercare import log_redaction, private_files
from aftercare.environment import DEFAULTS
from aftercare.placeholders import replace_unfilled
from aftercare.secret_files import SecretError, load_secret_files, read_token
from aftercare.texts import patient_text

logger = logging.getLogger("actions.server")  # not "__main__" under python -m

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
DEFAULT_HOST = "127.0.0.1"
OPEN_PATHS = ("/health",)  # for start-up checks; says nothing about patients


def patient_values(call: Any) -> list[Any]:
    """What in an action call came from the patient: messages, their metadata, and the slots (procedure times)."""
    tracker = call.get("tracker") if isinstance(call, dict) else None
    if not isinstance(tracker, dict):
        return []
    latest = tracker.get("latest_message")
    values = [latest.get("text"), latest.get("metadata")] if isinstance(latest, dict) else []
    if isinstance(tracker.get("slots"), dict):
        values.append(tracker["slots"])
    events = tracker.get("events")
    if isinstance(events, list):
        said = [event for event in events if isinstance(event, dict) and event.get("event") == "user"]
        values += [event.get("text") for event in reversed(said)]
    return values


def replace_unfilled_replies(request: Request, answer: HTTPResponse) -> HTTPResponse | None:
    """An action's reply that would show a patient "{phone}" is replaced by the clinic's contact text, and logged.

    Only the placeholders' and the action's names are logged, never the text (it may quote the patient).
    """
    if request.path != "/webhook" or answer.status != 200 or not answer.body:
        return None
    try:
        call, result = request.json, json.loads(answer.body)
    except ValueError:
        return None
    if not isinstance(call, dict) or not isinstance(result, dict):
        return None
    replaced = replace_unfilled(call, result, patient_text("channels.contact", **CLINIC.contact_details()))
    for missing in replaced:
        logger.error(
            "Action %r sent a reply with unfilled placeholders %s: sent the clinic's contact text instead.",
            call.get("next_action"),
            sorted(missing),
        )
    return response.json(result) if replaced else None


def create_action_server(token: str, action_package: str = "actions") -> Sanic:
    """rasa-sdk's app with the token check and an error handler that does not echo the request."""
    app = create_app(action_package, cors_origins=None)

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if not token or request.path in OPEN_PATHS:
            return None
        supplied = request.headers.get("authorization", "")
        if not supplied.startswith("Bearer ") or not supplied[len("Bearer ") :].strip():
            return response.json({"error": "This server only answers the Rasa server: missing token"}, status=401)
        if not hmac.compare_digest(supplied[len("Bearer ") :].strip().encode(), token.encode()):
            return response.json({"error": "This server only answers the Rasa server: wrong token"}, status=403)
        return None

    @app.middleware("request")
    async def remember_patient_values(request: Request) -> None:
        try:
            call = request.json
        except Exception:  # noqa: BLE001 - rasa-sdk answers a body that is not JSON itself
            return
        log_redaction.remember(*patient_values(call))

    @app.middleware("response")
    async def refuse_unfilled_placeholders(request: Request, answer: HTTPResponse) -> HTTPResponse | None:
        return replace_unfilled_replies(request, answer)

    @app.listener("before_server_start")
    async def redact_late_log_handlers(_: Sanic, __: Any) -> None:
        log_redaction.install()  # also on the handlers added after start-up

    @app.exception(Exception)
    async def answer_without_details(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException):
            status = getattr(exception, "status_code", 500) or 500
            return response.json({"error": str(exception)}, status=status)
        action = None
        try:
            action = (request.json or {}).get("next_action")
        except Exception:  # noqa: BLE001 - an unreadable body names no action
            pass
        # The exception's text may hold what the patient wrote or their procedure time: only the type and
        # the stack go to the ordinary log; --debug adds the text.
        logger.error(
            "Action %r raised %s at:\n%s",
            action,
            type(exception).__name__,
            "".join(traceback.format_tb(exception.__traceback__)),
        )
        logger.debug("The action's exception:", exc_info=exception)
        return response.json({"error": f"The action {action!r} failed; see the action server's log"}, status=500)

    return app


def main(argv: list[str] | None = None) -> None:
    """Starts the action server (see the module docstring)."""
    parser = create_argument_parser()
    parser.prog = "python -m actions.server"
    parser.set_defaults(actions="actions", port=int(os.environ.get("ACTION_PORT") or DEFAULTS["ACTION_PORT"]))
    args = parser.parse_args(argv)

    private_files.restrict_new_files()  # a --log-file holds what actions were asked about
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()
    log_redaction.install()

    try:
        load_secret_files(os.environ, (TOKEN_VARIABLE,))
        token = read_token(os.environ, TOKEN_VARIABLE)
    except SecretError as error:
        raise SystemExit(f"Refusing to start the action server: {error}") from None
    host = os.environ.get("SANIC_HOST", "").strip() or DEFAULT_HOST
    if not token:
        logger.warning(
            "*** %s is not set: the action server accepts calls from ANY process that can reach %s:%s. "
            "Fine for development on this machine; set it (the same value for the Rasa server) anywhere else. ***",
            TOKEN_VARIABLE,
            host,
            args.port,
        )
    if host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning("The action server listens on %s, beyond this machine (SANIC_HOST).", host)
    if args.cors:
        logger.warning("Ignoring --cors: no browser needs the action server.")

    app = create_action_server(token, args.actions)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    logger.info("Action server on %s://%s:%s", "https" if ssl_context else "http", host, args.port)
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    sys.exit(main())
