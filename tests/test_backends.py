"""The sign-in backend reads the signed-in person by its own SELECT: the same person,
field for field, as Django's ModelBackend, and nobody when the account cannot sign in."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.helpers import PASSWORD, make_user
from trustrepair.backends import BACKEND, UserBackend
from trustrepair.models import User, UserSession
from trustrepair.sessions import SessionStore

MIGRATION = importlib.import_module("trustrepair.migrations.0008_sessions_name_the_user_backend")


def field_values(user: User) -> dict:
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


@pytest.mark.django_db
def test_the_backend_reads_the_same_person_as_djangos_model_backend_field_for_field():
    person = make_user("robin", email="robin@example.org", time_zone="Pacific/Auckland")
    person.last_login = timezone.now()
    person.first_name = "Rö bin 'quoted'"
    person.save()
    ours = UserBackend().get_user(str(person.pk))
    djangos = ModelBackend().get_user(str(person.pk))
    assert ours is not None
    assert djangos is not None
    assert field_values(ours) == field_values(djangos)
    assert ours._state.adding is False
    assert ours._state.db == djangos._state.db
    assert ours.check_password(PASSWORD)


@pytest.mark.django_db
def test_an_unknown_inactive_or_malformed_id_is_nobody():
    inactive = make_user("gone", is_active=False)
    backend = UserBackend()
    assert backend.get_user(str(inactive.pk)) is None
    assert backend.get_user("987654") is None
    assert backend.get_user("not-a-number") is None


@pytest.mark.django_db
def test_reading_the_signed_in_person_is_one_query(django_assert_num_queries):
    person = make_user("robin")
    with django_assert_num_queries(1):
        assert UserBackend().get_user(person.pk) == person


@pytest.mark.django_db
def test_signing_in_stores_the_backend_and_every_page_after_it_knows_the_person():
    make_user("robin")
    client = Client()
    client.post(reverse("login"), {"username": "robin", "password": PASSWORD})
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    assert BACKEND in settings.AUTHENTICATION_BACKENDS
    assert client.get(reverse("journal:dashboard")).status_code == 200


def session_signed_in_with(person: User, backend: str) -> str:
    store = SessionStore()
    store.update(
        {
            SESSION_KEY: str(person.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: person.get_session_auth_hash(),
        }
    )
    store.create()
    return store.session_key or ""


class Editor:
    connection = connection


@pytest.mark.django_db
def test_a_session_from_before_the_upgrade_stays_signed_in_after_the_migration():
    person = make_user("robin")
    key = session_signed_in_with(person, MIGRATION.OLD)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    # Without the migration Django no longer knows the backend it names: signed out.
    assert client.get(reverse("journal:dashboard")).status_code == 302

    key = session_signed_in_with(person, MIGRATION.OLD)
    MIGRATION.forward(apps, Editor)
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert client.get(reverse("journal:dashboard")).status_code == 200
    assert SessionStore(key).load()[BACKEND_SESSION_KEY] == BACKEND


@pytest.mark.django_db
def test_the_migration_leaves_other_and_unreadable_sessions_alone_and_goes_back():
    person = make_user("robin")
    ours = session_signed_in_with(person, BACKEND)
    old = session_signed_in_with(person, MIGRATION.OLD)
    UserSession.objects.create(
        session_key="x" * 32,
        session_data="not a signed session",
        expire_date=timezone.now() + timedelta(days=1),
        user=person,
    )
    MIGRATION.forward(apps, Editor)
    assert UserSession.objects.get(session_key="x" * 32).session_data == "not a signed session"
    assert SessionStore(ours).load()[BACKEND_SESSION_KEY] == BACKEND
    MIGRATION.backward(apps, Editor)
    assert SessionStore(old).load()[BACKEND_SESSION_KEY] == MIGRATION.OLD
    assert SessionStore(ours).load()[BACKEND_SESSION_KEY] == MIGRATION.OLD


def user_table_reads(queries) -> list[str]:
    table = connection.ops.quote_name(User._meta.db_table)
    return [q["sql"] for q in queries if table in q["sql"]]


@pytest.mark.django_db
def test_a_signed_in_page_reads_the_person_with_the_session_in_one_statement():
    person = make_user("robin")
    client = Client()
    client.force_login(person)
    client.get(reverse("journal:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("journal:dashboard"))
    assert response.context["user"] == person
    reads = user_table_reads(queries)
    assert len(reads) == 1
    assert connection.ops.quote_name(UserSession._meta.db_table) in reads[0]


@pytest.mark.django_db
def test_the_row_read_with_the_session_is_only_taken_for_the_id_the_session_names():
    robin, sky = make_user("robin"), make_user("sky", email="sky@example.org")
    store = session_signed_in_with(robin, BACKEND)
    SessionStore(store).load()  # hands on robin's row
    with CaptureQueriesContext(connection) as queries:
        found = UserBackend().get_user(str(sky.pk))
    assert found == sky
    assert found.email == "sky@example.org"
    assert len(queries) == 1  # sky was read, robin's row was not used


@pytest.mark.django_db
def test_the_row_read_with_the_session_is_taken_once_and_forgotten_by_a_new_store():
    robin = make_user("robin")
    key = session_signed_in_with(robin, BACKEND)
    SessionStore(key).load()
    with CaptureQueriesContext(connection) as queries:
        assert UserBackend().get_user(robin.pk) == robin  # handed on: no query
        assert UserBackend().get_user(robin.pk) == robin  # taken already: read again
    assert len(queries) == 1
    SessionStore(key).load()
    SessionStore()  # the next request's store
    with CaptureQueriesContext(connection) as queries:
        assert UserBackend().get_user(robin.pk) == robin
    assert len(queries) == 1


@pytest.mark.django_db
def test_an_account_switched_off_is_signed_out_even_with_its_row_read_with_the_session():
    robin = make_user("robin")
    client = Client()
    client.force_login(robin)
    assert client.get(reverse("journal:dashboard")).status_code == 200
    User.objects.filter(pk=robin.pk).update(is_active=False)
    assert client.get(reverse("journal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_a_password_changed_elsewhere_still_ends_this_session():
    robin = make_user("robin")
    client = Client()
    client.force_login(robin)
    robin.set_password("a-new-and-different-passphrase-7")
    robin.save()
    assert client.get(reverse("journal:dashboard")).status_code == 302
