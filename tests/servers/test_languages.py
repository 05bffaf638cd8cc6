"""Spanish messages and `make report` through the real servers with the trained model."""

from __future__ import annotations

import re

from scripts.report import main as report_main
from tests.servers.test_conversations import escalations, texts

PHONE, EMERGENCY_NUMBER = "+1 555 010 2030", "911"


def test_a_spanish_question_gets_a_spanish_reply_with_the_numbers(servers):
    replies = servers.send("patient-es-question", "¿puedo usar maquillaje mañana?")
    said = texts(replies)
    assert "solo respondo en inglés" in said
    assert PHONE in said and EMERGENCY_NUMBER in said
    assert "Sorry, I'm not sure I understood" not in said
    assert escalations(replies) == []


def test_a_spanish_emergency_phrase_escalates_to_the_emergency_number_in_spanish(servers):
    replies = servers.send("patient-es-emergency", "no puedo respirar y se me hincha la garganta")
    said = [reply["text"] for reply in replies if "text" in reply]
    # After the disclaimer that opens every conversation, the emergency number comes first.
    assert "automated aftercare assistant" in said[0]
    assert said[1].startswith(f"Llame ya al {EMERGENCY_NUMBER}")
    assert escalations(replies) == ["emergency"]
    assert servers.slot_values("patient-es-emergency", "escalation")[-1] == "emergency"


def test_a_short_spanish_fainting_report_is_an_emergency(servers):
    replies = servers.send("patient-es-fainted", "me desmayé")
    assert escalations(replies) == ["emergency"]


def test_spanish_pus_goes_to_the_injector_in_spanish_and_a_negated_fever_does_not(servers):
    replies = servers.send("patient-es-pus", "tengo pus en la mejilla")
    assert escalations(replies) == ["injector"]
    assert "señal de alarma" in texts(replies) and PHONE in texts(replies)
    replies = servers.send("patient-es-no-fever", "no tengo fiebre, solo la piel roja")
    assert escalations(replies) == []
    assert "solo respondo en inglés" in texts(replies)


def test_english_patients_are_still_answered_in_english(servers):
    for sender, message in [("patient-en-ok", "ok"), ("patient-en-hola", "hola"), ("patient-en-pus", "no pus")]:
        said = texts(servers.send(sender, message))
        assert "inglés" not in said and "Llame" not in said, message
    assert "warning sign" in texts(servers.send("patient-en-sign", "I have pus on my chin"))


def report_counts(servers, capsys, *arguments: str) -> tuple[dict[str, int], str]:
    """`make report`'s counts by "reason: bucket" on the servers' conversation store, and what it printed."""
    capsys.readouterr()
    assert report_main(["--url", f"sqlite:///{servers.database}", *arguments]) == 0
    printed = capsys.readouterr().out
    return {match[2]: int(match[1]) for match in re.finditer(r"^ +(\d+)  (.+?) *$", printed, re.MULTILINE)}, printed


def test_the_report_counts_the_fallbacks_and_spanish_turns_the_servers_stored(servers, capsys):
    before, _ = report_counts(servers, capsys)
    servers.send("patient-report", "¿a qué hora abre la clínica el sábado?")
    servers.send("patient-report", "¿cuánto cuesta una sesión de microagujas?")
    servers.send("patient-report", "lorem ipsum dolor")
    after, hidden = report_counts(servers, capsys)
    spanish = "other language: language es"
    assert after.get(spanish, 0) - before.get(spanish, 0) == 2
    fallbacks = sum(count for bucket, count in after.items() if bucket.startswith("fallback"))
    assert fallbacks - sum(count for bucket, count in before.items() if bucket.startswith("fallback")) == 1
    assert "lorem" not in hidden and "microagujas" not in hidden
    _, shown = report_counts(servers, capsys, "--words")
    assert "'lorem ipsum dolor'" in shown and "'¿cuánto cuesta una sesión de microagujas?'" in shown
