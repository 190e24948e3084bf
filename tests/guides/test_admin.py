import pytest
from django.test import Client
from django.urls import reverse

from guides.models import Lesson, Stage
from tests.guides.helpers import complete
from tests.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db) -> Client:
    client = Client()
    client.force_login(make_user("keeper", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["stage", "lesson", "lessonprogress", "helpline"])
def test_the_admin_lists_load(admin: Client, lessons, user, model: str):
    complete(user, "what-trust-is")

    response = admin.get(reverse(f"admin:guides_{model}_changelist"))

    assert response.status_code == 200


def test_a_lesson_in_the_admin_is_read_only(admin: Client, lessons):
    lesson = Lesson.objects.get(slug="what-trust-is")

    html = admin.get(reverse("admin:guides_lesson_change", args=[lesson.pk])).content.decode()

    assert 'name="body_markdown"' not in html
    assert 'name="title"' not in html
    assert "What trust does for a couple" in html


def test_lessons_and_stages_come_only_from_files(admin: Client, lessons):
    stage = Stage.objects.first()

    assert admin.get(reverse("admin:guides_lesson_add")).status_code == 403
    assert admin.get(reverse("admin:guides_stage_delete", args=[stage.pk])).status_code == 403
