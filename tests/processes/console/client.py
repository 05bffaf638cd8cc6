"""A staff browser for the console tests: a cookie jar, forms with their CSRF token, no automatic redirects.

Each browser may connect from its own loopback address (127.0.0.0/8 is all this machine), so a test can act as
another client of the console's per-address sign-in limit.
"""

from __future__ import annotations

import functools
import http.client
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def csrf(self) -> str:
        found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', self.body)
        assert found, "the page has a form with a CSRF token"
        return found.group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


class _FromAddress(urllib.request.HTTPHandler):
    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def http_open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.address, 0)), request)


class Browser:
    def __init__(self, base_url: str, address: str = "127.0.0.1") -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect, _FromAddress(address)]
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data, headers or {})
        try:
            with self.opener.open(request, timeout=15) as response:
                status, raw, info = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, info = error.code, error.read(), error.headers
        return Answer(
            status,
            {name.lower(): value for name, value in info.items()},
            info.get_all("Set-Cookie") or [],
            raw.decode("utf-8", "replace"),
        )

    def get(self, path: str, **kwargs: object) -> Answer:
        return self.request(path, **kwargs)

    def post(self, path: str, form: dict[str, str], **kwargs: object) -> Answer:
        return self.request(path, form=form, **kwargs)

    def sign_in(self, email: str, password: str, **kwargs: object) -> Answer:
        form = self.get("/sign-in")
        return self.post("/sign-in", {"csrf_token": form.csrf(), "email": email, "password": password}, **kwargs)
