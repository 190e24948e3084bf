import pytest
from django.test import Client

from tests.helpers import make_user


@pytest.fixture
def user(db):
    return make_user("robin")


@pytest.fixture
def stranger(db):
    return make_user("stranger")


@pytest.fixture
def owner_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stranger_client(stranger) -> Client:
    client = Client()
    client.force_login(stranger)
    return client
