import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import (
    PASSWORD,
    current_code,
    end_the_pause,
    reauthenticated_client,
)
from tests.helpers import user_with_two_factor as _user_with_two_factor
from trustrepair import twofactor
from trustrepair.models import AuthenticatorDevice


def user_with_two_factor(username: str = "sky") -> tuple:
    return _user_with_two_factor(username)


@pytest.mark.django_db
def test_setup_asks_for_the_password_first(owner_client):
    response = owner_client.get(reverse("two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("confirm_password"))


@pytest.mark.django_db
def test_setup_shows_a_server_rendered_qr_code_and_confirms_with_a_code(user):
    client = reauthenticated_client(user)
    page = client.get(reverse("two_factor_setup"))
    text = page.content.decode()
    assert "<svg" in text
    assert "style=" not in text
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"code": current_code(device)})
    assert response.status_code == 200
    assert len(response.context["codes"]) == twofactor.RECOVERY_CODE_COUNT
    assert twofactor.has_two_factor(user)


@pytest.mark.django_db
def test_setup_refuses_a_wrong_code(user):
    client = reauthenticated_client(user)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "did not match" in response.content.decode()
    assert not twofactor.has_two_factor(user)


@pytest.mark.django_db
def test_password_alone_does_not_sign_in_when_two_factor_is_on(client):
    user_with_two_factor()
    response = client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    assert response["Location"].startswith(reverse("login_verify"))
    assert client.get(reverse("journal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_a_current_code_completes_sign_in(client):
    _, device, _ = user_with_two_factor()
    client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    response = client.post(reverse("login_verify"), {"code": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("journal:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(client):
    _, _, codes = user_with_two_factor()
    client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    client.post(reverse("login_verify"), {"code": codes[0]})
    assert client.get(reverse("journal:dashboard")).status_code == 200
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    response = client.post(reverse("login_verify"), {"code": codes[0]})
    assert "did not work" in response.content.decode()


@pytest.mark.django_db
def test_too_many_wrong_codes_start_the_login_over(client):
    user, _, _ = user_with_two_factor()
    client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    for _ in range(twofactor.MAX_TRIES):
        end_the_pause(user)
        response = client.post(reverse("login_verify"), {"code": "123456"})
    assert response["Location"] == reverse("login")
    assert client.get(reverse("login_verify"))["Location"] == reverse("login")


@pytest.mark.django_db
def test_a_stale_pending_login_must_start_again(client):
    _, device, _ = user_with_two_factor()
    client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    session = client.session
    session[twofactor.PENDING_SINCE] = int(time.time()) - twofactor.PENDING_SECONDS - 1
    session.save()
    response = client.post(reverse("login_verify"), {"code": current_code(device)})
    assert response["Location"] == reverse("login")


@pytest.mark.django_db
def test_turning_two_factor_off_needs_a_recent_password():
    user, _, _ = user_with_two_factor()
    client = Client()
    client.force_login(user)
    response = client.post(reverse("two_factor_disable"))
    assert response["Location"].startswith(reverse("confirm_password"))
    assert twofactor.has_two_factor(user)
    client.post(reverse("confirm_password"), {"password": PASSWORD})
    client.post(reverse("two_factor_disable"))
    assert not twofactor.has_two_factor(user)


@pytest.mark.django_db
def test_confirm_password_refuses_a_wrong_password(owner_client):
    response = owner_client.post(reverse("confirm_password"), {"password": "not-it-at-all"})
    assert "not right" in response.content.decode()


@pytest.mark.django_db
def test_confirm_password_ignores_an_offsite_next(owner_client):
    response = owner_client.post(
        reverse("confirm_password"), {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("account")
