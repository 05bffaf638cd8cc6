"""The private link and unsubscribe tokens (aftercare/enrolment_links.py): only this secret's, only until expiry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from aftercare.enrolment_links import (
    LINK_GRACE,
    LinkError,
    LinkExpired,
    link_expiry,
    link_token,
    read_link_token,
    read_unsubscribe_token,
    unsubscribe_token,
)

SECRET = b"s" * 64
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
EXPIRES = NOW + timedelta(days=42)


def test_a_link_names_its_enrolment_until_it_expires():
    token = link_token("Ab-9_x", EXPIRES, SECRET)
    assert quote(token, safe="") == token  # goes into a URL as it is
    assert read_link_token(token, SECRET, NOW) == "Ab-9_x"
    assert read_link_token(token, SECRET, EXPIRES - timedelta(seconds=1)) == "Ab-9_x"
    with pytest.raises(LinkExpired):
        read_link_token(token, SECRET, EXPIRES)


def test_a_tampered_or_foreign_link_is_refused():
    token = link_token("anna", EXPIRES, SECRET)
    enrolment_id, expiry, signature = token.split(".")
    later = str(int(expiry) + 86400)
    for forged in (
        f"bea.{expiry}.{signature}",  # another patient's id
        f"{enrolment_id}.{later}.{signature}",  # a longer life
        f"{enrolment_id}.{expiry}.{signature[:-1]}A",
        link_token("anna", EXPIRES, b"t" * 64),  # another clinic's secret
        "",
        "anna",
        None,
        "a.b.c.d",
        "é.1.x",
    ):
        with pytest.raises(LinkError) as refused:
            read_link_token(forged, SECRET, NOW)
        assert not isinstance(refused.value, LinkExpired)


def test_an_unsubscribe_token_is_not_a_link_and_a_link_is_not_an_unsubscribe_token():
    unsubscribe = unsubscribe_token("anna", SECRET)
    assert read_unsubscribe_token(unsubscribe, SECRET) == "anna"
    expiry = link_token("anna", EXPIRES, SECRET).split(".")[1]
    with pytest.raises(LinkError):
        read_link_token(f"anna.{expiry}.{unsubscribe.split('.')[1]}", SECRET, NOW)
    with pytest.raises(LinkError):
        read_unsubscribe_token("anna." + link_token("anna", EXPIRES, SECRET).split(".")[2], SECRET)
    with pytest.raises(LinkError):
        read_unsubscribe_token(unsubscribe_token("anna", b"t" * 64), SECRET)


def test_a_link_outlives_the_programme_by_the_grace_period():
    assert link_expiry(NOW, timedelta(days=28)) == NOW + timedelta(days=28) + LINK_GRACE


def test_ids_that_would_break_a_url_are_refused_when_signing():
    with pytest.raises(ValueError):
        link_token("a/b", EXPIRES, SECRET)
    with pytest.raises(ValueError):
        unsubscribe_token("a.b", SECRET)
