"""The reminders page: opt in, choose days and a time, manage the devices."""

import base64
import datetime
import json
import os

import pytest
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse

from journal.reminders.models import PushSubscription, ReminderSettings

pytestmark = pytest.mark.django_db

SETTINGS = reverse("reminders:settings")
ADD_DEVICE = reverse("reminders:add_device")


def form(**overrides) -> dict:
    data = {"by_email": "on", "days": ["0", "2", "4"], "at": "20:30"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def subscription(endpoint: str = "https://fcm.googleapis.com/fcm/send/abc123") -> dict:
    return {
        "endpoint": endpoint,
        "keys": {"p256dh": b64(b"\x04" + os.urandom(64)), "auth": b64(os.urandom(16))},
    }


def test_signed_out_visitors_are_asked_to_log_in(client):
    for url in (SETTINGS, reverse("reminders:open")):
        assert client.get(url)["Location"].startswith(reverse("login"))
    response = client.post(ADD_DEVICE, json.dumps(subscription()), "application/json")
    assert response.status_code == 302
    assert not PushSubscription.objects.exists()


def test_reminders_are_off_until_chosen(owner_client, user):
    page = owner_client.get(SETTINGS).content.decode()
    assert "a moment for yourself today?" in page
    assert 'name="by_email" id="id_by_email" checked' not in page
    # Looking changes nothing: the settings are kept only once chosen.
    assert not ReminderSettings.objects.filter(user=user).exists()


def test_choosing_days_and_a_time_turns_them_on(owner_client, user):
    user.email = "robin@example.org"
    user.save()
    response = owner_client.post(SETTINGS, form(quiet_from="22:00", quiet_until="07:00"))
    assert response["Location"] == SETTINGS
    reminders = ReminderSettings.objects.get(user=user)
    assert reminders.by_email
    assert reminders.days == [0, 2, 4]
    assert reminders.at == datetime.time(20, 30)
    assert reminders.quiet_from == datetime.time(22, 0)
    assert "Reminders are on." in owner_client.get(SETTINGS).content.decode()


def test_email_needs_an_address_and_the_form_keeps_what_was_chosen(owner_client, user):
    response = owner_client.post(SETTINGS, form(at="06:45"))
    text = response.content.decode()
    assert "Add an email address on your account page first" in text
    assert 'value="06:45"' in text
    assert not ReminderSettings.objects.filter(user=user, by_email=True).exists()


def test_a_time_inside_quiet_hours_and_no_day_are_refused(owner_client, user):
    user.email = "robin@example.org"
    user.save()
    quiet = owner_client.post(SETTINGS, form(at="23:00", quiet_from="22:00", quiet_until="07:00"))
    assert "This time is inside your quiet hours" in quiet.content.decode()
    no_day = owner_client.post(SETTINGS, form(days=None))
    assert "Choose at least one day." in no_day.content.decode()
    half = owner_client.post(SETTINGS, form(quiet_from="22:00"))
    assert "Give both quiet times, or neither." in half.content.decode()


def test_saving_again_ends_a_pause_or_a_stop(owner_client, user):
    user.email = "robin@example.org"
    user.save()
    ReminderSettings.objects.create(
        user=user, stopped=True, paused_until=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)
    )
    assert "Reminders are stopped" in owner_client.get(SETTINGS).content.decode()
    owner_client.post(SETTINGS, form())
    reminders = ReminderSettings.objects.get(user=user)
    assert not reminders.stopped
    assert reminders.paused_until is None


def test_the_push_button_needs_vapid_keys(owner_client, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    assert "push-controls" not in owner_client.get(SETTINGS).content.decode()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = "BPublicKey", "private"
    page = owner_client.get(SETTINGS).content.decode()
    assert 'data-push-key="BPublicKey"' in page
    assert "/static/js/push.js" in page


def test_a_device_is_kept_encrypted_and_turns_push_on(owner_client, user):
    data = subscription()
    response = owner_client.post(
        ADD_DEVICE,
        json.dumps(data),
        "application/json",
        headers={"user-agent": "Mozilla/5.0 (Android 14) Chrome/130.0 Mobile"},
    )
    assert response.status_code == 201
    device = PushSubscription.objects.get(user=user)
    assert device.endpoint == data["endpoint"]
    assert json.loads(device.key) == data["keys"]
    assert ReminderSettings.objects.get(user=user).by_push
    # Read as plain text columns: the field itself would decrypt.
    raw = PushSubscription.objects.values_list(
        Cast("endpoint", TextField()), Cast("key", TextField())
    )
    stored = " ".join(raw.get())
    assert "fcm.googleapis.com" not in stored
    assert data["keys"]["auth"] not in stored
    assert "Remove" in owner_client.get(SETTINGS).content.decode()

    # The same browser subscribing again replaces its row.
    owner_client.post(ADD_DEVICE, json.dumps(data), "application/json")
    assert PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",  # not https
        "https://10.0.0.5/push",  # an address inside the network
        "https://example.org/push",  # not a push service
        "https://fcm.googleapis.com.evil.example/push",
        "http://127.0.0.1:9000/push",  # loopback only when listed
    ],
)
def test_only_known_push_services_are_accepted(owner_client, endpoint):
    response = owner_client.post(ADD_DEVICE, json.dumps(subscription(endpoint)), "application/json")
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_a_malformed_subscription_is_refused(owner_client):
    bad_keys = subscription()
    bad_keys["keys"]["auth"] = "short"
    for body in ("not json", json.dumps([1, 2]), json.dumps(bad_keys)):
        assert owner_client.post(ADD_DEVICE, body, "application/json").status_code == 400


def test_adding_a_device_needs_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(ADD_DEVICE, json.dumps(subscription()), "application/json")
    assert response.status_code == 403


def test_a_device_can_be_removed_by_its_owner_only(owner_client, stranger_client, user):
    owner_client.post(ADD_DEVICE, json.dumps(subscription()), "application/json")
    device = PushSubscription.objects.get()
    remove = reverse("reminders:remove_device", args=[device.pk])
    assert stranger_client.post(remove).status_code == 404
    assert stranger_client.get(remove).status_code == 404
    assert owner_client.post(remove)["Location"] == SETTINGS
    assert not PushSubscription.objects.exists()


def test_a_reminder_opens_the_check_in_or_the_journal(owner_client):
    assert owner_client.get(reverse("reminders:open"))["Location"] == reverse("journal:checkin_new")
    plans = owner_client.get(reverse("reminders:open") + "?to=plans")
    assert plans["Location"] == reverse("journal:dashboard")


def test_the_account_page_links_to_reminders(owner_client):
    assert f'href="{SETTINGS}"' in owner_client.get(reverse("account")).content.decode()
