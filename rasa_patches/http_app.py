"""The Rasa server's own HTTP app, as the channels need it: one body limit, and a root that tells nothing.

Rasa creates its Sanic app after the channels (credentials.yml) and gives it two things the channels must not
keep: Sanic's default body limit of 100 MB, which Sanic reads into memory before the channels' own 1 MiB check,
and `GET /` answering "Hello from Rasa: 3.6.21", which tells anyone which version to look up vulnerabilities
for. `install` (called once when the channels are created) replaces Rasa's `add_root_route`, which Rasa calls
on every app it creates, with or without `--enable-api`, by `configure_app` here.
"""

from __future__ import annotations

from rasa import server as rasa_server
from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from aftercare.messages import BODY_TOO_LARGE, MAX_BODY_BYTES


def configure_app(app: Sanic) -> None:
    """Sanic refuses bodies over MAX_BODY_BYTES as it reads them (413), and `GET /` says only that it is up."""
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @app.exception(PayloadTooLarge)
    async def too_large(_: Request, __: Exception) -> HTTPResponse:
        # The REST channel's own words and shape for the same refusal (channels/rest.py).
        return response.json({"description": "Payload Too Large", "status": 413, "message": BODY_TOO_LARGE}, status=413)

    @app.get("/")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})


def install() -> None:
    """Makes every app Rasa creates from now on go through `configure_app` instead of Rasa's root route."""
    rasa_server.add_root_route = configure_app
