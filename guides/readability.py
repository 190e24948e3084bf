"""Flesch reading ease, with a simple syllable guess, for checking that lessons stay easy.

People read these lessons on a phone, often tired or upset, so the content tests hold
every lesson to a score of 70 or more ("fairly easy" and above). The syllable count is a
rule of thumb (vowel groups, less a silent final e), close enough to rank texts and to
catch a lesson that has drifted into long words and long sentences.
"""

import re

WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
# A run of sentence-ending marks counts once, so "Really?!" or "..." is one ending.
SENTENCE_END = re.compile(r"[.!?\u2026]+")
VOWEL_GROUP = re.compile(r"[aeiouy]+")
# Endings that usually add no syllable: "hoped", "takes", "home" (but not "table").
SILENT_ENDING = re.compile(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$")


def syllables(word: str) -> int:
    """A guess at the syllables in one English word; at least 1."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if len(letters) <= 3:
        return 1
    trimmed = SILENT_ENDING.sub(lambda m: m.group()[0], letters)
    trimmed = trimmed.removeprefix("y")
    return max(1, len(VOWEL_GROUP.findall(trimmed)))


def words(text: str) -> list[str]:
    return WORD.findall(text)


def sentences(text: str) -> int:
    """Sentence endings in the text; a text without any is one sentence."""
    return max(1, len(SENTENCE_END.findall(text)))


def flesch_reading_ease(text: str) -> float:
    """206.835 - 1.015 x words per sentence - 84.6 x syllables per word.

    Higher is easier: 60-70 is plain English, 80-90 is easy. Raises ValueError for a
    text with no words, which has no meaningful score.
    """
    found = words(text)
    if not found:
        raise ValueError("no words to score")
    per_sentence = len(found) / sentences(text)
    per_word = sum(syllables(word) for word in found) / len(found)
    return 206.835 - 1.015 * per_sentence - 84.6 * per_word
