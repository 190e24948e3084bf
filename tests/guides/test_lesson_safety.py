"""The course's editorial and safety rules, checked on the real lesson files.

Some readers are watched by a controlling partner, so every lesson points to help, no
lesson suggests handing a partner the keys to your phone or accounts, and the lessons
that invite a talk with a partner first say what to do if that talk would not be safe.
"""

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from guides.content import CONTENT_DIR, Content, LessonSource
from guides.helplines import read_helplines
from guides.readability import flesch_reading_ease

REAL_LESSON_FILES = sorted(
    p.relative_to(CONTENT_DIR).as_posix() for p in CONTENT_DIR.glob("*/*.md")
)
SAFETY_PAGE = Path(settings.BASE_DIR) / "templates" / "guides" / "safety.html"

# The last paragraph of every lesson, word for word.
SAFETY_LINE = (
    "If you feel afraid, watched or controlled, or you are in crisis, "
    "[our safety page](/safety/) shows where to find free, confidential help."
)
# The first paragraph of every lesson that invites a talk with your partner.
OPENING_CHECK = "If you are afraid of how your partner will react, [read this first](/safety/)."
COERCIVE_CONTROL = "](/safety/#coercive-control)"
COUPLES_COUNSELLING = (
    "Couples counselling is generally not advised while one partner controls the other "
    "or is afraid of them"
)

# Lessons whose body or practice asks you to talk something through with your partner.
INVITE_A_TALK = {
    "insecurity-and-misreadings",
    "gut-feeling-jealousy-or-gaslighting",
    "what-happens-between-you",
    "when-the-hurt-happened-here",
    "signs-of-distrust",
    "starting-together",
    "listening-that-helps",
    "empathy-both-ways",
    "when-a-talk-floods",
    "owning-your-part",
    "making-amends-after-a-breach",
    "keeping-your-word",
    "openness-not-surveillance",
    "out-of-the-reassurance-loop",
    "living-with-doubt-you-did-not-cause",
    "boundaries-and-stepping-back",
    "more-than-no-betrayal",
    "triggers-and-flashbacks",
    "time-together",
    "appreciation-every-day",
    "keeping-trust-alive",
}
# A "try this" that asks you to say something to your partner (used to catch a new
# lesson that should be in INVITE_A_TALK).
TALK_VERB = re.compile(r"\b(tell|told|ask|talk|share|agree|suggest|say|swap|offer)\b", re.I)
WITH_PARTNER = re.compile(r"\b(your partner|my partner|together|each other)\b", re.I)

# Phrasings of advice to give a partner your passwords or the run of your phone. A lesson
# that needs to say the opposite links to the safety page instead of naming them.
PASSWORD_ADVICE = (
    "share passwords",
    "share your password",
    "share your passcode",
    "sharing passwords",
    "swap passwords",
    "swapping passwords",
    "exchange passwords",
    "hand over your password",
    "hand over passwords",
    "handing over your password",
    "handing over passwords",
    "give them your password",
    "give your partner your password",
    "tell them your password",
    "your passwords",
    "each other's passwords",
    "phone passcode",
    "your passcode",
    "unlock your phone for",
    "hand over your phone",
    "look at each other's phones",
    "look through each other's phones",
    "go through each other's phones",
    "check each other's phones",
    "read each other's messages",
)

# Where openness, checking or boundaries come up, coercive control is one click away.
OPENNESS_CHECKING_BOUNDARIES = re.compile(
    r"\b(openness|checking|checks|monitor\w*|track\w*|boundar\w*|surveillance)\b", re.I
)

# Capitalised words that are not people's names, for the name check below.
NOT_NAMES = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
}  # fmt: skip
# Names from the source articles' examples; the lessons invent their own.
SOURCE_NAMES = {
    "Sarah", "Emily", "Mike", "Jack", "John", "James", "Alex", "Olivia", "Hannah",
    "Mark", "Kevin", "Lisa",
}  # fmt: skip
EXAMPLE_SECTION = re.compile(r"^## Example:[^\n]*\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)
CAPITALISED = re.compile(r"(?<![\w'\u2019-])[A-Z][a-z]+")
OPENING_MARKS = "\"'\u201c\u2018(*_"
CLOSING_MARKS = "\"'\u201d\u2019)*_"


def source(content: Content, path: str) -> LessonSource:
    return next(lesson for lesson in content.lessons if lesson.path == path)


def full_text(lesson: LessonSource) -> str:
    """Everything a reader sees of a lesson, in lower case with plain apostrophes."""
    values = lesson.values
    parts = [
        values["title"],
        values["summary"],
        values["body_markdown"],
        values["reflection"],
        values["try_this"],
        values["try_this_commitment"],
        *values["takeaways"],
    ]
    return "\n".join(parts).lower().replace("\u2019", "'")


def example_names(markdown: str) -> set[str]:
    """Capitalised words in the '## Example:' sections that do not start a sentence."""
    names = set()
    for section in EXAMPLE_SECTION.findall(markdown):
        text = section.replace(SAFETY_LINE, "")
        for match in CAPITALISED.finditer(text):
            before = text[: match.start()]
            if before[-1:] in OPENING_MARKS:
                continue  # the start of a quotation or an emphasis
            previous = before.rstrip().rstrip(CLOSING_MARKS)
            if not previous or previous[-1] in ".!?:":
                continue  # the start of a sentence or a paragraph
            word = match.group()
            if word not in NOT_NAMES and word.removesuffix("s") not in NOT_NAMES:
                names.add(word)
    return names


def invites_a_talk_in_its_practice(lesson: LessonSource) -> bool:
    sentences = re.split(r"(?<=[.!?])\s+", lesson.values["try_this"])
    return any(TALK_VERB.search(s) and WITH_PARTNER.search(s) for s in sentences)


# The course as a whole


def test_the_course_has_at_least_25_lessons(real_content: Content):
    assert len(real_content.lessons) >= 25


def test_each_role_has_at_least_five_lessons_and_the_rest_are_for_both(real_content: Content):
    audiences = Counter(lesson.values["audience"] for lesson in real_content.lessons)

    assert audiences["distrusted"] >= 5, audiences
    assert audiences["distrusting"] >= 5, audiences
    assert set(audiences) == {"distrusted", "distrusting", "both"}


def test_no_example_name_is_used_in_two_lessons(real_content: Content):
    lessons_by_name = defaultdict(list)
    for lesson in real_content.lessons:
        names = example_names(lesson.values["body_markdown"])
        assert names, f"{lesson.path}: no names found in its example"
        for name in names:
            lessons_by_name[name].append(lesson.path)

    reused = {name: paths for name, paths in lessons_by_name.items() if len(paths) > 1}
    assert not reused


def test_no_example_borrows_a_name_from_the_source_articles(real_content: Content):
    for lesson in real_content.lessons:
        assert not example_names(lesson.values["body_markdown"]) & SOURCE_NAMES, lesson.path


def test_the_name_finder_skips_sentence_starts_quotes_and_days():
    markdown = (
        "## Example: a test\n\n"
        'Kai met Noor on Tuesday. Later, Noor said, "Maybe we can talk." '
        'When Kai agreed, they both smiled on Sundays.\n\n"Fine." Then they left.\n\n'
        "## Afterwards\n\nPriya is not in the example.\n"
    )

    assert example_names(markdown) == {"Noor", "Kai"}


def test_the_helpline_file_validates_and_every_line_is_dated():
    directory, problems = read_helplines(settings.HELPLINES_FILE)

    assert problems == []
    assert directory is not None
    assert directory.find_local
    for entry in directory.entries:
        assert entry["region"], entry
        assert entry["name"], entry
        assert entry["phone"] or entry["url"], entry
        assert entry["checked"], entry


# Every lesson


@pytest.mark.parametrize("path", REAL_LESSON_FILES)
def test_every_lesson_ends_with_the_same_line_pointing_to_the_safety_page(
    real_content: Content, path: str
):
    body = source(real_content, path).values["body_markdown"].rstrip()

    assert body.endswith("\n\n" + SAFETY_LINE)


@pytest.mark.parametrize("path", REAL_LESSON_FILES)
def test_a_lesson_that_invites_a_talk_opens_with_the_safety_check(real_content: Content, path: str):
    lesson = source(real_content, path)
    body = lesson.values["body_markdown"].lstrip()
    if invites_a_talk_in_its_practice(lesson):
        assert lesson.slug in INVITE_A_TALK, f"{path} asks for a talk: add it to INVITE_A_TALK"
    if lesson.slug in INVITE_A_TALK:
        assert body.startswith(OPENING_CHECK + "\n")
    # Anywhere else, the check would be read too late to be useful.
    assert OPENING_CHECK not in body.removeprefix(OPENING_CHECK)


@pytest.mark.parametrize("path", REAL_LESSON_FILES)
def test_no_lesson_advises_sharing_passwords_or_phones(real_content: Content, path: str):
    text = full_text(source(real_content, path))

    found = [phrase for phrase in PASSWORD_ADVICE if phrase in text]
    assert not found


@pytest.mark.parametrize("path", REAL_LESSON_FILES)
def test_a_lesson_about_openness_checking_or_boundaries_links_to_coercive_control(
    real_content: Content, path: str
):
    lesson = source(real_content, path)
    body = lesson.values["body_markdown"].replace(SAFETY_LINE, "")
    if OPENNESS_CHECKING_BOUNDARIES.search(body):
        assert COERCIVE_CONTROL in body


@pytest.mark.parametrize("path", REAL_LESSON_FILES)
def test_every_lesson_is_easy_to_read(real_content: Content, path: str):
    score = flesch_reading_ease(source(real_content, path).values["body_text"])

    assert score >= 70, f"Flesch reading ease {score:.1f}"


def test_the_lesson_on_outside_help_words_the_couples_counselling_warning_as_the_safety_page(
    real_content: Content,
):
    lesson = next(item for item in real_content.lessons if item.slug == "getting-outside-help")

    assert COUPLES_COUNSELLING in lesson.values["body_markdown"]
    assert COUPLES_COUNSELLING in SAFETY_PAGE.read_text(encoding="utf-8")
