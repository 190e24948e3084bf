"""Fixtures for every test, in tests/ and in the apps' own tests folders."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from guides.caching import forget_course
from tests.guides.helpers import make_content
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
    forget_course()
    yield
    for cache in caches.all():
        cache.clear()
    forget_course()


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


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A small, valid content directory the test may change."""
    return make_content(tmp_path / "content")


@pytest.fixture
def seconds_pass(monkeypatch) -> Callable[[float], None]:
    """Moves the clock the lesson cache uses to decide when to look at the course again."""
    from guides import caching

    offset = 0.0

    def advance(seconds: float) -> None:
        nonlocal offset
        offset += seconds

    real = caching.monotonic
    monkeypatch.setattr(caching, "monotonic", lambda: real() + offset)
    return advance
