"""The content folder a clinic edits (content/README.md): every file loads, and every text the code uses is there.

`make check-content` runs this file alone after an edit, with the care-topic lists (tests/test_topics_list.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from aftercare.coverage import load_thresholds
from aftercare.languages import TEXT_KEYS, language_files, load_language, load_languages
from aftercare.procedure_time import load_time_patterns
from aftercare.texts import ENGLISH_TEXTS, load_texts, patient_text
from aftercare.topic_question import topic_question_status
from aftercare.topics import load_topic_words
from aftercare.warning_signs import load_lexicon
from aftercare.yaml_files import CONTENT_FOLDER, ConfigError

REPOSITORY = Path(__file__).resolve().parents[1]
CODE_FOLDERS = ("aftercare", "actions", "channels", "console", "components")


def text_keys_in_code() -> dict[str, list[str]]:
    """Every key the code passes to patient_text, with where; a key that is not written out fails the test."""
    used: dict[str, list[str]] = {}
    for folder in CODE_FOLDERS:
        for path in sorted((REPOSITORY / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "patient_text":
                    key = node.args[0] if node.args else None
                    where = f"{path.relative_to(REPOSITORY)}:{node.lineno}"
                    assert isinstance(key, ast.Constant), f"{where}: write the text's key out, so it can be checked"
                    used.setdefault(key.value, []).append(where)
    return used


def test_every_text_the_code_uses_is_in_the_english_texts_and_every_english_text_is_used() -> None:
    used, written = text_keys_in_code(), set(load_texts())
    assert used, "no patient_text call found: the scan is broken"
    missing = {key: where for key, where in used.items() if key not in written}
    assert not missing, f"missing from {ENGLISH_TEXTS}: {missing}"
    assert not written - set(used), f"texts no code uses in {ENGLISH_TEXTS}"


def test_every_other_language_has_each_text_its_answers_use() -> None:
    folders = {path.parent.name for path in language_files()}
    assert "es" in folders and "en" not in folders  # English is the assistant's own language, not a language file
    for path in language_files():
        assert set(load_language(path).texts) == set(TEXT_KEYS), path
    # Every other text a Spanish-speaking patient reads is English's, by choice: reply_text has no other key.
    assert {code: sorted(language.texts) for code, language in load_languages().items()} == {"es": sorted(TEXT_KEYS)}


def test_every_content_file_loads() -> None:
    load_lexicon(CONTENT_FOLDER / "warning_signs.yml")
    load_topic_words(CONTENT_FOLDER / "topic_words.yml")
    load_thresholds(CONTENT_FOLDER / "topic_confidence.yml")
    load_time_patterns(CONTENT_FOLDER / "time_vocabulary.yml")
    topic_question_status("how long does redness last?", CONTENT_FOLDER / "topic_questions.yml")
    load_texts(CONTENT_FOLDER / "en" / "texts.yml")
    assert load_languages(CONTENT_FOLDER)


def test_a_text_missing_or_without_a_placeholders_value_names_the_file_and_key() -> None:
    with pytest.raises(ConfigError, match=r"en/texts.yml: key 'plan.nothing' is missing"):
        patient_text("plan.nothing")
    with pytest.raises(ConfigError, match=r"en/texts.yml: key 'clinic.call': a \{placeholder\} has no value"):
        patient_text("clinic.call", clinic_name="Glow")


def test_an_empty_text_is_refused_naming_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "texts.yml"
    path.write_text("plan:\n  fine_now: ''\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="texts.yml: key 'plan.fine_now': the text is missing"):
        load_texts(path)
