"""Every journal URL belongs to its owner: anyone else gets a 404, whatever the method."""

import pytest
from django.urls import URLPattern, reverse

from journal import urls as journal_urls
from journal.models import CheckIn, Commitment, LessonReflection
from tests.helpers import HTMX
from tests.journal.helpers import make_checkin, make_commitment, make_lesson, make_reflection

pytestmark = pytest.mark.django_db

FACTORIES = {
    "commitment": lambda user: make_commitment(user, text="Owner's words"),
    "checkin": lambda user: make_checkin(user, working="Owner's words"),
    "reflection": lambda user: make_reflection(user, make_lesson(), "Owner's words"),
}
MODELS = {
    "commitment": Commitment,
    "checkin": CheckIn,
    "reflection": LessonReflection,
}


def patterns_with_an_id() -> list[str]:
    return [
        p.name
        for p in journal_urls.urlpatterns
        if isinstance(p, URLPattern) and "<int:pk>" in str(p.pattern)
    ]


def test_every_url_with_an_id_is_covered_by_the_walk():
    names = patterns_with_an_id()
    assert len(names) >= 8
    for name in names:
        assert name.split("_")[0] in FACTORIES, f"add a factory for journal:{name}"


@pytest.mark.parametrize("name", patterns_with_an_id())
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_stranger_gets_404(user, stranger_client, name, method, htmx):
    kind = name.split("_")[0]
    obj = FACTORIES[kind](user)
    url = reverse(f"journal:{name}", args=[obj.pk])
    data = {"status": "kept", "text": "Overwritten", "trust": "1"} if method == "post" else {}
    response = getattr(stranger_client, method)(url, data, **(HTMX if htmx else {}))
    assert response.status_code == 404
    assert "Owner&#x27;s words" not in response.content.decode()
    # Nothing changed, nothing deleted.
    fresh = MODELS[kind].objects.get(pk=obj.pk)
    assert getattr(fresh, "status", "open") in {"open", "active"}
    assert getattr(fresh, "text", "Owner's words") in {"Owner's words", "Call at lunch"}


@pytest.mark.parametrize("name", patterns_with_an_id())
def test_the_owner_can_open_every_url_with_an_id(user, owner_client, name):
    obj = FACTORIES[name.split("_")[0]](user)
    assert owner_client.get(reverse(f"journal:{name}", args=[obj.pk])).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("journal:dashboard"),
        reverse("journal:timeline"),
        reverse("journal:insights"),
        reverse("journal:commitment_new"),
        reverse("journal:checkin_new"),
        reverse("journal:commitment_edit", args=[1]),
        reverse("journal:checkin_detail", args=[1]),
        reverse("journal:reflection_edit", args=[1]),
    ],
)
def test_signed_out_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_saving_a_reflection_never_touches_someone_elses(user, stranger_client):
    lesson = make_lesson()
    mine = make_reflection(user, lesson, "Owner's words")
    stranger_client.post(reverse("journal:reflection_save", args=[lesson.slug]), {"text": "Theirs"})
    mine.refresh_from_db()
    assert mine.text == "Owner's words"
    assert LessonReflection.objects.count() == 2


def test_dashboard_timeline_and_insights_show_only_the_owners_rows(user, stranger_client):
    make_commitment(user, text="Owner's words")
    make_checkin(user, working="Owner's words")
    for name in ["dashboard", "timeline", "insights"]:
        text = stranger_client.get(reverse(f"journal:{name}")).content.decode()
        assert "Owner&#x27;s words" not in text, name
