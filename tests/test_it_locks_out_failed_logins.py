from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("english_site")


LOGIN = reverse("admin:login")


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(hours=1)
    settings.LOGIN_SLOWDOWN_AFTER = 2
    settings.LOGIN_SLOWDOWN_MS = 10_000  # waits of 10 s, 20 s, 30 s…
    settings.LOGIN_SLOWDOWN_MAX_SECONDS = 60


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """A login never holds its worker: an attempt that must wait is refused at once."""

    def sleep(seconds):
        raise AssertionError(f"a login slept {seconds} s")

    monkeypatch.setattr("time.sleep", sleep)


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


def time_passes(seconds: int = 60) -> None:
    """Every recorded failure happened this much earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


def fail(client, times: int, **login) -> None:
    """Wrong passwords, each after waiting as long as the one before asked."""
    for _ in range(times):
        assert log_in(client, **login).status_code in (200, 429)
        time_passes()


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def told_to_wait(response, seconds: int) -> bool:
    """Refused, told to wait these seconds (less the time the test took since)."""
    if response.status_code != 429:
        return False
    wait = int(response["Retry-After"])
    return seconds - 3 < wait <= seconds and f"Try again in {wait} seconds." in str(
        response.content, "utf-8"
    )


def failures() -> int:
    return sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))


@pytest.mark.django_db
def test_the_right_password_logs_an_editor_in(client, editor):
    assert logged_in(log_in(client, password="right-password"))


@pytest.mark.django_db
def test_an_attempt_too_soon_after_failures_is_refused_at_once_with_the_seconds_to_wait(
    client, editor
):
    assert log_in(client).status_code == 200
    assert log_in(client).status_code == 200

    assert told_to_wait(log_in(client), 10)
    assert told_to_wait(log_in(client, password="right-password"), 10)  # not even checked
    assert failures() == 2  # neither counted

    time_passes(10)
    assert log_in(client).status_code == 200
    assert told_to_wait(log_in(client), 20)
    time_passes(20)
    assert log_in(client).status_code == 200
    assert told_to_wait(log_in(client), 30)


@pytest.mark.django_db
def test_the_wait_grows_with_each_failure_up_to_a_limit(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 100
    settings.LOGIN_SLOWDOWN_MAX_SECONDS = 30
    fail(client, 10)
    assert log_in(client).status_code == 200  # an 11th failure, just now

    assert told_to_wait(log_in(client), 30)


@pytest.mark.django_db
def test_after_too_many_failures_from_one_address_even_the_right_password_is_refused_clearly(
    client, editor
):
    fail(client, 5)

    response = log_in(client, password="right-password")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "Logging in as “editor” from this computer has failed too many times" in page
    assert "paused for 59 minutes" in page  # one has passed since the 5th failure
    assert 59 * 60 - 5 < int(response["Retry-After"]) <= 59 * 60
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_from_one_address_do_not_lock_the_account_from_another(client, editor):
    fail(client, 5, address="10.0.0.1")

    assert logged_in(log_in(client, password="right-password", address="10.9.9.9"))
    assert log_in(client, password="right-password", address="10.0.0.1").status_code == 429


@pytest.mark.django_db
def test_failures_from_many_addresses_slow_the_account_but_never_lock_it(client, editor):
    fail(client, 8, address="10.0.0.1")  # locked from there after 5, the rest not counted
    for number in range(2, 12):
        fail(client, 1, address=f"10.0.0.{number}")
    assert log_in(client, address="10.0.0.99").status_code == 200  # the 16th, just now

    assert told_to_wait(log_in(client, password="right-password", address="10.9.9.9"), 60)
    time_passes(60)
    assert logged_in(log_in(client, password="right-password", address="10.9.9.9"))


@pytest.mark.django_db
def test_an_account_is_never_slowed_from_an_address_it_logged_in_from(client, editor):
    assert logged_in(log_in(client, password="right-password", address="10.0.0.9"))
    client.logout()
    for number in range(1, 11):
        fail(client, 1, address=f"10.0.1.{number}")
    assert log_in(client, address="10.0.1.99").status_code == 200  # the 11th, just now
    assert told_to_wait(log_in(client, password="right-password", address="10.9.9.9"), 60)

    assert logged_in(log_in(client, password="right-password", address="10.0.0.9"))


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_slowed_not_the_accounts(client, editor):
    for number in range(5):
        fail(client, 1, username=f"guess{number}")
    assert log_in(client, username="guess5").status_code == 200  # the 6th, just now
    assert told_to_wait(log_in(client, username="guess6"), 50)

    assert told_to_wait(log_in(client, password="right-password"), 50)
    assert logged_in(log_in(client, password="right-password", address="10.0.0.2"))
    client.logout()
    time_passes(50)
    assert logged_in(log_in(client, password="right-password"))


@pytest.mark.django_db
def test_a_successful_login_forgets_earlier_failures(client, editor):
    fail(client, 4)
    assert logged_in(log_in(client, password="right-password"))
    client.logout()

    fail(client, 4)

    assert logged_in(log_in(client, password="right-password"))


@pytest.mark.django_db
def test_an_administrator_lifts_the_lock(client, editor):
    fail(client, 5)
    assert AccessAttempt.objects.exists()

    call_command("axes_reset", verbosity=0)

    assert logged_in(log_in(client, password="right-password"))


@pytest.mark.django_db
def test_behind_a_proxy_clients_are_told_apart_by_the_address_the_proxy_saw(
    client, editor, settings
):
    settings.LOGIN_PROXY_COUNT = 1
    proxy = "10.0.0.254"
    fail(client, 5, address=proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

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


@pytest.mark.django_db
def test_behind_a_proxy_a_forwarded_address_that_is_not_one_counts_as_the_proxy(
    client, editor, settings
):
    settings.LOGIN_PROXY_COUNT = 1
    proxy = "10.0.0.254"
    fail(client, 5, address=proxy, HTTP_X_FORWARDED_FOR="not-an-address")

    assert AccessAttempt.objects.get().ip_address == proxy
    locked = log_in(client, password="right-password", address=proxy)
    assert locked.status_code == 429
