from collections.abc import Callable
from pathlib import Path

import pytest

from guides.content import Content, read_content
from guides.loader import write_content
from tests.guides.helpers import make_content


@pytest.fixture(scope="session")
def real_content() -> Content:
    # Reading and rendering the lesson files is the slow part (~0.4 s): once per session.
    return read_content()


@pytest.fixture
def lessons(db, real_content: Content) -> Content:
    """The real lessons, loaded into the test database."""
    write_content(real_content)
    return real_content


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
