import pytest
from django.db.utils import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_home_says_what_the_app_is_and_is_not(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "not therapy" in text
    assert "never a monitoring tool" in text


@pytest.mark.django_db
def test_every_page_has_a_quick_exit_and_a_skip_link(client):
    for name in ["home", "safety", "login", "signup", "guides:index"]:
        text = client.get(reverse(name)).content.decode()
        assert 'id="quick-exit"' in text, name
        assert 'href="#main"' in text, name


@pytest.mark.django_db
def test_tab_titles_give_nothing_away(client):
    for name in ["home", "safety", "login", "signup", "guides:index"]:
        text = client.get(reverse(name)).content.decode()
        title = text.split("<title>")[1].split("</title>")[0].lower()
        assert "trust" not in title, name


@pytest.mark.django_db
def test_safety_page_lists_control_and_where_to_get_help(client):
    text = client.get(reverse("safety")).content.decode()
    assert "Tracking where you are" in text
    assert "emergency number" in text
    assert "counsellor" in text


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(db, client, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("database is down")

    monkeypatch.setattr("trustrepair.views.connection", DownConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.django_db
def test_quick_exit_ends_the_session_and_clears_site_data(owner_client):
    response = owner_client.post(reverse("quick_exit"))
    assert response.status_code == 204
    assert "cookies" in response["Clear-Site-Data"]
    assert owner_client.get(reverse("journal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_quick_exit_link_works_without_javascript(client):
    text = client.get(reverse("home")).content.decode()
    assert 'href="https://www.wikipedia.org/"' in text
