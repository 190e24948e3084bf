"""The paths through the course that "start here" picks, read from paths.yaml."""

from pathlib import Path

import pytest
import yaml

from guides.content import ContentError, read_content
from guides.loader import sync
from guides.models import PathStep, Side, Situation
from guides.start_here import path_lessons
from guides.tracks import PATHS_FILE, every_combination
from tests.guides.helpers import lesson_file, write_lesson

pytestmark = pytest.mark.django_db

# What each combination of answers should lead to, first lessons first. Written out in
# full so that a change to paths.yaml is a change someone meant (and reviews here too).
EXPECTED = {
    ("doubted", "breach-recent"): [
        "what-trust-is", "what-happens-between-you", "owning-your-part",
        "making-amends-after-a-breach", "when-a-talk-floods", "keeping-your-word",
        "openness-not-surveillance", "triggers-and-flashbacks", "getting-outside-help",
    ],
    ("doubted", "breach-past"): [
        "what-happens-between-you", "what-distrust-costs", "owning-your-part",
        "keeping-your-word", "listening-that-helps", "openness-not-surveillance",
        "triggers-and-flashbacks", "more-than-no-betrayal", "keeping-trust-alive",
    ],
    ("doubted", "old-hurts"): [
        "old-hurts", "insecurity-and-misreadings", "living-with-doubt-you-did-not-cause",
        "listening-that-helps", "empathy-both-ways", "out-of-the-reassurance-loop",
        "boundaries-and-stepping-back", "appreciation-every-day", "getting-outside-help",
    ],
    ("doubted", "friction"): [
        "what-trust-is", "insecurity-and-misreadings", "what-happens-between-you",
        "starting-together", "listening-that-helps", "when-a-talk-floods",
        "keeping-your-word", "appreciation-every-day", "time-together",
    ],
    ("doubted", "not-sure"): [
        "what-trust-is", "signs-of-distrust", "what-happens-between-you", "old-hurts",
        "starting-together", "listening-that-helps", "keeping-your-word",
        "living-with-doubt-you-did-not-cause", "boundaries-and-stepping-back",
    ],
    ("distrusting", "breach-recent"): [
        "when-the-hurt-happened-here", "what-trust-is", "when-a-talk-floods",
        "gut-feeling-jealousy-or-gaslighting", "boundaries-and-stepping-back",
        "patience-and-your-own-work", "triggers-and-flashbacks",
        "forgiveness-at-your-own-pace", "getting-outside-help",
    ],
    ("distrusting", "breach-past"): [
        "when-the-hurt-happened-here", "what-distrust-costs", "out-of-the-reassurance-loop",
        "patience-and-your-own-work", "triggers-and-flashbacks",
        "forgiveness-at-your-own-pace", "more-than-no-betrayal", "time-together",
        "keeping-trust-alive",
    ],
    ("distrusting", "old-hurts"): [
        "old-hurts", "insecurity-and-misreadings", "gut-feeling-jealousy-or-gaslighting",
        "what-distrust-costs", "out-of-the-reassurance-loop", "patience-and-your-own-work",
        "empathy-both-ways", "appreciation-every-day", "getting-outside-help",
    ],
    ("distrusting", "friction"): [
        "what-trust-is", "insecurity-and-misreadings", "gut-feeling-jealousy-or-gaslighting",
        "starting-together", "listening-that-helps", "empathy-both-ways",
        "when-a-talk-floods", "out-of-the-reassurance-loop", "appreciation-every-day",
    ],
    ("distrusting", "not-sure"): [
        "what-trust-is", "signs-of-distrust", "old-hurts", "insecurity-and-misreadings",
        "gut-feeling-jealousy-or-gaslighting", "what-distrust-costs",
        "out-of-the-reassurance-loop", "patience-and-your-own-work",
        "boundaries-and-stepping-back",
    ],
    ("both", "breach-recent"): [
        "what-trust-is", "when-the-hurt-happened-here", "what-happens-between-you",
        "starting-together", "when-a-talk-floods", "owning-your-part",
        "making-amends-after-a-breach", "triggers-and-flashbacks", "getting-outside-help",
    ],
    ("both", "breach-past"): [
        "what-trust-is", "what-distrust-costs", "starting-together", "listening-that-helps",
        "owning-your-part", "patience-and-your-own-work", "triggers-and-flashbacks",
        "forgiveness-at-your-own-pace", "keeping-trust-alive",
    ],
    ("both", "old-hurts"): [
        "old-hurts", "insecurity-and-misreadings", "what-distrust-costs", "starting-together",
        "listening-that-helps", "empathy-both-ways", "out-of-the-reassurance-loop",
        "appreciation-every-day", "getting-outside-help",
    ],
    ("both", "friction"): [
        "what-trust-is", "insecurity-and-misreadings", "what-happens-between-you",
        "starting-together", "listening-that-helps", "empathy-both-ways",
        "when-a-talk-floods", "time-together", "appreciation-every-day",
    ],
    ("both", "not-sure"): [
        "what-trust-is", "signs-of-distrust", "what-distrust-costs", "starting-together",
        "listening-that-helps", "empathy-both-ways", "openness-not-surveillance",
        "boundaries-and-stepping-back", "keeping-trust-alive",
    ],
    ("not-sure", "breach-recent"): [
        "what-trust-is", "signs-of-distrust", "when-the-hurt-happened-here",
        "what-happens-between-you", "when-a-talk-floods", "starting-together",
        "triggers-and-flashbacks", "boundaries-and-stepping-back", "getting-outside-help",
    ],
    ("not-sure", "breach-past"): [
        "what-trust-is", "signs-of-distrust", "what-distrust-costs",
        "when-the-hurt-happened-here", "starting-together", "listening-that-helps",
        "triggers-and-flashbacks", "more-than-no-betrayal", "keeping-trust-alive",
    ],
    ("not-sure", "old-hurts"): [
        "what-trust-is", "old-hurts", "insecurity-and-misreadings", "signs-of-distrust",
        "listening-that-helps", "empathy-both-ways", "out-of-the-reassurance-loop",
        "boundaries-and-stepping-back", "getting-outside-help",
    ],
    ("not-sure", "friction"): [
        "what-trust-is", "insecurity-and-misreadings", "signs-of-distrust",
        "starting-together", "listening-that-helps", "when-a-talk-floods",
        "empathy-both-ways", "time-together", "appreciation-every-day",
    ],
    ("not-sure", "not-sure"): [
        "what-trust-is", "signs-of-distrust", "old-hurts", "insecurity-and-misreadings",
        "what-distrust-costs", "starting-together", "listening-that-helps",
        "openness-not-surveillance", "boundaries-and-stepping-back",
    ],
}  # fmt: skip


def test_the_table_covers_every_combination_of_answers():
    assert sorted(EXPECTED) == sorted(every_combination())
    assert len(EXPECTED) == len(Side.values) * len(Situation.values) == 20


@pytest.mark.parametrize(("side", "situation"), sorted(EXPECTED))
def test_each_combination_of_answers_picks_its_path(lessons, side, situation):
    assert path_lessons(side, situation) == EXPECTED[(side, situation)]


def test_a_path_never_names_a_lesson_twice_and_speaks_to_its_side(lessons):
    audiences = dict(lessons_by_slug(lessons))
    written_for = {"doubted": "distrusted", "distrusting": "distrusting"}
    for (side, _), slugs in EXPECTED.items():
        assert len(slugs) == len(set(slugs))
        if side in written_for:
            mine = [slug for slug in slugs if audiences[slug] == written_for[side]]
            assert mine, f"no lesson on the {side} paths is written for that side"


def lessons_by_slug(content) -> list[tuple[str, str]]:
    return [(lesson.slug, lesson.values["audience"]) for lesson in content.lessons]


def test_loading_twice_writes_the_paths_once(lessons):
    rows = PathStep.objects.count()
    report = sync()
    assert not report.tracks_changed
    assert report.tracks == 20
    assert PathStep.objects.count() == rows == sum(len(v) for v in EXPECTED.values())


# The loader checks the file.


def write_paths(root: Path, tracks: list[dict]) -> None:
    (root / PATHS_FILE).write_text(yaml.safe_dump(tracks), encoding="utf-8")


def one_track_for_all(lessons_: list[str], **overrides) -> dict:
    track = {
        "name": "everyone",
        "sides": list(Side.values),
        "situations": list(Situation.values),
        "lessons": lessons_,
    }
    track.update(overrides)
    return track


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as error:
        read_content(root)
    return error.value.problems


def test_a_content_directory_without_paths_loads_with_no_paths(content_dir: Path):
    report = sync(content_dir)
    assert report.tracks == 0
    assert PathStep.objects.count() == 0


def test_one_track_may_cover_every_combination(content_dir: Path):
    write_paths(content_dir, [one_track_for_all(["beta", "alpha"])])
    sync(content_dir)
    assert path_lessons("doubted", "friction") == ["beta", "alpha"]
    assert path_lessons("not-sure", "not-sure") == ["beta", "alpha"]


def test_a_path_naming_a_missing_lesson_is_refused_and_nothing_is_written(content_dir: Path):
    write_paths(content_dir, [one_track_for_all(["alpha", "no-such-lesson"])])
    assert problems(content_dir) == [
        "paths.yaml, track 1 (everyone): no lesson has the slug 'no-such-lesson'"
    ]
    with pytest.raises(ContentError):
        sync(content_dir)
    assert PathStep.objects.count() == 0


def test_every_combination_needs_exactly_one_track(content_dir: Path):
    write_paths(
        content_dir,
        [
            one_track_for_all(["alpha"], sides=["doubted", "both"]),
            one_track_for_all(["beta"], name="again", sides=["both"], situations=["friction"]),
        ],
    )
    found = problems(content_dir)
    assert "paths.yaml: no track for side distrusting with situation friction" in found
    assert (
        "paths.yaml: side both with situation friction is in two tracks (everyone, again)" in found
    )


def test_unknown_answers_keys_and_repeats_are_named(content_dir: Path):
    write_paths(
        content_dir,
        [
            one_track_for_all(["alpha", "alpha"], sides=["partner"], colour="blue"),
            {"name": "second"},
        ],
    )
    found = problems(content_dir)
    assert "paths.yaml, track 1 (everyone): unknown 'colour'" in found
    assert "paths.yaml, track 2 (second): missing 'sides'" in found

    write_paths(content_dir, [one_track_for_all(["alpha", "alpha"], sides=["partner"])])
    found = problems(content_dir)
    assert any("sides has 'partner'" in problem for problem in found)
    assert any("lists 'alpha' more than once" in problem for problem in found)


def test_writers_change_a_path_in_the_file_alone(content_dir: Path):
    write_paths(content_dir, [one_track_for_all(["alpha", "gamma"])])
    sync(content_dir)
    assert path_lessons("both", "friction") == ["alpha", "gamma"]
    write_lesson(content_dir, "next-steps", "01-gamma.md", lesson_file("delta", 1))
    write_paths(content_dir, [one_track_for_all(["delta", "beta", "alpha"])])
    report = sync(content_dir)
    assert report.tracks_changed
    assert path_lessons("both", "friction") == ["delta", "beta", "alpha"]
