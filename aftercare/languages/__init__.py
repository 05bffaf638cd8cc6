"""Patients who write in another language than English: what they are told, and which signs escalate.

Each language the assistant recognises is data, one folder per language in content/ (`content/es/`): its
`texts.yml` holds its name, the three texts (`redirect`, `warning_sign`, `emergency`) with clinic.yml's placeholders
and the name of its warning-sign lexicon, in the format of content/warning_signs.yml, read by the same engine.
Adding a language is adding a folder. English, the assistant's own language, is content/en/ (aftercare/texts.py).

`read_message` decides a message's language and the signs it reports in it; `language_intent` turns that into
the intent the dialogue acts on (never lowering an escalation); `reply_text` gives the text for a reply.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aftercare.assertion import EMERGENCY, classifier_may_escalate
from aftercare.escalation import EMERGENCY as ESCALATION_EMERGENCY
from aftercare.languages.detection import ENGLISH, detect_language
from aftercare.warning_signs import SYMPTOM, Lexicon, WarningSign, find_sign_mentions, load_lexicon
from aftercare.yaml_files import CONTENT_FOLDER, ConfigError, read_yaml_mapping

LANGUAGES_FOLDER = CONTENT_FOLDER
TEXTS_FILE = "texts.yml"  # in each language's folder
LANGUAGE_KEY = "language"  # the parsed message's key that carries its language to the actions
REDIRECT, WARNING_SIGN = "redirect", "warning_sign"
TEXT_KEYS = (REDIRECT, WARNING_SIGN, EMERGENCY)
PLACEHOLDERS = frozenset({"clinic_name", "injector_name", "phone", "hours", "emergency_number"})
# Every text must give the patient a number to call.
REQUIRED_PLACEHOLDERS = {
    REDIRECT: {"phone", "emergency_number"},
    WARNING_SIGN: {"phone"},
    EMERGENCY: {"emergency_number"},
}


@dataclass(frozen=True)
class Language:
    """One language's texts and warning-sign lexicon."""

    code: str
    name: str
    texts: Mapping[str, str]
    lexicon: Lexicon = field(repr=False)


@dataclass(frozen=True)
class MessageLanguage:
    """A message's language ("en" or a supported code) and every sign mention found in that language's words."""

    code: str
    mentions: tuple[WarningSign, ...] = ()

    @property
    def signs(self) -> list[WarningSign]:
        """The warning signs reported now (present or uncertain)."""
        return [sign for sign in self.mentions if sign.status.escalates and sign.category != SYMPTOM]


def language_files(folder: Path = LANGUAGES_FOLDER) -> list[Path]:
    """The language files of a folder: every `<two-letter code>/texts.yml` but English's."""
    return sorted(
        path
        for path in folder.glob(f"*/{TEXTS_FILE}")
        if len(path.parent.name) == 2 and path.parent.name.isalpha() and path.parent.name.lower() != ENGLISH
    )


def load_language(path: Path) -> Language:
    """Reads and checks one language file and compiles its lexicon.

    Raises:
        ConfigError: naming the file, the key and the problem (a missing text, an unknown placeholder, a text
            without the numbers, a lexicon that is missing or invalid).

    """
    data = read_yaml_mapping(path)
    code = path.parent.name.lower()
    if code == ENGLISH:
        raise ConfigError(f"{path}: English is the assistant's own language (domain.yml), not a language file")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{path}: key 'name': the language's name is missing")
    texts = {key: _checked_text(path, key, data.get(key)) for key in TEXT_KEYS}
    lexicon_name = data.get("warning_signs")
    if not isinstance(lexicon_name, str) or not lexicon_name.strip():
        raise ConfigError(f"{path}: key 'warning_signs': the warning-sign lexicon's file name is missing")
    lexicon_path = path.parent / lexicon_name
    if not lexicon_path.is_file():
        raise ConfigError(f"{path}: key 'warning_signs': {lexicon_path} not found")
    try:
        lexicon = load_lexicon(lexicon_path)
    except ConfigError as error:
        raise ConfigError(f"{path}: key 'warning_signs': invalid warning-sign lexicon: {error}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path}: key 'warning_signs': invalid warning-sign lexicon ({error!r})") from None
    return Language(code, name.strip(), texts, lexicon)


def _checked_text(path: Path, key: str, text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{path}: key '{key}': the text is missing")
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        raise ConfigError(f"{path}: key '{key}': a {{placeholder}} is badly written ({error})") from None
    unknown = used - PLACEHOLDERS
    if unknown:
        raise ConfigError(
            f"{path}: key '{key}': unknown placeholder {{{sorted(unknown)[0]}}} "
            f"(known: {', '.join(sorted(PLACEHOLDERS))})"
        )
    missing = REQUIRED_PLACEHOLDERS[key] - used
    if missing:
        raise ConfigError(f"{path}: key '{key}': must give the patient {{{sorted(missing)[0]}}}")
    return text.strip()


@functools.lru_cache(maxsize=4)
def load_languages(folder: Path = LANGUAGES_FOLDER) -> Mapping[str, Language]:
    """Every language file of the folder, by code; raises ConfigError on the first invalid one."""
    return {language.code: language for language in (load_language(path) for path in language_files(folder))}


def read_message(
    text: str, languages: Mapping[str, Language], english: Lexicon | None = None, english_mentioned: bool | None = None
) -> MessageLanguage:
    """The message's language and the sign mentions in its words.

    The detector decides, except that a sign in another language's words marks a message as that language,
    however short ("me desmayé" is too short for the detector), when the English lexicon finds no mention at all
    in it (so an English question about pus, which the English lexicon reads as general, stays English). `english`
    is the English lexicon, content/warning_signs.yml's by default; `english_mentioned` says whether it found a
    mention, when that is already known (the NLU pipeline's warning-sign detector read the message before).
    """
    code = detect_language(text, languages)
    if code != ENGLISH:
        return MessageLanguage(code, tuple(find_sign_mentions(text, languages[code].lexicon)))
    if english_mentioned is None:
        english_mentioned = bool(find_sign_mentions(text, english))
    if not english_mentioned:
        for language in languages.values():
            found = MessageLanguage(language.code, tuple(find_sign_mentions(text, language.lexicon)))
            if found.signs:
                return found
    return MessageLanguage(ENGLISH)


@dataclass(frozen=True)
class Intents:
    """The intent names language_intent chooses among (the component's configuration)."""

    emergency: str = "report_emergency"
    warning: str = "report_warning_sign"
    other_language: str = "other_language"
    fallback: str = "nlu_fallback"


def language_intent(
    predicted: str | None, message: MessageLanguage, english_signs_found: bool, intents: Intents | None = None
) -> str | None:
    """The intent a message in `message.code` should have instead of `predicted`, or None to keep it.

    An escalation is only ever raised: an emergency in the message's words is an emergency whatever was
    predicted; a warning sign raises anything below it. Without signs, a message in another language is
    `other_language` (answered in it with the numbers), except that the English detector's signs, or the
    classifier's report_* guess when the language's lexicon does not overrule it, still escalate. An English
    message cannot be `other_language`: the classifier's guess of it becomes a fallback.
    """
    intents = intents or Intents()
    if message.code == ENGLISH:
        return intents.fallback if predicted == intents.other_language else None
    signs = message.signs
    if any(sign.category == EMERGENCY for sign in signs):
        return None if predicted == intents.emergency else intents.emergency
    if signs:
        return None if predicted in (intents.emergency, intents.warning) else intents.warning
    if predicted in (intents.emergency, intents.warning):
        mentions = [(sign.category, sign.status) for sign in message.mentions]
        if english_signs_found or classifier_may_escalate(predicted == intents.emergency, mentions):
            return None
    return None if predicted == intents.other_language else intents.other_language


def message_language(parse_data: Mapping[str, Any]) -> str:
    """The language a parsed message was written in (its `language` key), "en" when it has none."""
    language = parse_data.get(LANGUAGE_KEY)
    return language if isinstance(language, str) and language else ENGLISH


def reply_text(
    code: str, key: str, details: Mapping[str, str], languages: Mapping[str, Language] | None = None
) -> str | None:
    """The text `key` in language `code` with the clinic's details filled in; None for English or an unknown code.

    `languages` defaults to this folder's language files.
    """
    language = (load_languages() if languages is None else languages).get(code)
    return language.texts[key].format(**details) if language is not None else None


def level_text(level: str) -> str:
    """The text that answers an escalation level (aftercare/escalation.py): the emergency or the warning sign."""
    return EMERGENCY if level == ESCALATION_EMERGENCY else WARNING_SIGN
