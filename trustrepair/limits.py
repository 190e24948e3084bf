"""Fixed-window counters in Django's cache, shared by every server that shares the cache.

`hit()` is the one primitive: sign-up and password reset use it per client address,
and anything else that must hold across processes (the share-link throttle) can too.
It needs a cache shared by the app servers (CACHE_URL) to hold across them; with
the local-memory default it holds per process.
"""

import hashlib

from django.core.cache import cache


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
    # add() only writes when the key is absent, atomically on every backend; incr()
    # is atomic on Redis and memcached, and holds a lock on local memory.
    if cache.add(cache_key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr(): this is a new window
        cache.add(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


def count(scope: str, key: str) -> int:
    """How many events `key` has in the current window of `scope` (0 when none)."""
    return int(cache.get(_key(scope, key), 0))


def clear(scope: str, key: str) -> None:
    cache.delete(_key(scope, key))
