import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from guides.caching import forget_course_fingerprint
from tests.helpers import make_user


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings) -> None:
    # Argon2 costs ~0.2 s per hash by design; only tests marked `argon2` need it.
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached pages and throttling counters must not leak from one test to the next.
    for cache in caches.all():
        cache.clear()
    forget_course_fingerprint()
    yield
    for cache in caches.all():
        cache.clear()
    forget_course_fingerprint()


@pytest.fixture(autouse=True)
def default_time_zone():
    # The time zone middleware activates the signed-in person's zone for the
    # thread; the test client runs in the test's thread, so reset it after.
    yield
    timezone.deactivate()


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
