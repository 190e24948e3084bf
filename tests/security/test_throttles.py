"""Throttles against guessing and flooding (issue 11, findings 3, 4 and 13)."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.helpers import PASSWORD, current_code, make_user, user_with_two_factor
from trustrepair import limits
from trustrepair.addresses import client_address

pytestmark = pytest.mark.django_db

WRONG = "wrong-password-9"


def sign_in(client: Client, username: str = "sky", password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def fail_sign_ins(client: Client, times: int, username: str = "sky") -> None:
    for _ in range(times):
        sign_in(client, username, WRONG)


# 3. Password re-checks on a signed-in device count in the sign-in throttle.

RECHECKS = {
    "confirm": lambda password: (reverse("confirm_password"), {"password": password}),
    "password_change": lambda password: (
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "another-long-phrase-77",
            "new_password2": "another-long-phrase-77",
        },
    ),
    "delete": lambda password: (
        reverse("delete_account"),
        {"password": password, "confirm": "delete"},
    ),
}


@pytest.mark.parametrize("where", RECHECKS)
def test_password_guesses_on_a_signed_in_device_are_throttled_like_sign_in(where, settings):
    user = make_user("sky")
    holder = Client()  # someone holding a device that is still signed in
    holder.force_login(user)
    url, data = RECHECKS[where](WRONG)
    assert holder.post(url, data).status_code == 200  # a plain "wrong password" first
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        holder.post(url, data)
    url, data = RECHECKS[where](PASSWORD)
    locked = holder.post(url, data)
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # nothing was changed or deleted
    # The same lockout holds at the sign-in form, for that username from that address.
    assert sign_in(Client()).status_code == 429


def test_guesses_at_re_checks_and_at_sign_in_add_up(settings):
    user = make_user("sky")
    holder = Client()
    holder.force_login(user)
    for _ in range(2):
        holder.post(reverse("confirm_password"), {"password": WRONG})
    fail_sign_ins(Client(), settings.AXES_FAILURE_LIMIT - 2)
    assert sign_in(Client()).status_code == 429


def test_a_device_cookie_does_not_exempt_password_re_checks(settings):
    make_user("sky")
    phone = Client()
    sign_in(phone)  # a trusted device now
    for _ in range(settings.AXES_FAILURE_LIMIT):
        phone.post(reverse("confirm_password"), {"password": WRONG})
    assert phone.post(reverse("confirm_password"), {"password": PASSWORD}).status_code == 429


def test_typed_passwords_never_reach_the_access_records(settings):
    marker = "MARKER-typed-9f3"
    user = make_user("sky")
    holder = Client()
    holder.force_login(user)
    holder.post(
        reverse("password_change"),
        {"old_password": marker, "new_password1": marker, "new_password2": marker},
    )
    holder.post(reverse("delete_account"), {"password": marker, "confirm": marker})
    sign_in(Client(), "sky", marker)
    rows = AccessAttempt.objects.values_list("get_data", "post_data")
    assert rows
    assert marker not in " ".join(" ".join(row) for row in rows)


# 4. The real client address, and the device cookie.


def request_from(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_address(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_the_client_address_is_read_as_deep_as_the_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = 1
    # The client wrote the left entry itself; the proxy appended what it saw.
    assert client_address(request_from("10.0.0.1", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    settings.TRUSTED_PROXIES = 2
    chain = "6.6.6.6, 203.0.113.7, 10.0.0.2"
    assert client_address(request_from("10.0.0.1", chain)) == "203.0.113.7"
    assert client_address(request_from("10.0.0.1")) == "10.0.0.1"


def behind_proxy(client_ip: str, forged: str = "") -> Client:
    chain = f"{forged}, {client_ip}" if forged else client_ip
    return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=chain)


def test_behind_a_proxy_one_guesser_does_not_lock_everyone_out(settings):
    settings.TRUSTED_PROXIES = 1
    make_user("sky")
    guesser = behind_proxy("198.51.100.9")
    fail_sign_ins(guesser, settings.AXES_FAILURE_LIMIT)
    assert sign_in(guesser).status_code == 429
    assert sign_in(behind_proxy("198.51.100.20")).status_code == 302


def test_a_guesser_cannot_slip_the_lockout_by_forging_forwarded_for(settings):
    settings.TRUSTED_PROXIES = 1
    make_user("sky")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(behind_proxy("198.51.100.9", forged=f"203.0.113.{n}"), "sky", WRONG)
    assert sign_in(behind_proxy("198.51.100.9", forged="203.0.113.99")).status_code == 429


def test_a_guesser_cannot_lock_the_owner_out_of_their_own_device(settings):
    make_user("sky")
    phone = Client()  # the owner's phone, on the same home network as the guesser
    sign_in(phone)
    phone.post(reverse("logout"))
    guesser = Client()
    fail_sign_ins(guesser, settings.AXES_FAILURE_LIMIT + 3)
    assert sign_in(guesser).status_code == 429
    assert sign_in(phone).status_code == 302
    assert phone.get(reverse("journal:dashboard")).status_code == 200


def test_a_copied_or_altered_device_cookie_exempts_nobody(settings):
    make_user("sky")
    make_user("lee")
    phone = Client()
    sign_in(phone)
    cookie = phone.cookies[settings.DEVICE_COOKIE_NAME].value
    fail_sign_ins(Client(), settings.AXES_FAILURE_LIMIT, "lee")
    other_account = Client()
    other_account.cookies[settings.DEVICE_COOKIE_NAME] = cookie
    assert sign_in(other_account, "lee").status_code == 429
    fail_sign_ins(Client(), settings.AXES_FAILURE_LIMIT, "sky")
    altered = Client()
    altered.cookies[settings.DEVICE_COOKIE_NAME] = cookie.replace(
        cookie[3], "x" if cookie[3] != "x" else "y", 1
    )
    assert sign_in(altered).status_code == 429


def test_wrong_passwords_from_a_trusted_device_are_still_limited(settings):
    make_user("sky")
    phone = Client()
    sign_in(phone)
    phone.post(reverse("logout"))
    fail_sign_ins(phone, 2 * settings.AXES_FAILURE_LIMIT)
    assert sign_in(phone).status_code == 429


def test_the_owner_signing_in_does_not_reset_the_guessers_count(settings):
    make_user("sky")
    guesser = Client()
    fail_sign_ins(guesser, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(Client()).status_code == 302  # the owner, same address
    fail_sign_ins(guesser, 1)
    assert sign_in(guesser).status_code == 429


def test_the_device_cookie_is_set_only_after_the_second_step(settings):
    _, device, _ = user_with_two_factor()
    client = Client()
    sign_in(client)
    assert settings.DEVICE_COOKIE_NAME not in client.cookies
    client.post(reverse("login_verify"), {"code": current_code(device)})
    cookie = client.cookies[settings.DEVICE_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.DEVICE_COOKIE_DAYS * 24 * 3600
    assert "sky" not in cookie.value


# 13. Sign-up and password reset are limited per address.


def sign_up(client: Client, username: str):
    return client.post(
        reverse("signup"),
        {
            "username": username,
            "email": f"{username}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_sign_up_is_limited_per_address_and_keeps_what_was_typed(settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 2
    for name in ("ash", "elm"):
        assert sign_up(Client(REMOTE_ADDR="198.51.100.1"), name).status_code == 302
    refused = sign_up(Client(REMOTE_ADDR="198.51.100.1"), "oak")
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Too many new accounts" in text
    assert 'value="oak"' in text
    assert 'value="oak@example.org"' in text
    assert sign_up(Client(REMOTE_ADDR="198.51.100.2"), "oak").status_code == 302


def test_password_reset_is_limited_per_address(settings):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 2
    make_user("sky", email="sky@example.org")
    client = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(2):
        response = client.post(reverse("password_reset"), {"email": "sky@example.org"})
        assert response.status_code == 302
    refused = client.post(reverse("password_reset"), {"email": "sky@example.org"})
    assert refused.status_code == 429
    assert "Too many password-reset emails" in refused.content.decode()
    assert 'value="sky@example.org"' in refused.content.decode()
    assert len(mail.outbox) == 2
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert other.post(reverse("password_reset"), {"email": "x@example.org"}).status_code == 302


def test_the_rate_limit_helper_counts_per_scope_and_key():
    assert all(limits.hit("test", "a", 3, 60) for _ in range(3))
    assert not limits.hit("test", "a", 3, 60)
    assert limits.count("test", "a") == 4
    assert limits.hit("test", "b", 3, 60)
    assert limits.hit("other", "a", 3, 60)
    limits.clear("test", "a")
    assert limits.hit("test", "a", 3, 60)


def test_the_admins_password_change_is_the_sites_throttled_one():
    make_user("sky", is_staff=True, is_superuser=True)
    client = Client()
    sign_in(client)
    response = client.get(reverse("admin:password_change"))
    assert response["Location"] == reverse("password_change")


def test_the_lockout_says_plainly_how_long_sign_in_is_paused(settings):
    make_user("sky")
    client = Client()
    fail_sign_ins(client, settings.AXES_FAILURE_LIMIT)
    text = sign_in(client).content.decode()
    assert "paused for 15 minutes" in text
    assert "PT15M" not in text
