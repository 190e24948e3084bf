"""What a first visit to a lesson loads: the page and only the assets it uses."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.guides.helpers import lesson

pytestmark = pytest.mark.django_db

HTMX = "/static/django_htmx/htmx-2.min.js"


def test_a_signed_out_lesson_loads_no_htmx_but_a_signed_in_one_does(
    client: Client, owner_client: Client, lessons
):
    url = lesson("old-hurts").get_absolute_url()

    assert HTMX not in client.get(url, headers={"accept-encoding": ""}).content.decode()
    assert HTMX in owner_client.get(url).content.decode()
    assert HTMX in client.get(reverse("guides:index")).content.decode()


def test_a_signed_out_lesson_has_nothing_htmx_would_drive(client: Client, lessons):
    html = client.get(lesson("old-hurts").get_absolute_url(), headers={"accept-encoding": ""})

    assert " hx-" not in html.content.decode()


@pytest.mark.parametrize("name", ["home", "safety", "login", "signup"])
def test_the_signed_out_front_pages_load_no_htmx_and_use_none(client: Client, name: str):
    html = client.get(reverse(name)).content.decode()

    assert HTMX not in html
    assert " hx-" not in html
