"""Fixed-window counters in Django's cache, shared by every server that shares the cache.

`hit()` is the one primitive: sign-up and password reset use it per client address,
and anything else that must hold across processes (the share-link throttle) can too.
It needs a cache shared by the app servers (CACHE_URL) to hold across them; with
the local-memory default it holds per process.

When the shared cache is down, limits fail open: every event is let through and a
warning is logged (by scope only), so sign-in, sign-up and share links keep working
while Redis is away, and the limits hold again as soon as it is back. What stays
closed meanwhile is what never relied on the cache: django-axes' lockouts (in the
database) and the 256-bit share tokens themselves.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from redis.exceptions import RedisError

from .addresses import client_address

# What a cache that is down raises: Redis' own errors, or the socket's.
CACHE_ERRORS = (RedisError, OSError)
log = logging.getLogger(__name__)


def _key(scope: str, key: str) -> str:
    # Hashed: the key may be an address or a username, which have no place in cache keys.
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    return f"limit:{scope}:{digest}"


def hit(scope: str, key: str, limit: int, window: int) -> bool:
    """Counts one event for `key` in `scope`; False once more than `limit` fell in `window` s.

    The window starts at the first event and is not pushed back by later ones, so a
    blocked client is let through again `window` seconds after it started.
    """
    cache_key = _key(scope, key)
    try:
        # add() only writes when the key is absent, atomically on every backend; incr()
        # is atomic on Redis and memcached, and holds a lock on local memory.
        if cache.add(cache_key, 1, timeout=window):
            return limit >= 1
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr(): this is a new window
            cache.add(cache_key, 1, timeout=window)
            count = 1
    except CACHE_ERRORS as exc:
        log.warning("limit %s not counted, cache unavailable: %s", scope, type(exc).__name__)
        return True
    return count <= limit


def count(scope: str, key: str) -> int:
    """How many events `key` has in the current window of `scope` (0 when none)."""
    try:
        return int(cache.get(_key(scope, key), 0))
    except CACHE_ERRORS as exc:
        log.warning("limit %s not read, cache unavailable: %s", scope, type(exc).__name__)
        return 0


def clear(scope: str, key: str) -> None:
    try:
        cache.delete(_key(scope, key))
    except CACHE_ERRORS as exc:
        log.warning("limit %s not cleared, cache unavailable: %s", scope, type(exc).__name__)


@dataclass(frozen=True)
class Guesses:
    """Wrong guesses at a secret (a share link, an invitation code), counted per client
    address in the shared cache.

    Only misses are counted, and only a miss is ever refused: whoever holds the real
    secret always gets in, however much someone else guesses from the same address.
    """

    scope: str
    throttled_template: str
    limit: int
    window: int

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        """After a miss: the pause page (429) once this address has missed `limit` times
        in the window; otherwise the miss is counted and None is returned."""
        address = client_address(request)
        if count(self.scope, address) >= self.limit:
            response = render(request, self.throttled_template, status=429)
            response["Retry-After"] = str(self.window)
            return response
        hit(self.scope, address, self.limit, self.window)
        return None
