import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("english_site")


LOGIN = reverse("admin:login")


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_SLOWDOWN_AFTER = 2
    settings.LOGIN_SLOWDOWN_MS = 500


@pytest.fixture
def waits(monkeypatch):
    """How long each login attempt was made to wait (without waiting)."""
    slept: list[float] = []
    monkeypatch.setattr("newsreader.logins.time.sleep", slept.append)
    return slept


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="right-password", is_staff=True)


def log_in(client, username="editor", password="wrong", address="10.0.0.1", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.django_db
def test_the_right_password_logs_an_editor_in(client, editor, waits):
    assert logged_in(log_in(client, password="right-password"))
    assert waits == []


@pytest.mark.django_db
def test_failed_logins_are_slowed_down_more_and_more(client, editor, waits):
    for _ in range(4):
        assert log_in(client).status_code == 200

    assert waits == [0.5, 1.0]  # the 3rd and 4th attempts, after 2 and 3 failures
    assert log_in(client).status_code == 429  # the 5th failure locks the account
    assert waits == [0.5, 1.0, 1.5]


@pytest.mark.django_db
def test_after_too_many_failures_even_the_right_password_is_refused_clearly(client, editor, waits):
    for _ in range(5):
        log_in(client)

    response = log_in(client, password="right-password")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "paused for 15 minutes" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_account_is_locked_whichever_address_the_attempts_come_from(client, editor, waits):
    for number in range(5):
        log_in(client, address=f"10.0.0.{number}")

    assert log_in(client, password="right-password", address="10.9.9.9").status_code == 429


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_locked_out(client, editor, waits):
    for number in range(5):
        log_in(client, username=f"guess{number}")

    assert log_in(client, password="right-password").status_code == 429
    assert logged_in(log_in(client, password="right-password", address="10.0.0.2"))


@pytest.mark.django_db
def test_a_successful_login_forgets_earlier_failures(client, editor, waits):
    for _ in range(4):
        log_in(client)
    assert logged_in(log_in(client, password="right-password"))
    client.logout()

    for _ in range(4):
        log_in(client)

    assert logged_in(log_in(client, password="right-password"))


@pytest.mark.django_db
def test_an_administrator_lifts_the_lock(client, editor, waits):
    for _ in range(5):
        log_in(client)
    assert AccessAttempt.objects.exists()

    call_command("axes_reset", verbosity=0)

    assert logged_in(log_in(client, password="right-password"))


@pytest.mark.django_db
def test_behind_a_proxy_clients_are_told_apart_by_the_address_the_proxy_saw(
    client, editor, waits, settings
):
    settings.LOGIN_PROXY_COUNT = 1
    proxy = "10.0.0.254"
    for number in range(5):
        log_in(
            client,
            username=f"guess{number}",
            address=proxy,
            HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
        )

    locked = log_in(
        client, password="right-password", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    other = log_in(
        client,
        password="right-password",
        address=proxy,
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.2",
    )

    assert locked.status_code == 429
    assert logged_in(other)
