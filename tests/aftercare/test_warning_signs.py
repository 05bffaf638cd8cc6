"""The warning-sign detector on its own: what a patient writes, which red flags it raises.

A missed warning sign is the worst bug; a false alarm on an ordinary question is the second worst.
The held-out list in tests/held_out/warning_signs.yml is deliberately not used here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aftercare.assertion import Assertion
from aftercare.warning_signs import (
    CATEGORIES,
    DEFAULT_LEXICON_PATH,
    EFFECT,
    EMERGENCY,
    WarningSign,
    compile_lexicon,
    detect_warning_signs,
    find_sign_mentions,
    load_lexicon,
)

MUST_FIRE: list[tuple[str, list[str]]] = [
    # infection: pus, oozing, crust, warmth, spreading redness, streaks, smell, "infected", fever
    ("there's pus coming out of one of the dots", ["infection"]),
    ("my cheek was red yesterday and now it's spreading to my ear", ["infection"]),
    ("a pimple by my nose has a green tip", ["infection"]),
    ("i'm fighting for breath", [EMERGENCY]),
    ("my top lip is getting bigger and bigger", [EMERGENCY]),
    ("the puffiness is moving down to my throat", [EMERGENCY]),
    ("my right cheek is hotter than the left one", ["infection"]),
    ("thermometer says 38.9", ["infection"]),
    ("it's creeping up my neck", ["infection"]),
    ("my chest feels heavy", [EMERGENCY]),
    ("I think there's a bit of puss in it", ["infection"]),
    ("it's oozing clear stuff", ["infection"]),
    ("my cheek keeps oozeing", ["infection"]),
    ("the skin is weeping and sticky", ["infection"]),
    ("there's a honey colored crust on my chin", ["infection"]),
    ("it's all crusty around my nose", ["infection"]),
    ("yellow gunk on my forehead this morning", ["infection"]),
    ("the area is hot to the touch", ["infection"]),
    ("the red area is getting bigger", ["infection"]),
    ("I see red streaks near my jaw", ["infection"]),
    ("my face smells weird", ["infection"]),
    ("I think it's infeccted", ["infection"]),
    ("I'm running a temperature", ["infection"]),
    ("I have a fever and chills since last night", ["infection"]),
    ("there are pus-filled bumps on my forehead", ["infection"]),
    ("my skin is swollen and hot", ["infection"]),
    # cold sore
    ("I have blisters on my lip", ["cold_sore"]),
    ("a cold sore popped up this morning", ["cold_sore"]),
    ("got a fever blister near my mouth", ["cold_sore"]),
    ("I think it's a herpes flare", ["cold_sore"]),
    ("little blistters on my chin", ["cold_sore"]),
    ("my lip is tingling like before a coldsore", ["cold_sore"]),
    # allergy
    ("I broke out in hives", ["allergy"]),
    ("there's a rash on my neck", ["allergy"]),
    ("I have welts on my cheeks", ["allergy"]),
    ("itchy bumps all over my body", ["allergy"]),
    ("I think I'm having an allergic reaction to the serum", ["allergy"]),
    # bleeding
    ("it won't stop bleeding", ["bleeding"]),
    ("my forehead keeps bleeding", ["bleeding"]),
    ("I can't stop the bleeding", ["bleeding"]),
    ("the bleeding hasn't stopped", ["bleeding"]),
    ("it's been bleeding for hours", ["bleeding"]),
    # worsening
    ("the pain is getting worse", ["worsening"]),
    ("the swelling keeps increasing", ["worsening"]),
    ("it's worse than yesterday", ["worsening"]),
    ("I have severe pain in my cheeks", ["worsening"]),
    ("it's a throbbing pain", ["infection"]),
    ("the swelling has gotten worse overnight", ["worsening"]),
    ("the pain is unbearable", ["worsening"]),
    ("my face is still bright red after two weeks", ["worsening"]),
    # lump
    ("I can feel hard lumps on my jaw", ["lump"]),
    ("there's a nodule on my cheek", ["lump"]),
    ("new bumps under the skin on my forehead", ["lump"]),
    ("small knots under my skin", ["lump"]),
    # pigmentation
    ("dark patches appeared after the treatment", ["pigmentation"]),
    ("I have dark spots that won't fade", ["pigmentation"]),
    ("my skin is turning darker around my mouth", ["pigmentation"]),
    ("brown marks showed up since my session", ["pigmentation"]),
    # scarring
    ("I have tram track marks on my forehead", ["scarring"]),
    ("three weeks later I still have grid lines on my cheeks", ["scarring"]),
    ("the lines won't fade", ["scarring"]),
    ("I got a scar from the microneedling", ["scarring"]),
    ("my skin looks pitted now", ["scarring"]),
    # emergency
    ("I'm having trouble breathing", [EMERGENCY]),
    ("I can't breathe", [EMERGENCY]),
    ("i cant breath properly", [EMERGENCY]),
    ("I can't catch my breath", [EMERGENCY]),
    ("I'm short of breath", [EMERGENCY]),
    ("I'm wheezing", [EMERGENCY]),
    ("feeling wheezy", [EMERGENCY]),
    ("brething feels hard", [EMERGENCY]),
    ("my throat is closing", [EMERGENCY]),
    ("my throat feels tight", [EMERGENCY]),
    ("my tongue is swelling", [EMERGENCY]),
    ("my lips are swollen", [EMERGENCY]),
    ("I have puffy lips", [EMERGENCY]),
    ("my airway feels like it's closing", [EMERGENCY]),
    ("my throat feels like it is closing up", [EMERGENCY]),
    ("it's swelling more and more each day", ["worsening"]),
    ("the swelling keeps getting bigger", ["worsening"]),
    ("the needle marks from the treatment won't fade", ["scarring"]),
    ("my face is swelling up fast", [EMERGENCY]),
    ("I fainted in the shower", [EMERGENCY]),
    ("I passed out for a second", [EMERGENCY]),
    ("I feel like I'm passing out", [EMERGENCY]),
    ("I'm extremely dizzy", [EMERGENCY]),
    ("I have chest pain", [EMERGENCY]),
    ("my chest feels tight", [EMERGENCY]),
    # hedges keep the sign
    ("I think it might be infected", ["infection"]),
    ("could this be pus?", ["infection"]),
    ("maybe a little oozing", ["infection"]),
    ("not sure but it could be a cold sore", ["cold_sore"]),
    ("I don't know if it's normal but there's pus", ["infection"]),
    ("my face is swollen and im itchy all over", ["allergy"]),
    ("my face feels itchy all over and i have hives", ["allergy"]),
    # signs inside other questions
    ("can I wear make-up over the pus?", ["infection"]),
    ("can I put make-up over the yellow crust?", ["infection"]),
    ("is it normal to have pus?", ["infection"]),
    ("should I worry about these blisters on my lip?", ["cold_sore"]),
    ("what cream should I put on the oozing spots?", ["infection"]),
    ("is it ok that my lips are swelling?", [EMERGENCY]),
    ("what should I do, it won't stop bleeding", ["bleeding"]),
    # double negatives and answers: still a sign
    ("it hasn't stopped oozing", ["infection"]),
    ("the rash still hasn't gone away", ["allergy"]),
    ("no, it's still oozing", ["infection"]),
    ("I don't have a fever but I have chills", ["infection"]),
    ("no pus but the redness is spreading", ["infection"]),
    ("can I go out without make-up with these blisters?", ["cold_sore"]),
    # several signs
    ("there's pus and my lips are swelling", ["infection", EMERGENCY]),
    ("I have hives and I can't breathe", ["allergy", EMERGENCY]),
    ("there's pus, and the pain is getting worse", ["infection", "worsening"]),
]

MUST_NOT_FIRE: list[str] = [
    # negated
    "no pus",
    "there is no pus",
    "not bleeding anymore",
    "I don't have a fever",
    "I do not have any fever or chills",
    "without any swelling",
    "no signs of infection",
    "never had a cold sore",
    "no blisters or crust, just pink",
    "no pus, fever or chills",
    "I'm not having any trouble breathing",
    "my lips aren't swollen",
    "I haven't noticed any oozing",
    "it doesn't look infected",
    # resolved
    "the redness is gone",
    "it stopped bleeding",
    "the rash went away",
    "it stopped oozing",
    "the blisters have healed",
    "the crust fell off",
    # general questions
    "what are the signs of infection?",
    "how do I avoid infection?",
    "what is the risk of infection?",
    "infection chances after this?",
    # other meanings (lexicon `benign`)
    "had an ear infection last winter",
    "my wallet is bleeding after all these sessions",
    "this is my breakout year",
    "can i have hot sauce on my food",
    "blue streaks in my hair ok?",
    "is swelling something to watch for?",
    # itching is normal while the skin heals; itching all over the body is not (MUST_FIRE)
    "my whole face is itchy all over today",
    "can microneedling cause cold sores?",
    "will it help my acne scars?",
    "will it help my dark spots?",
    "is bleeding normal?",
    "how long does swelling last?",
    "is a little redness normal?",
    "what does an infection look like?",
    "how can I tell if it's infected?",
    "is infection common after microneedling?",
    "I'm worried about getting an infection",
    "what happens if I get a cold sore?",
    "does microneedling help with hyperpigmentation?",
    "how do I prevent scarring?",
    "I usually get cold sores, should I take something before?",
    # expected effects
    "my face is red and a bit swollen",
    "it's pink today",
    "mild swelling around my eyes",
    "my skin is dry and flaky",
    "it's peeling on day 3",
    "my skin feels tight",
    "it's a bit itchy",
    "I have a couple of small pimples",
    "there's a small bruise on my cheek",
    "it bled a bit right after",
    "it's sore and a bit warm",
    # ordinary care questions
    "can I wear make-up tomorrow?",
    "when can I use retinol again?",
    "is it ok to go to the gym?",
    "can I use vitamin c serum?",
    "thanks, that helps!",
    "I'm allergic to latex, is that a problem?",
    "what is a normal reaction to microneedling?",
    "I have a sore throat from a cold, can I still come in?",
    "",
]


def categories(text: str) -> list[str]:
    return sorted({sign.category for sign in detect_warning_signs(text)})


@pytest.mark.parametrize(("text", "expected"), MUST_FIRE)
def test_reported_signs_fire(text: str, expected: list[str]) -> None:
    assert categories(text) == sorted(expected)


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_negated_resolved_general_and_benign_messages_do_not_fire(text: str) -> None:
    assert detect_warning_signs(text) == []


def test_every_category_has_cases_that_must_fire() -> None:
    covered = {category for _, expected in MUST_FIRE for category in expected}
    assert covered == set(CATEGORIES)


def test_a_sign_gives_its_category_and_exact_position() -> None:
    text = "Help, my lips are swelling and there's pus"
    assert detect_warning_signs(text) == [
        WarningSign(EMERGENCY, 9, 26, "lips are swelling"),
        WarningSign("infection", 39, 42, "pus"),
    ]


def test_signs_come_in_order_of_position() -> None:
    signs = detect_warning_signs("hives on my neck, then pus, then I fainted")
    assert [sign.category for sign in signs] == ["allergy", "infection", EMERGENCY]
    assert [sign.start for sign in signs] == sorted(sign.start for sign in signs)


def test_fever_blister_is_a_cold_sore_not_a_fever() -> None:
    assert categories("I have a fever blister") == ["cold_sore"]


def test_curly_apostrophes_read_like_straight_ones() -> None:
    assert categories("I can\u2019t breathe") == [EMERGENCY]
    assert categories("I don\u2019t have a fever") == []


@pytest.mark.parametrize(
    "text",
    [
        "😷🔥💉" * 100,
        "pus " * 5000,  # 20,000 characters
        "x" * 20_000,
        "أشعر بألم بعد العلاج",
        "\u202e\u200fsupeR\u202c",
        "\x00\x07\x1b[31m pus \x00",
        "\ud800 lone surrogate",
        "   \n\n\t  ",
        "?!?!...,,,;;;",
        "no" * 10_000,
    ],
    ids=["emoji", "20k-signs", "20k-letters", "arabic", "rtl", "control", "surrogate", "blank", "punct", "20k-no"],
)
def test_never_raises_on_odd_text(text: str) -> None:
    signs = detect_warning_signs(text)
    assert all(sign.category in CATEGORIES for sign in signs)
    assert all(text[sign.start : sign.end] == sign.text for sign in signs)


@pytest.mark.parametrize(
    "run", ["😷🔥💉" * 7000, "?!" * 10_000, "(" * 20_000, '"' * 20_000], ids=["emoji", "?!", "(", "quotes"]
)
def test_long_runs_of_symbols_do_not_hide_a_sign_after_them(run: str) -> None:
    assert categories(f"my throat is closing {run} I can't breathe") == [EMERGENCY]


def test_twenty_thousand_characters_are_read_to_the_end() -> None:
    text = "all good today. " * 1250 + "I can't breathe"
    assert len(text) > 20_000
    assert categories(text) == [EMERGENCY]


def test_the_lexicon_is_loaded_once() -> None:
    assert load_lexicon(DEFAULT_LEXICON_PATH) is load_lexicon(str(DEFAULT_LEXICON_PATH))


def test_a_clinician_can_add_a_phrase_in_yaml(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_LEXICON_PATH.read_text(encoding="utf-8"))
    assert categories("my skin went shiny") == []
    data["signs"]["infection"].append("{skin} went|turned shiny")
    path = tmp_path / "warning_signs.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    signs = detect_warning_signs("my skin went shiny", load_lexicon(path))
    assert [sign.category for sign in signs] == ["infection"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"signs": {"acne": ["pimple"]}}, "Unknown warning-sign categories"),
        ({"signs": {"infection": ["{nonexistent}"]}}, "Unknown word group"),
        ({"negation": {"cues": [False]}}, "put it in quotes"),  # an unquoted `no` in YAML
        ({"contractions": {"cannae": "can not"}}, "must split in two"),  # no "|" where the negation starts
    ],
)
def test_a_broken_lexicon_is_refused_with_a_reason(change: dict, message: str) -> None:
    data = yaml.safe_load(DEFAULT_LEXICON_PATH.read_text(encoding="utf-8"))
    for section, value in change.items():
        data[section] = {**data[section], **value}
    with pytest.raises(ValueError, match=message):
        compile_lexicon(data)


# --- Assertion status: only what the patient has now escalates ----------------------------------------------

STATUSES: list[tuple[str, list[tuple[str, Assertion]]]] = [
    ("there is a bit of pus near my nose", [("infection", Assertion.PRESENT)]),
    ("I think the spot by my ear could be infected", [("infection", Assertion.UNCERTAIN)]),
    ("nothing oozing at all", [("infection", Assertion.NEGATED)]),
    ("I had a rash on Monday but it has gone", [("allergy", Assertion.RESOLVED)]),
    ("had chills this morning, but they have passed", [("infection", Assertion.RESOLVED)]),
    ("what lowers the risk of keloids or pigmentation?", [("scarring", Assertion.HYPOTHETICAL)]),
    ("how can I tell the difference between dryness and infection?", [("infection", Assertion.GENERAL)]),
    ("is a yellow crust ever normal?", [("infection", Assertion.GENERAL)]),
    ("it was bleeding a lot during the treatment, is that usual?", [("bleeding", Assertion.PAST)]),
    ("I had cold sores as a teenager", [("cold_sore", Assertion.PAST)]),
    ("my brother has impetigo, can I see him?", [("infection", Assertion.OTHER_PERSON)]),
    # another meaning of a symptom's word (lexicon `benign`): it also overrules the classifier's report_* guess
    ("is a hot water bottle on my feet ok tonight", [("symptom", Assertion.BENIGN)]),
    ("my husband thinks i look really hot with rosy cheeks", [("symptom", Assertion.BENIGN)]),
    ("my face is hot after a hot shower", [("symptom", Assertion.PRESENT), ("symptom", Assertion.BENIGN)]),
    # symptoms that tell the classifier's report_* guess it is wrong once they are gone
    ("my temp has gone back down", [("symptom", Assertion.RESOLVED)]),
    ("the little bumps have cleared up", [("symptom", Assertion.RESOLVED)]),
]


@pytest.mark.parametrize(("text", "expected"), STATUSES)
def test_every_mention_gets_its_assertion_status(text: str, expected: list[tuple[str, Assertion]]) -> None:
    signs_and_symptoms = [sign for sign in find_sign_mentions(text) if sign.category != EFFECT]
    assert [(sign.category, sign.status) for sign in signs_and_symptoms] == expected


@pytest.mark.parametrize(
    "text",
    [
        "the rash is spreading but it stopped itching",  # the resolution is about another symptom
        "it started during the treatment and now it keeps bleeding",  # past cue, but there now
        "my husband says it's oozing",  # reported speech about the patient's own skin
        "my sister noticed my lip has a blister",  # first person between the cue and the sign
        "my friend's throat is closing up",  # an emergency is never someone else's to ignore
        "if my throat is closing right now what do i do",  # an "if" with a sign there now
        "im not sure if its pus",  # "if" meaning whether
        "my lips are swelling, what do i do if it gets worse",  # the sign before the "if"
    ],
)
def test_signs_the_patient_may_have_now_still_escalate(text: str) -> None:
    assert detect_warning_signs(text)


def test_detect_warning_signs_keeps_only_mentions_that_escalate() -> None:
    text = "no fever, but there is pus"
    assert [sign.status for sign in find_sign_mentions(text)] == [Assertion.NEGATED, Assertion.PRESENT]
    assert [sign.text for sign in detect_warning_signs(text)] == ["pus"]


@pytest.mark.parametrize(
    ("text", "topic", "status"),
    [
        ("the bruise on my cheek has faded", "bruising", Assertion.RESOLVED),
        ("not red any more", "redness", Assertion.NEGATED),
        ("my face is still a bit pink", "redness", Assertion.PRESENT),
    ],
)
def test_an_expected_effect_names_its_care_topic_and_never_escalates(text: str, topic: str, status: Assertion) -> None:
    [effect] = [sign for sign in find_sign_mentions(text) if sign.category == EFFECT]
    assert (effect.topic, effect.status, effect.escalates) == (topic, status, False)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("what if my tongue swells?", "emergency"),
        ("what should I do if my lips swell?", "emergency"),
        ("what if I start having trouble breathing tonight, who do I call?", "emergency"),
        ("in case i get hives what should i take", "allergy"),
        ("if the redness spreads do I need antibiotics?", "infection"),
    ],
)
def test_a_sign_supposed_after_if_is_asked_about_not_reported(text: str, category: str) -> None:
    """Answered with what to do if it happens (aftercare/turn.py), never an alarm."""
    assert not detect_warning_signs(text)
    assert [(m.category, m.status) for m in find_sign_mentions(text)] == [(category, Assertion.HYPOTHETICAL)]


@pytest.mark.parametrize(
    "text",
    [
        "there's a whistling noise when I breathe in",  # noisy breathing
        "her breathing sounds rattly",
        "my husband is not making sense",  # confusion
        "he seems really confused and drowsy",
        "my son is having a seizure",
        "she's barely responding to me",
        "my partner's lips look blue",
        "temp is 104.2 and I've thrown up twice",  # a fever with vomiting, anywhere in the message
        "fever of 40, she's vomiting and shivering",
        "high fever with rigors and teeth chattering",
        "hives on my neck and my throat feels itchy",  # anaphylaxis: hives with an itchy or tight throat
        "welts everywhere and a tight throat",
    ],
)
def test_emergencies_said_in_other_words_or_in_combination_go_to_the_emergency_number(text: str) -> None:
    assert EMERGENCY in {sign.category for sign in detect_warning_signs(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I was confused about which serum to use",
        "can I use a grey lip balm",
        "allergic reaction on my cheeks, throat is fine",
        "rash on my face, no itchy throat",
        "no fever but I threw up after lunch",
        "what if I get a fever and start vomiting",
        "my throat is a bit scratchy from a cold",
    ],
)
def test_a_part_of_a_combination_alone_or_not_there_now_is_no_emergency(text: str) -> None:
    assert EMERGENCY not in {sign.category for sign in detect_warning_signs(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Writing for my wife: she has yellow pus coming out of a couple of the needle spots",  # says so
        "my son had it done on Monday and now he's running a fever",  # there now
        "my boyfriend came out in itchy welts on his face tonight",
        "my mom had microneedling and now she cant breathe what do i do",  # asking for help is no word of oneself
        "my husband's lips and tongue are swelling after he tried my numbing cream",
        "my mum passed out after her session and she's still very drowsy",
        "my son is having a seizure",
    ],
)
def test_someone_writing_for_the_patient_reports_the_patients_sign(text: str) -> None:
    assert detect_warning_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "My coworker fainted at work today (heat). Anyway is it ok if I go back in tomorrow with red skin?",  # self
        "boyfriend has a swollen lip from a bee sting - can i use the ice pack on my face too",
        "my sister broke out in a rash after her microneedling, how likely is that for me?",
        "my colleague had hives after her treatment, is that common",  # a story told in the past
        "my mum's lips swelled up after her filler, could that happen with microneedling?",
        "a girl at work said she got scarring from it",  # a stranger is never the patient
    ],
)
def test_someone_elses_sign_unrelated_to_the_patient_raises_no_alarm(text: str) -> None:
    assert not detect_warning_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "cant breathe properly after the numbing cream came off",  # the resolution is the cream's, another event
        "my eyelids are swelling up again after they'd gone down",
        "I cant breathe. if it gets worse do i call 911?",  # the "if" is another sentence's
    ],
)
def test_a_resolution_or_supposition_about_another_event_leaves_the_sign_present(text: str) -> None:
    assert detect_warning_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "if my face gets hot and throbbing on one side is that infection?",  # an "if" opening its sentence
        "Back in 2019 I had a cold sore after a laser treatment. Should I take something preventive?",
        "I had an allergic reaction to a serum in my twenties",
        "my car's radiator is leaking and I have to go to the garage tomorrow",
        "does ibuprofen make bruising worse?",
    ],
)
def test_supposed_past_and_other_meanings_raise_no_alarm(text: str) -> None:
    assert not detect_warning_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "my husband has a cold sore at the moment, is it safe to kiss him while my face heals?",  # the writer's face
        "I'm caring for my dad who's got a fever, I had microneedling yesterday, is it ok to look after him?",
        "should I worry if i see pus",  # a supposition
        "Just so I know, if I get really dizzy later is that normal or not?",
        "I had a fever the week before my treatment, does that affect healing?",  # before the treatment
        "The warm patch on my cheek cooled down overnight and it's not sore any more",
    ],
)
def test_more_signs_that_are_not_the_patients_now_raise_no_alarm(text: str) -> None:
    assert not detect_warning_signs(text)


def test_a_sign_that_was_not_there_last_week_is_there_now() -> None:
    assert detect_warning_signs("she has developed a firm nodule on the left cheek, not present last week")


@pytest.mark.parametrize(
    "text",
    ["my wife said she can't breathe", "his throat is closing up", "my son says his lips feel kinda puffy maybe?"],
)
def test_an_emergency_told_of_someone_there_now_goes_to_the_emergency_number(text: str) -> None:
    assert EMERGENCY in {sign.category for sign in detect_warning_signs(text)}


@pytest.mark.parametrize(
    "text",
    [
        "suppose my lips swell up tonight, do I ring 999?",
        "let's say I get a rash next week, what then",
        "hypothetically if there was pus would you want to see me",
        "not a single spot of pus anywhere",
        "nothings weeping or crusting",
        "the dizzy spell passed within a minute of sitting down",
        "would a yellow crust be a bad sign?",
        "can dark patches ever appear after this treatment?",
    ],
)
def test_suppositions_single_negations_passing_signs_and_modal_questions_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "the redness has spread and passed my jawline",
        "my lips swelled up and I nearly passed out",
        "I say it's pus, my husband says it's just cream",
        "is this yellow crust a bad sign?",
    ],
)
def test_a_sign_with_those_words_nearby_still_fires(text: str) -> None:
    assert detect_warning_signs(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "my toddler has croup and a fever, can I still cuddle her with my face healing?",
        "our little lad has a temperature from nursery, is it ok to kiss him with my skin like this",
        "my grandson has hives from the cat, can I still put my serum on?",
    ],
)
def test_a_childs_or_relatives_own_illness_beside_the_writers_care_raises_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "my gran's lips are swelling up since her microneedling this morning",
        "my hubby has pus coming out of his cheek after his treatment",
    ],
)
def test_a_relative_who_had_the_treatment_is_the_patient(text: str) -> None:
    assert detect_warning_signs(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "what would pus even look like?",
        "the bill was hard to swallow to be honest",
        "the fridge is making a whistling noise",
        "waiting on hold makes my blood boil",
    ],
)
def test_idioms_noisy_objects_and_an_even_in_a_question_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text", ["my lips are swelling and it's hard to swallow", "I'm wheezing", "is there even pus? yes, lots of pus"]
)
def test_the_same_words_about_the_patient_still_fire(text: str) -> None:
    assert detect_warning_signs(text) != []


@pytest.mark.parametrize(
    "text",
    ["my face is red and warm, just as the nurse said it would be", "cheeks hot and puffy like the leaflet said"],
)
def test_effects_the_patient_was_told_to_expect_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []
    assert Assertion.EXPECTED in {sign.status for sign in find_sign_mentions(text)}


@pytest.mark.parametrize(
    "text",
    [
        "there is pus, as expected?",
        "the redness is spreading, as the nurse warned it might",
        "my lips are swelling, like the nurse said",
    ],
)
def test_a_sign_is_never_expected_and_an_emergency_never_is(text: str) -> None:
    assert detect_warning_signs(text) != []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("the puffiness settled on tuesday but it's come back today", "worsening"),
        ("my cheeks had calmed down and now the redness has flared up again", "worsening"),
        ("rash was fading, now it's back and angrier", "worsening"),
        ("the left side feels warmer than yesterday", "worsening"),
        ("soreness was a 3 this morning and it's an 8 tonight", "worsening"),
        ("on a scale of 1-10 the pain was 2/10 yesterday, now 7/10", "worsening"),
    ],
)
def test_a_sign_that_came_back_or_grew_since_before_is_a_worsening(text: str, category: str) -> None:
    assert category in [sign.category for sign in detect_warning_signs(text)]


@pytest.mark.parametrize(
    "text",
    [
        "the swelling hasn't come back since monday",
        "what if the redness comes back after a hot shower?",
        "pain was a 6 yesterday and it's a 2 today",
        "it was sore during the treatment, maybe a 4 out of 10",
        "my acne flared up again last month",
    ],
)
def test_a_sign_that_stayed_away_or_eased_or_a_story_raises_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my chest might be feelin a bit tight", EMERGENCY),
        ("throat is gettin kinda tight", EMERGENCY),
        ("raised angry bumps over my jaw", "allergy"),
        ("there's a funny smell coming off my chin", "infection"),
        ("my jawline looks a bit darker than it was, brownish", "pigmentation"),
        ("temp's 38.4 and I feel awful", "infection"),
        ("scars where the needles went, weeks later", "scarring"),
    ],
)
def test_hedged_spoken_and_everyday_wording_still_fires(text: str, category: str) -> None:
    assert category in [sign.category for sign in detect_warning_signs(text)]


@pytest.mark.parametrize(
    "text",
    [
        "breathing's fine and my throat feels normal, just tight skin",
        "my throat is fine, no trouble breathing",
        "the pain in the neck is my boss, not my face",
        "my cat has an infected paw, can I still cuddle her?",
        "the damp on the bathroom wall is spreading",
        "I had a temperature of 38 yesterday but it's 36.9 now",
        "the faint I had straight after has passed and I'm fine",
        "I had shingles in the spring, fine now though",
        "pain's not getting any worse",
        "would a blister be something to worry about?",
        "does a rash mean I'm allergic?",
    ],
)
def test_organs_said_to_be_fine_animals_objects_and_signs_gone_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


def test_an_organ_said_to_be_fine_does_not_hide_a_sign_beside_it() -> None:
    assert [sign.category for sign in detect_warning_signs("breathing is fine but my lips are swelling")] == [EMERGENCY]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("a numb patch by my jaw for two days now", "worsening"),
        ("my sight has gone fuzzy on the left", "worsening"),
        ("I suddenly can't see anything out of one eye", EMERGENCY),
    ],
)
def test_numbness_that_lasts_and_sight_that_changes_are_warning_signs(text: str, category: str) -> None:
    assert category in [sign.category for sign in detect_warning_signs(text)]


@pytest.mark.parametrize(
    "text",
    [
        "say my lips swell up tonight, do I ring 999?",
        "imagine I get a blister next week, what then",
        "a rash on Friday after the new cleanser, cleared by Saturday and nothing since",
        "I ran a temperature on day one, gone by day two and fine since",
        "the jar of balm you sold me is leaking into my handbag",
        "the view from the hotel took my breath away",
        "the grid marks are faint now, will they go?",
    ],
)
def test_opening_suppositions_passing_signs_objects_and_early_marks_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


def test_say_inside_a_sentence_supposes_nothing() -> None:
    assert detect_warning_signs("my husband would say my lips are swelling up") != []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("the spots have purulent discharge", "infection"),
        ("a patch on my jaw has gone dusky", "worsening"),
        ("her lips are turning blue", EMERGENCY),
        ("everything went black in my left eye", EMERGENCY),
        ("I'm at 38.7 now", "infection"),
        ("some pinkish fluid is weeping on day 4", "infection"),
    ],
)
def test_medical_words_colour_changes_sight_and_readings_fire(text: str, category: str) -> None:
    assert category in [sign.category for sign in detect_warning_signs(text)]


@pytest.mark.parametrize(
    "text",
    [
        "a bit of clear fluid seeping, only had it done an hour ago",
        "face swollen and warm straight after the treatment",
        "swelling isn't getting any worse",
        "I had an anaphylactic reaction when I was 12, is that a problem?",
        "mi abuela has a fever, can I still visit her with my face like this?",
        "I'm breathless waiting to see the results",
        "I had a temperature this morning, 37.9, but it's gone now",
    ],
)
def test_early_oozing_childhood_history_and_family_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "his mouth is drooping on one side",
        "she can't raise her left arm",
        "a heaviness across my chest",
        "there's a whistle every time she breathes",
        "temp 104.5F and shivering like mad",
    ],
)
def test_stroke_and_heart_signs_noisy_breathing_and_a_reading_with_its_unit_are_emergencies(text: str) -> None:
    assert EMERGENCY in [sign.category for sign in detect_warning_signs(text)]


@pytest.mark.parametrize(
    "text",
    [
        "the swelling went overnight and has stayed away",
        "he had the chills the first night but nothing since",
        "how would I identify an infection?",
        "as a girl I had a reaction to penicillin",
        "cup fever has taken over the office",
    ],
)
def test_signs_that_stayed_away_distinctions_childhood_and_more_idioms_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "my face is hot and swollen, 2 hrs out",
        "warm to the touch all over. only had it done an hour ago",
        "is it bad if the swelling gets worse? asking before it happens",
    ],
)
def test_the_first_hours_and_questions_asked_ahead_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


def test_an_early_hour_never_makes_pus_expected() -> None:
    assert detect_warning_signs("yellow pus on my chin, only had it done an hour ago") != []


def test_redness_moving_down_the_neck_and_no_better_than_day_one_are_warning_signs() -> None:
    assert detect_warning_signs("the red is going down to my neck")
    assert detect_warning_signs("day 6 and no better than day 1")


def test_a_symptom_that_runs_into_a_negated_sign_is_negated_with_it() -> None:
    statuses = {sign.text: sign.status for sign in find_sign_mentions("the soreness isn't getting worse")}
    assert statuses["soreness"] == Assertion.NEGATED


@pytest.mark.parametrize(
    "text", ["I had a cold sore last year, grand now", "a rash at my last session, still ok though"]
)
def test_a_now_that_says_all_is_well_does_not_bring_a_past_sign_back(text: str) -> None:
    assert detect_warning_signs(text) == []


def test_a_clause_opening_with_a_resolution_word_that_takes_an_object_resolves_nothing() -> None:
    assert detect_warning_signs("it keeps bleeding, gone through two tissues already") != []


@pytest.mark.parametrize(
    "text",
    [
        # a relation's verb in the plural is no "I have" ("ive" reads "i have")
        "My daughter had microneedling Friday and now she has a fever, have you got any advice?",
        # a person who had the treatment is the patient, even one the writer cares for
        "I look after a gentleman who had his microneedling on Thursday and his cheek is oozing yellow stuff",
    ],
)
def test_a_relatives_plural_verb_or_a_person_said_to_be_treated_is_the_patients_report(text: str) -> None:
    assert detect_warning_signs(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "me mam has hives from her new perfume, can I still use my serum?",  # "me" for "my"
        "My brothers have the flu with fever, I stay with them. Is it fine for my face?",
        "one of my residents has an infected toe, can I change the dressing while my face heals?",
    ],
)
def test_someone_elses_sign_while_the_writer_speaks_of_their_own_care_raises_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I had a small cold sore on day 3, the pharmacist gave me a cream, it cleared up by day 5",
        "had a fever on Friday but now it's gone",
        "Before I had fever but now is finish",
        "I had hives on Saturday, took an antihistamine, they're gone",
    ],
)
def test_a_sign_resolved_a_clause_later_or_after_now_is_resolved(text: str) -> None:
    assert detect_warning_signs(text) == []


def test_a_resolution_after_a_clause_naming_another_sign_is_not_about_the_first() -> None:
    assert detect_warning_signs("Had a cold sore on day 2, the redness went down, it's gone now") != []


@pytest.mark.parametrize(
    "text",
    [
        "would it be a problem if my face went hot and red again?",
        "just wondering if my chin was to get crusty and yellow, what should I do?",
        "can hives appear later, like a week after?",
    ],
)
def test_what_would_happen_and_what_may_come_later_are_supposed(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text", ["is it ok if my face is hot and red?", "I was wondering if it's normal that my face went hot and red"]
)
def test_an_if_about_what_the_patient_has_now_still_escalates(text: str) -> None:
    assert detect_warning_signs(text) != []


def test_a_sign_that_came_right_back_is_a_worsening() -> None:
    assert detect_warning_signs("the swelling went down on day 2 but it's come straight back tonight")


def test_a_red_hot_offer_is_no_sign_but_red_hot_cheeks_are() -> None:
    assert detect_warning_signs("is your red-hot winter deal still on?") == []
    assert detect_warning_signs("my cheeks are red-hot and throbbing") != []


@pytest.mark.parametrize(
    ("text", "expectable"),
    [("my cheeks are hot and red", True), ("yellow pus on my chin", False), ("swelling more and more", False)],
)
def test_a_sign_named_only_in_an_expected_effects_words_is_expectable(text: str, expectable: bool) -> None:
    signs = detect_warning_signs(text)
    assert signs and all(sign.expectable == expectable for sign in signs)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("temp reading 40.6 on the thermometer and I feel awful", EMERGENCY),  # 40 C and over, alone
        ("my chin puffed up again this morning", "worsening"),  # back after settling
        ("the pink had gone but tonight it's gone red again", "worsening"),
        ("one cheek is much redder than the other side", "infection"),
        ("my forehead looks warmer than it did last night", "worsening"),
        ("patches on my cheek have turned white and purple", "worsening"),
    ],
)
def test_a_very_high_reading_a_return_a_difference_and_a_colour_are_signs(text: str, category: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "I always carry an EpiPen because of bees, is microneedling ok for me?",
        "the oozing stopped an hour after I got home, dry since",  # a gap does not run over a resolution
        "swelling was bad on day 1, now 0/10",
        "had a rash then. Now all faded and gone",
        "my son's tummy bug has spread like wildfire through the house",
        "had hives after a peel 2 yrs ago",
        "how do I tell a breakout apart from an infection?",
        "the mark on my cheek isn't getting any bigger",
    ],
)
def test_a_carried_pen_a_resolution_an_old_story_and_a_general_question_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(("text", "intense"), [("still really red", True), ("still a little pink", False)])
def test_an_effect_said_with_an_intensity_word_is_intense(text: str, intense: bool) -> None:
    assert [sign.intense for sign in find_sign_mentions(text) if sign.category == "effect"] == [intense]


def test_a_grid_of_needle_marks_is_an_expected_effect() -> None:
    assert [sign.category for sign in find_sign_mentions("tiny lines like a grid on my forehead")] == ["effect"]


@pytest.mark.parametrize(
    "text",
    [
        "my right eye has swollen shut since this morning",
        "I can't open my eye fully, it's so puffy",
        "I can hardly see out of my left eye",
        "I can barely see anything, my eye is so puffy",
        "a patch of my chin is numb and it's day 2",
        "my top lip is numb still, over a day now",
        "39 temperature since lunch",
    ],
)
def test_an_eye_swollen_shut_numbness_that_stays_and_a_reading_before_its_noun_escalate(text: str) -> None:
    assert detect_warning_signs(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "nowt oozing, just pink",  # dialect negation
        "had a reaction to plasters back in the nineties",
        "would it be bad if I get a cold sore from the treatment?",
        "the bleeding stop within half an hour",
        "my bread has gone crusty and yellow on top",
        "I was choking laughing at your video",
        "gasping for a cuppa after that appointment",
    ],
)
def test_dialect_negation_an_old_decade_a_supposition_a_resolution_and_idioms_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "my cheek's gone hot and angry, it was settling down nicely yesterday",  # how it was, not how it is
        "my chin might be getting warmer",
        "there's a bit of a whiff from the scab",
        "I can't feel my chin still, since the morning",
        "no sure but ma cheek is going hot and red",  # "ma" for "my"
        "numb like at the dentist since Monday, can't feel my lip still",
    ],
)
def test_a_return_after_settling_a_warmer_cheek_a_smell_and_numbness_that_stays_escalate(text: str) -> None:
    assert detect_warning_signs(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "nae fever, nae pus",
        "the redness isn't any worse",
        "the warm patch has calmed right down",
        "my heart is swelling with pride",
        "my head is spinning with all these forms",
        "the colours of my new top bled in the wash",
        "the pizza came out with a blistered crust",
    ],
)
def test_scots_negation_no_worse_settled_right_down_and_more_idioms_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("she's saying words that make no sense and one side of her face won't move", EMERGENCY),
        ("a spot on my chin has gone a weird greyish colour", "worsening"),
        ("there's a place on my jaw that is numb since Saturday", "worsening"),
        ("I don't feel anything when I touch my cheek", "worsening"),
    ],
)
def test_stroke_signs_a_grey_patch_and_a_numb_place_are_signs(text: str, category: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "took my temperature, 36.9, all normal",
        "could it be an issue if I came out in hives?",  # the verb after the sign still supposes
        "the leaflet says to look out for any signs of infection",
        "my friend said some people get scarring, is that true?",
    ],
)
def test_a_normal_reading_a_supposition_and_general_talk_about_signs_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("brown spots where they did the pen on my forehead", "pigmentation"),
        ("brown marks developed on my forehead, last time I didn't have any", "pigmentation"),  # new this time
        ("my chin has started to scar up", "scarring"),
        ("there are shiny raised lines on my cheek", "scarring"),
        ("a bit of my jaw that is numb, 3 days on", "worsening"),
        ("I can't feel it when I touch my cheek", "worsening"),
        ("she was 38.4 this morning", "infection"),
        # a person said anywhere in the message to have had the treatment is the patient
        ("I reckon his jaw is more swollen than this morning, maybe? He had it done on Friday", "worsening"),
    ],
)
def test_marks_where_the_pen_went_a_scar_forming_a_numb_bit_a_reading_and_a_treated_partner_are_signs(
    text: str, category: str
) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "the fitting for my bridesmaid dress is tomorrow, can I wear makeup?",
        "the heat on the tube was suffocating today, is sweating bad for my skin?",
        "mi son have a cold, can mi still kiss him with mi face like this?",  # "mi" for "my"
        "had some shivers on day 1, now I'm fine",
        "had a rash and it was itchy on day 1, all gone now",  # "all" speaks of every sign before it
        "I had a rash and my lip swelled a little. Both settled since",
        "I was 38.2 on Sunday but it went yesterday",
        "my cousin's cheek got infected after she had it done abroad",  # her story, not the patient's
        "is it bad if my skin goes hot again? just so I know what to look out for",
    ],
)
def test_a_fitting_a_stifling_room_a_dialect_possessive_and_resolutions_of_everything_raise_no_alarm(
    text: str,
) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("sores on my cheek that are not healing, 12 days now", "infection"),
        ("raised weals on my neck, very itchy", "allergy"),  # as a nurse or a pharmacist writes them
        ("she is pyrexial this evening", "infection"),
        ("the puffiness went down yesterday but it's back up again", "worsening"),
        ("two weeks on and swelling is persisting", "worsening"),
        ("my cheek is swollen again, I had that last time too", "worsening"),  # "again": there now
        ("my lips are  swelling and I  can't breathe", EMERGENCY),  # extra spaces between words
        ("I am having some difficulty in breathing", EMERGENCY),  # but "no problem with breathing" is no mention
    ],
)
def test_wounds_that_do_not_heal_clinical_words_a_swelling_back_up_and_extra_spaces_are_signs(
    text: str, category: str
) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "how would I ever know if it's infected?",
        "got a nasty infection off a piercing in me teens",
        "in my last pregnancy I had hives all the time",
        "I had a fever after my first session, wondering if it will happen again",
        "that documentary left me breathless",
        "the traffic is choking me this morning",
        "this podcast is giving me \U0001f631 chills",  # an emoji between the words of an idiom
        "I had blisters before but now already dry and gone",
    ],
)
def test_a_question_an_old_story_a_worry_ahead_idioms_and_blisters_dry_and_gone_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "there's a faint pink outline where the pen went, will it fade?",  # "faint" as an adjective
        "can a pimple turn into an infection?",
        "derby fever at ours this weekend, can I have a beer?",
        "my makeup brushes are crusty, should I wash them before using them?",
        "the numbness wore off after an hour",
    ],
)
def test_a_faint_outline_a_question_of_becoming_event_fever_crusty_brushes_and_numbness_worn_off_raise_no_alarm(
    text: str,
) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "should I notice any trouble breathing, who do I ring?",  # "should I" opening a supposition
        "when I was teenager I had bad cold sores",
        "had hives loads when I was younger, none now",  # "now" after a negation says nothing is there
        "burnt the toast and the kitchen smells foul, can I still use my serum?",
        "the group chat is swelling with messages about my glow",
        "there was a hot spot on my cheek before, now it's normal temperature",
    ],
)
def test_a_supposition_by_should_a_negated_now_smelly_kitchens_and_a_swelling_chat_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("the patch is definitely wider than yesterday", "worsening"),
        ("my eyelid has puffed up and I can barely open my eye", "worsening"),
    ],
)
def test_wider_than_yesterday_and_an_eye_that_barely_opens_are_signs(text: str, category: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "the blister I had on my top lip has healed completely",  # a resolution after a relative clause
        "the wee one has a cold sore, should I keep my face away from her?",
        "the bill made me break out in a cold sweat, is there a payment plan?",
    ],
)
def test_a_resolution_after_a_relative_clause_a_childs_cold_sore_and_a_cold_sweat_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "everything went dark in my right eye about ten minutes ago",
        "I can't see out of my left eye, it has just gone black",  # "gone" that says what it became
        "I cannae breathe properly",  # Scots negative contractions
        "she canna swallow and her lips are huge",
        "his mouth has dropped on one side",
        "my wife's face is sliding down on the left side",
        "my speech sounds slurred and weird",
        "mum is talking strangely and can't find her words",
        "my chest is tight again and the blue inhaler isn't helping",  # a reliever that does not relieve
    ],
)
def test_sight_gone_dark_dialect_negatives_a_face_fallen_on_one_side_and_changed_speech_are_emergencies(
    text: str,
) -> None:
    assert "emergency" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "the throbbing has gone numb now",  # "gone numb" is no resolution
        "my lips have gone numb since lunch and I can't feel them at all",
        "my cheek is warmer tonight than it was this morning",
        "the ache is sharper now than it was on day 2",
        "the soreness seems stronger rather than settling",  # "rather than" denies the resolution
        "left eyelid is swollen and shutting on day 3",
        "the puffiness went down on Monday but came back this afternoon",  # back after its resolution
        "my redness, which had calmed by the weekend, has returned today",
        "the rash cleared by day 4 and then reappeared this morning",
        "I think it's a scar, the mark hasn't changed in 3 weeks",
        "there's a small sunken dent where the pen went in",
    ],
)
def test_what_a_sign_became_comparisons_with_now_denied_resolutions_and_returns_after_one_are_signs(
    text: str,
) -> None:
    assert detect_warning_signs(text) != []


@pytest.mark.parametrize(
    "text",
    [
        "the puffiness went down on Monday and hasn't come back",
        "the rash cleared by day 4, what do I do if it comes back?",
        "my left side was puffier than the right for two days but they're even now",
        "the lump near my jaw flattened and went away",
        "our kitchen is hot like a fever, is heat bad for healing?",
        "that penalty had us breathless, anyway is ibuprofen ok?",
        "the concert gave me serious chills, face is grand",
        "the vacuum is wheezing again, unrelated but my skin feels tight",
        "my bread starter grew a crusty yellow skin, back to the face: can I use oil?",
        "I get hives every now and then in spring, could the serum set them off?",
        "a long time ago I had a rash from plasters, I was a teenager",
        "I saw photos of people with infections after needling, what would I look for?",
        "my aunt has a rash from her new cat, she is thinking of having microneedling too",
        "it's a scar treatment I had, so when will the marks fade?",
        "my face is throbbing a bit, just had the treatment",  # expected in the first hours
        "my skin looks redder than before the session, is that normal?",  # before the treatment, not yesterday
    ],
)
def test_returns_denied_even_sides_bumps_gone_similes_events_objects_habits_stories_and_untreated_people_raise_no_alarm(
    text: str,
) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I might be overthinking but I think my wife's mouth is drooping on one side", "emergency"),
        ("I'm panicking, my dad's words are coming out garbled", "emergency"),  # the writer's view, not their care
        ("tiny water bubbles all over my cheeks since this morning", "cold_sore"),
        ("the redness is spreading, it's gone beyond the treated area", "infection"),  # "gone" that moved
        ("a weird numbness across my chin on day 4", "worsening"),
        ("the puffiness has gone up since lunch", "worsening"),
    ],
)
def test_a_writers_view_of_the_patient_water_bubbles_a_spread_beyond_numbness_along_and_gone_up_are_signs(
    text: str, category: str
) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "would bruising on day 5 be an issue?",  # "would" asking in general
        "would hives be likely after this?",
        "if bumps start appearing under the skin, should I ring you?",  # an aspect after an "if" is supposed too
        "my brother had cellulitis in his thirties, never had a problem since",
        "years ago I passed out at a blood test, today was fine",
        "got hives from amoxicillin as a wee one",
        "I came out in a rash that time after waxing",
        "the pub was boiling hot last night, can I have a cold shower?",
        "the team were blistering in the first half, what a win",
        "Taylor Swift fever has swept my office, anyway can I wear SPF?",
        "had my temp and blood pressure checked, both normal",
        "had a throbbing ache on day 2, completely settled now",
        "my gran has swelling in her ankles, she wants to try the microneedling too",
    ],
)
def test_asking_would_aspects_after_if_old_stories_places_sports_crazes_readings_and_untreated_people_raise_no_alarm(
    text: str,
) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "hives on my arms this morning, but they're settling",  # a resolution ending the message
        "the cold sore healed up",
        "a blister on my lip on Sunday, wore off",
    ],
)
def test_a_resolution_at_the_very_end_of_the_message_resolves(text: str) -> None:
    assert detect_warning_signs(text) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("could be a cold sore starting? my lip tingles", "cold_sore"),  # "could be" hedges, it does not ask
        ("a few crusty yellow bits on my chin, otherwise all good", "infection"),  # "all good" of the rest
    ],
)
def test_a_hedging_could_and_all_good_of_everything_else_leave_the_sign(text: str, category: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("a tingly blister on my lower lip, just like my cold sores used to start", "cold_sore"),  # compared with
        ("a whitish grey patch beside my nose", "worsening"),
        ("my cheek has gone a weird sort of purple grey", "worsening"),
        ("small raised bumps like nettle stings all over my neck", "allergy"),
        ("brown bruise-like marks that aren't fading at all", "pigmentation"),
        ("a bit blurry in my left eye since the session", "worsening"),
        ("ma face is gettin mair sore every day", "worsening"),
    ],
)
def test_comparisons_colours_bites_marks_and_scots_words_are_signs(text: str, category: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "got blisters after a chemical peel a year ago, none now",
        "came up in hives fae sticking plasters when I wis wee",
        "my pickney has chickenpox spots, can she sit on my lap?",
        "the cost of petrol is a sore point in this house, anyway can I use toner?",
        "we're bleeding money on the renovation, is a cheap moisturiser fine?",
        "it's hot and humid here on holiday, should I stay inside?",
    ],
)
def test_old_peels_scots_childhood_pidgin_children_idioms_and_weather_raise_no_alarm(text: str) -> None:
    assert detect_warning_signs(text) == []
