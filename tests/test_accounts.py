import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.helpers import PASSWORD, make_user

User = get_user_model()


def signup(client, username="sky", password=PASSWORD, email=""):
    return client.post(
        reverse("signup"),
        {"username": username, "email": email, "password1": password, "password2": password},
    )


@pytest.mark.argon2
@pytest.mark.django_db
def test_sign_up_with_only_a_username_and_password(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="sky")
    assert user.email == ""
    assert user.password.startswith("argon2")
    assert client.get(reverse("journal:dashboard")).status_code == 200


@pytest.mark.django_db
def test_sign_up_refuses_a_common_password_and_keeps_what_was_typed(client):
    response = signup(client, username="sky", email="sky@example.org", password="password123")
    assert response.status_code == 200
    text = response.content.decode()
    assert "too common" in text
    assert 'value="sky"' in text
    assert 'value="sky@example.org"' in text
    assert "password123" not in text
    assert not User.objects.filter(username="sky").exists()


@pytest.mark.django_db
def test_sign_up_refuses_a_short_password_with_a_clear_message(client):
    response = signup(client, password="x7#kq")
    assert "too short" in response.content.decode()


@pytest.mark.django_db
def test_log_in_and_log_out_with_a_post(client):
    make_user("sky")
    response = client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("journal:dashboard")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("journal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_session_id_changes_at_sign_in(client):
    make_user("sky")
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    assert client.session.session_key != before


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_same_message(client):
    make_user("sky")
    wrong = client.post(reverse("login"), {"username": "sky", "password": "nope-nope-nope"})
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


@pytest.mark.django_db
def test_repeated_failures_lock_out_that_username_from_that_address(client, settings):
    make_user("sky")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "sky", "password": "wrong-password-1"})
    locked = client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    unknown_locked = None
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        unknown_locked = client.post(
            reverse("login"), {"username": "ghost", "password": "wrong-password-1"}
        )
    assert unknown_locked.status_code == 429


@pytest.mark.django_db
def test_password_change(owner_client, user):
    response = owner_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-phrase-77",
            "new_password2": "another-long-phrase-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-phrase-77")


@pytest.mark.django_db
def test_password_reset_mails_a_neutral_subject_when_an_email_is_set(client):
    make_user("sky", email="sky@example.org")
    client.post(reverse("password_reset"), {"email": "sky@example.org"})
    assert len(mail.outbox) == 1
    assert "trust" not in mail.outbox[0].subject.lower()


@pytest.mark.django_db
def test_account_settings_store_the_time_zone(owner_client, user):
    response = owner_client.post(reverse("account"), {"email": "", "time_zone": "Europe/Lisbon"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Europe/Lisbon"


@pytest.mark.django_db
def test_account_settings_refuse_an_unknown_time_zone(owner_client):
    response = owner_client.post(reverse("account"), {"email": "", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Choose a time zone from the list." in response.content.decode()


@pytest.mark.django_db
def test_signing_up_counts_as_a_recent_password_check(client):
    signup(client)
    # Sharing and export ask for the password only when it was not given just now.
    assert client.get(reverse("sharing:new")).status_code == 200
    assert client.get(reverse("export")).status_code == 200


@pytest.mark.django_db
def test_signing_in_counts_as_a_recent_password_check(client):
    make_user("sky")
    client.post(reverse("login"), {"username": "sky", "password": PASSWORD})
    assert client.get(reverse("sharing:new")).status_code == 200


@pytest.mark.django_db
def test_a_session_without_a_fresh_password_is_still_asked(owner_client):
    response = owner_client.get(reverse("sharing:new"))
    assert response["Location"].startswith(reverse("confirm_password"))
