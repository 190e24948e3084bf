import ast
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse

from guides import safety
from guides.loader import sync
from guides.models import Helpline

pytestmark = pytest.mark.django_db


def safety_page(client: Client) -> str:
    response = client.get(reverse("safety"))
    assert response.status_code == 200
    return unescape(response.content.decode())


def section(html: str, anchor: str) -> str:
    """The text from the heading with this id up to the next h2."""
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start)
    return html[start : end if end != -1 else None]


def test_the_safety_page_keeps_its_address_and_name_and_is_served_by_guides():
    assert reverse("safety") == "/safety/"
    assert resolve("/safety/").func is safety.safety


def test_trustrepair_never_imports_guides():
    for path in Path(settings.BASE_DIR, "trustrepair").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("guides"), path
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith("guides") for alias in node.names), path


def test_every_loaded_helpline_is_listed_with_its_number_and_checked_date(client: Client):
    sync()
    html = safety_page(client)

    lines = list(Helpline.objects.all())
    assert len(lines) >= 8
    for line in lines:
        assert line.name in html
        if line.phone:
            assert f'href="{line.tel_href}"' in html
        if line.url:
            assert f'href="{line.url}"' in html
    assert "Checked 1 December 2026" in html


def test_lines_appear_under_their_own_topic(client: Client):
    sync()
    html = safety_page(client)

    assert "National Domestic Abuse Helpline" in section(html, "abuse-helplines")
    assert "Samaritans" in section(html, "crisis")
    assert "988 Suicide & Crisis Lifeline" in section(html, "crisis")
    assert 'href="tel:112"' in html.split('id="safety-contents"')[0]


def test_the_page_says_how_to_find_a_local_service(client: Client):
    sync()
    html = safety_page(client)

    assert 'id="find-local"' in html
    assert "domestic abuse helpline" in section(html, "help")


def test_the_page_still_helps_before_any_helpline_is_loaded(client: Client):
    html = safety_page(client)

    assert "call the emergency number where you are" in html
    assert "No lines are listed for this yet" in html


def test_coercive_control_is_named_once_with_its_everyday_forms(client: Client):
    html = safety_page(client)

    assert html.count('id="coercive-control"') == 1
    text = section(html, "coercive-control")
    for form in ("Checking:", "Tracking:", "Isolating:", "Controlling money:", "Threats:"):
        assert form in text
    assert "choice one person makes to gain power and control" in text
    assert "excuses, never causes" in text
    assert "A locked phone is ordinary security" in text


def test_the_page_is_accurate_about_texting_emergency_services(client: Client):
    html = safety_page(client)

    assert "many emergency services accept a text message" not in html
    assert "you often have to register in advance" in html


def test_saying_no_and_leaving_are_planned_with_a_support_service(client: Client):
    text = section(safety_page(client), "if-you-are-monitored")

    assert "can make them more dangerous" in text
    assert "Leaving a controlling partner can be a time of higher risk" in text


def test_someone_who_recognises_they_control_their_partner_is_told_what_to_do(client: Client):
    text = section(safety_page(client), "if-you-control")

    assert "Stop now." in text
    assert "programmes for people who want to stop hurting or controlling a partner" in text


def test_the_page_has_a_crisis_signpost(client: Client):
    text = section(safety_page(client), "crisis")

    assert "thinking about ending your life" in text


def test_the_contents_list_links_to_every_section(client: Client):
    html = safety_page(client)

    for anchor in re.findall(r'<a href="#([a-z-]+)">', section(html, "safety-contents")):
        assert f'id="{anchor}"' in html


def test_the_page_can_be_fetched_with_head_but_not_posted_to(client: Client):
    assert client.head(reverse("safety")).status_code == 200
    assert client.post(reverse("safety")).status_code == 405
