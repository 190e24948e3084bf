"""Loaded by pytest before Django: the settings refuse to start without a SECRET_KEY."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdHMtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OWE=")
# The test client speaks plain HTTP; production's HTTPS redirect is tested on its own.
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("PLAIN_STATIC", "1")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# by tests and the live server thread are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
