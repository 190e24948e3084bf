"""Limits kept in the shared cache, and what they do while that cache is down."""

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

from trustrepair import limits


@pytest.fixture
def cache_down(monkeypatch):
    def broken(*args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379")

    for name in ("add", "incr", "get", "delete"):
        monkeypatch.setattr(cache, name, broken)


def test_limits_fail_open_and_log_only_their_scope_while_the_cache_is_down(cache_down, caplog):
    assert all(limits.hit("signup", "198.51.100.1", 1, 60) for _ in range(3))
    assert limits.count("signup", "198.51.100.1") == 0
    limits.clear("signup", "198.51.100.1")

    assert "limit signup not counted, cache unavailable: ConnectionError" in caplog.text
    assert "198.51.100.1" not in caplog.text


def test_a_limit_holds_again_once_the_cache_is_back(monkeypatch):
    with monkeypatch.context() as outage:
        outage.setattr(cache, "add", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
        assert limits.hit("signup", "198.51.100.1", 1, 60)

    assert limits.hit("signup", "198.51.100.1", 1, 60)
    assert not limits.hit("signup", "198.51.100.1", 1, 60)
