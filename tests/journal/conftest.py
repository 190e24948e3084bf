import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    # Journal tests make many users; the strong hasher is tested with accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_time_zone():
    # The time zone middleware activates the signed-in person's zone for the
    # thread; the test client runs in the test's thread, so reset it after.
    yield
    timezone.deactivate()
