"""aftercare.log_redaction: no registered patient value and no known patient-carrying structure reaches a log."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import secrets
import threading

import pytest

from aftercare import log_redaction
from aftercare.log_redaction import REDACTED, RedactingFilter, redact, remember


@pytest.fixture(autouse=True)
def clean_registry():
    log_redaction.forget_all()
    yield
    log_redaction.forget_all()


def written(logger_name: str, *args, **kwargs) -> str:
    """What a handler with the filter writes for one `logger.warning(*args, **kwargs)`."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(*args, **kwargs)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_registered_message_is_replaced_wherever_it_appears():
    remember("/@zebrafinch party")
    line = written("any.library", "Failed to parse %s in line %r", "arguments", "/@zebrafinch party")
    assert "zebrafinch" not in line and REDACTED in line and "Failed to parse arguments" in line


@pytest.mark.parametrize(
    "form",
    [
        json.dumps('my "cheek" is h\u00f6t, zebrafinch'),  # JSON, as structlog's renderer writes it
        json.dumps('my "cheek" is h\u00f6t, zebrafinch', ensure_ascii=False),
        repr('my "cheek" is h\u00f6t, zebrafinch'),
    ],
)
def test_escaped_forms_of_a_registered_message_are_replaced(form):
    remember('my "cheek" is h\u00f6t, zebrafinch')
    assert "zebrafinch" not in redact(f"event=message.parsing.failed user={form}")


def test_metadata_values_of_any_shape_are_registered_but_not_their_keys():
    remember({"procedure_time": "2026-11-28T17:00:00Z", "odd": [{"deep": "zebrafinch-deep"}, 1732800000]})
    line = redact("procedure_time=2026-11-28T17:00:00Z note zebrafinch-deep at 1732800000 odd")
    assert "2026-11-28" not in line and "zebrafinch" not in line and "1732800000" not in line
    assert line.endswith(" odd")


def test_a_huge_value_is_registered_by_its_beginning_and_any_part_of_it_is_replaced():
    huge = "".join(f"zebrafinch{number:06d} " for number in range(100_000))
    remember({"note": huge})
    for part in (huge[:1000], huge[5:500]):
        line = redact(f"value was {part}!")
        assert "zebrafinch" not in line and line.startswith("value was") and line.endswith(f"{REDACTED}!")


def test_a_part_of_a_message_quoted_by_a_logger_is_replaced():
    # Rasa's warning for a malformed intent payload quotes only what it could not read.
    remember('/inform_procedure_time{"zebrafinch": ')
    line = redact('Failed to parse arguments in line. Continuing without {"zebrafinch":. ')
    assert "zebrafinch" not in line and line.startswith("Failed to parse arguments in line.")


def test_the_oldest_values_are_forgotten_once_the_recent_set_is_full(monkeypatch):
    monkeypatch.setattr(log_redaction, "RECENT_FRAGMENTS", 50)
    values = [f"qx{number:03d}{secrets.token_hex(8)}" for number in range(20)]

    async def register(value: str) -> None:  # each request in its own context, as Sanic runs them
        remember(value)

    async def requests() -> None:
        for value in values:
            await asyncio.create_task(register(value))

    asyncio.run(requests())
    assert redact(f"saw {values[-1]}") == f"saw {REDACTED}"
    assert redact(f"saw {values[0]}") == f"saw {values[0]}"


def test_short_values_are_replaced_only_as_whole_words():
    remember("pus")
    assert redact("pus near the campus") == f"{REDACTED} near the campus"
    remember("ok")  # too short to carry anything
    assert redact("ok, 2 workers") == "ok, 2 workers"


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("UserMessage(text='zebrafinch wheezing', sender_id='anna')", "sender_id='anna'"),
        ('{"event": "message.parsing.failed", "user_text": "/@zebrafinch", "level": "warning"}', '"level": "warning"'),
        ("{'text': 'it\\'s zebrafinch', 'intent': {'name': 'greet'}}", "'intent'"),
        ("IncomingMessage(sender='a', text=\"zebrafinch\", metadata={'procedure_time': 'zebrafinch'})", "sender='a'"),
        ('"latest_message": {"text": "zebrafinch", "entities": [{"value": "zebrafinch"}]}, "x": 1', '"x": 1'),
        ("UserUttered(text: zebrafinch, party, intent: greet, use_text_for_featurization: False)", "intent: greet"),
        ("SlotSet(key: procedure_time, value: zebrafinch)", "key: procedure_time"),
        ("text='unterminated zebrafinch", "text="),
    ],
)
def test_known_structures_are_redacted_without_registration(line, kept):
    redacted = redact(line)
    assert "zebrafinch" not in redacted and kept in redacted


def test_numbers_and_literals_in_known_structures_are_kept():
    line = '{"value": 5, "text": null, "name": "procedure_time"}'
    assert redact(line) == line


def test_extra_fields_exceptions_and_stack_are_redacted():
    remember("zebrafinch")
    try:
        raise ValueError("Timestamp 'zebrafinch' is outside the range")
    except ValueError:
        line = written("sanic.access", "", exc_info=True, stack_info=True, extra={"request": "GET /?q=zebrafinch"})
    assert "zebrafinch" not in line and "ValueError" in line


def test_the_values_of_one_request_are_kept_in_its_own_context_and_in_the_recent_set():
    async def request(value: str) -> str:
        remember(value)
        await asyncio.sleep(0)
        return redact(f"saw {value}")

    async def two_requests() -> list[str]:
        return await asyncio.gather(request("zebrafinch-one"), request("zebrafinch-two"))

    assert asyncio.run(two_requests()) == [f"saw {REDACTED}", f"saw {REDACTED}"]
    # A line written later from another thread (an executor, a callback) is redacted through the recent set.
    seen = []
    thread = threading.Thread(target=lambda: seen.append(redact("late zebrafinch-one")))
    thread.start()
    thread.join()
    assert seen == [f"late {REDACTED}"]


def test_install_covers_the_root_handlers_other_loggers_handlers_and_the_last_resort():
    root_handler, own_handler = logging.StreamHandler(io.StringIO()), logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(root_handler)
    logging.getLogger("engineio.server").addHandler(own_handler)
    try:
        installed = log_redaction.install()
        log_redaction.install()  # idempotent
        for handler in (root_handler, own_handler, logging.lastResort):
            assert handler.filters.count(installed) == 1
    finally:
        logging.getLogger().removeHandler(root_handler)
        logging.getLogger("engineio.server").removeHandler(own_handler)
        logging.captureWarnings(False)


def test_a_part_of_a_word_of_the_log_is_not_taken_for_the_patients_words():
    remember('/inform_procedure_time{"zebrafinch": ', "help with the procedure time, is the server down?")
    line = "Custom action 'action_extract_procedure_time' failed: the action server did not answer"
    assert redact(line) == line
    # A phrase of 12 characters or more that the patient wrote is theirs, even when the log uses it too.
    remember("why does the action server not answer me")
    assert redact(line) == f"Custom action 'action_extract_procedure_time' failed:{REDACTED}did not answer"


def test_the_pieces_of_an_intent_command_are_replaced_alone():
    remember('/greet{"pus": "x"}@0.5 rest')
    assert redact("Discarded the entity 'pus' of the message") == f"Discarded the entity '{REDACTED}' of the message"


def test_a_record_that_cannot_be_checked_is_withheld_not_raised(monkeypatch):
    def broken(text: str) -> str:
        raise RuntimeError("zebrafinch")

    monkeypatch.setattr(log_redaction, "redact", broken)
    assert written("any.library", "the patient wrote %s", "zebrafinch") == f"{log_redaction.WITHHELD}\n"


def test_an_enormous_line_is_cut_after_the_checked_part():
    line = written("any.library", "%s", "y " * 100_000 + "zebrafinch at the end")
    assert "zebrafinch" not in line and line.endswith("100021 more characters withheld]\n")
