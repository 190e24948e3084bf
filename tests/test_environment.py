"""Settings read from the environment are strict: a wrong value stops startup by name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from trustrepair.environment import env_bool, env_float, env_int, env_list


def test_an_unset_or_blank_variable_gives_the_default(monkeypatch):
    monkeypatch.delenv("TR_TEST_VALUE", raising=False)
    assert env_int("TR_TEST_VALUE", 30) == 30
    monkeypatch.setenv("TR_TEST_VALUE", "  ")
    assert env_float("TR_TEST_VALUE", 2.5) == 2.5
    assert env_bool("TR_TEST_VALUE", default=True) is True


def test_numbers_are_read_as_numbers(monkeypatch):
    monkeypatch.setenv("TR_TEST_VALUE", " 45 ")
    assert env_int("TR_TEST_VALUE", 30) == 45
    assert env_float("TR_TEST_VALUE", 1.0) == 45.0


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (env_int, "thirty", "TR_TEST_VALUE='thirty' is not a whole number."),
        (env_int, "2.5", "TR_TEST_VALUE='2.5' is not a whole number."),
        (env_float, "five", "TR_TEST_VALUE='five' is not a number."),
    ],
)
def test_a_value_that_is_not_a_number_stops_startup_naming_the_variable(
    monkeypatch, read, value, message
):
    monkeypatch.setenv("TR_TEST_VALUE", value)

    with pytest.raises(ImproperlyConfigured) as refused:
        read("TR_TEST_VALUE", 1)

    assert str(refused.value) == message


def test_a_list_is_split_on_commas_without_empty_items(monkeypatch):
    monkeypatch.setenv("TR_TEST_VALUE", "example.org, ,www.example.org,")
    assert env_list("TR_TEST_VALUE") == ["example.org", "www.example.org"]
