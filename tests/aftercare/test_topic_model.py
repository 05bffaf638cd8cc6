"""Choosing the learned topic model's threshold (aftercare/topic_model.py), on made-up guesses."""

from aftercare.topic_model import TopicGuess, choose_threshold, placed_intent, threshold_figures


def test_only_an_unplaced_message_becomes_a_care_question_and_only_at_the_threshold() -> None:
    sure = TopicGuess("ask_makeup", 0.8)
    assert placed_intent("nlu_fallback", sure, 0.8) == "ask_makeup"
    assert placed_intent("out_of_scope", sure, 0.81) is None
    assert placed_intent("ask_sunscreen", sure, 0.1) is None
    assert placed_intent("nlu_fallback", TopicGuess("greet", 0.99), 0.1) is None


def test_a_wrong_topic_costs_more_than_a_right_one_gains() -> None:
    expected = ["ask_makeup", "ask_exercise", "ask_heat", "ask_travel"]
    classifier = ["nlu_fallback"] * 4
    guesses = [
        TopicGuess("ask_makeup", 0.9),
        TopicGuess("ask_exercise", 0.7),
        TopicGuess("ask_sunscreen", 0.6),  # wrong, at 0.6
        TopicGuess("ask_travel", 0.5),
    ]
    at_half = threshold_figures(expected, classifier, guesses, 0.5)
    assert (at_half.unplaced, at_half.placed_right, at_half.placed_wrong) == (4, 3, 1)
    # 0.5 gains 3 - 2 = 1; 0.65 and 0.7 gain 2 with nothing wrong, and the higher places fewer.
    assert choose_threshold(expected, classifier, guesses).threshold == 0.7
