import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.helpers import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def fail_logins(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password-9"})


def test_lockout_holds_even_with_the_right_password(settings):
    make_user("sky")
    client = Client()
    fail_logins(client, "sky", settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    assert response.status_code == 429


def test_lockout_is_per_username_and_address(settings):
    make_user("sky")
    make_user("lee")
    fail_logins(Client(REMOTE_ADDR="198.51.100.1"), "sky", settings.AXES_FAILURE_LIMIT)
    other_user = Client(REMOTE_ADDR="198.51.100.1").post(
        reverse("login"), {"username": "lee", "password": PASSWORD}
    )
    other_address = Client(REMOTE_ADDR="198.51.100.2").post(
        reverse("login"), {"username": "sky", "password": PASSWORD}
    )
    assert other_user.status_code == 302
    assert other_address.status_code == 302


def test_login_works_again_after_the_cool_off(settings):
    make_user("sky")
    client = Client()
    fail_logins(client, "sky", settings.AXES_FAILURE_LIMIT)
    past = settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= past
        attempt.save()
    response = client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    assert response.status_code == 302
