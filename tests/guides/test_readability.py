import pytest

from guides.readability import flesch_reading_ease, sentences, syllables


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("cat", 1),
        ("the", 1),
        ("home", 1),
        ("hoped", 1),
        ("takes", 1),
        ("table", 2),
        ("reading", 2),
        ("partner", 2),
        ("yellow", 2),
        ("beautiful", 3),
        ("together", 3),
        ("relationship", 4),
        ("Trust's", 1),
    ],
)
def test_syllables_are_guessed_from_vowel_groups_less_a_silent_e(word: str, count: int):
    assert syllables(word) == count


def test_a_run_of_end_marks_ends_one_sentence_and_text_without_any_is_one():
    assert sentences("Really?! Yes... Fine.") == 3
    assert sentences("no full stop here") == 1


def test_a_short_plain_sentence_scores_by_the_flesch_formula():
    # 6 words, 1 sentence, 6 syllables: 206.835 - 1.015 * 6 - 84.6 * 1
    assert flesch_reading_ease("The cat sat on the mat.") == pytest.approx(116.145)


def test_long_words_in_long_sentences_score_lower_than_short_plain_ones():
    plain = "We talk. We listen. We try again tomorrow."
    dense = (
        "Organisational considerations necessitate comprehensive deliberation regarding "
        "interpersonal communication, particularly concerning institutional accountability."
    )

    assert flesch_reading_ease(plain) > 70
    assert flesch_reading_ease(dense) < 0


def test_a_text_without_words_has_no_score():
    with pytest.raises(ValueError, match="no words"):
        flesch_reading_ease("... 42 !")
