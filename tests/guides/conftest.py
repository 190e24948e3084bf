import pytest

from guides.content import Content, read_content
from guides.loader import write_content


@pytest.fixture(scope="session")
def real_content() -> Content:
    # Reading and rendering the lesson files is the slow part (~0.4 s): once per session.
    return read_content()


@pytest.fixture
def lessons(db, real_content: Content) -> Content:
    """The real lessons, loaded into the test database."""
    write_content(real_content)
    return real_content
