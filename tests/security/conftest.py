import pytest

from trustrepair import crypto


@pytest.fixture
def fresh_keys(settings):
    """Swaps the encryption keys for the test, then restores them."""
    original = list(settings.FIELD_ENCRYPTION_KEYS)

    def use(*keys: str) -> None:
        settings.FIELD_ENCRYPTION_KEYS = list(keys)
        crypto.reset_keys()

    yield use
    settings.FIELD_ENCRYPTION_KEYS = original
    crypto.reset_keys()
