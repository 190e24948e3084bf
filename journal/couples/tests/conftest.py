import pytest
from django.test import Client

from journal.couples.tests.helpers import link, signed_in
from tests.helpers import make_user


@pytest.fixture
def partner(db):
    return make_user("sasha")


@pytest.fixture
def linked(user, partner):
    """robin and sasha, linked by consent."""
    link(user, partner)
    return user, partner


@pytest.fixture
def partner_client(partner) -> Client:
    return signed_in(partner)
