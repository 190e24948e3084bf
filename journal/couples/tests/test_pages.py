"""Where people find couple mode, and what it says about itself."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from journal.couples.tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_couple_mode_and_its_limits():
    text = Client().get(reverse("home")).content.decode()

    assert "Together, only if you both want it" in text
    assert "Your partner never sees your journal, your notes, when you sign in or write" in text
    assert "Either of you can unlink at any time, alone; the other is not told." in text
    assert "Linking stays off after you tell us you may not feel safe" in text


def test_the_journal_links_to_couple_mode(user):
    text = signed_in(user).get(reverse("journal:dashboard")).content.decode()

    assert f'href="{reverse("couples:home")}"' in text


def test_couple_pages_have_neutral_tab_titles_and_no_inline_script_or_style(linked):
    user, _partner = linked
    client = signed_in(user)
    for name in ("home", "invite", "join", "checkins", "commitments", "partner", "preview"):
        text = client.get(reverse(f"couples:{name}")).content.decode()
        title = re.search(r"<title>(.*?)</title>", text, re.S).group(1).lower()
        for word in ("trust", "partner", "couple", "together", "safety"):
            assert word not in title, (name, title)
        assert " style=" not in text, name
        assert re.search(r"<script(?![^>]*\bsrc=)", text) is None, name
