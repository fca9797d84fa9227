"""Five wrong passwords for `admin` from one address locked `admin` out for everyone, the
owner included, and each attempt after the second held a worker in time.sleep. Now the
lock is on the account and the address together, elsewhere the account is only slowed,
and an attempt that must wait is refused at once, saying for how long."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("english_site")

LOGIN = reverse("admin:login")
ATTACKER = "203.0.113.66"
OWNERS_OFFICE = "198.51.100.7"
OWNERS_PHONE = "192.0.2.44"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_SLOWDOWN_AFTER = 2
    settings.LOGIN_SLOWDOWN_MS = 500


@pytest.fixture(autouse=True)
def sleeps(monkeypatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


PASSWORDS_CHECKED: list[str] = []


@pytest.fixture(autouse=True)
def count_passwords_checked(monkeypatch):
    PASSWORDS_CHECKED.clear()
    check = AbstractBaseUser.check_password

    def checking(user, raw_password):
        PASSWORDS_CHECKED.append(raw_password)
        return check(user, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", checking)


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_superuser("admin", password="owners-password")


def log_in(client, address: str, password: str = "wrong"):
    client.logout()
    return client.post(
        LOGIN,
        {"username": "admin", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def wait_as_told(response) -> None:
    """The seconds Retry-After asked for pass (for the failures recorded)."""
    seconds = int(response["Retry-After"])
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


def failures() -> int:
    return sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))


def attempt(client, address: str, password: str = "wrong"):
    """A login; one refused without being counted has had no password checked."""
    counted, checked = failures(), len(PASSWORDS_CHECKED)
    response = log_in(client, address, password)
    if failures() == counted and response.status_code == 429:
        assert len(PASSWORDS_CHECKED) == checked  # refused before its password was hashed
    return response


def five_wrong_passwords(client) -> None:
    """As the attacker sends them: one refused for coming too soon is sent again later."""
    sent = 0
    while sent < 5:
        response = attempt(client, ATTACKER)
        if "Try again in" in response.content.decode():
            wait_as_told(response)
        else:
            sent += 1
    assert response.status_code == 429  # the fifth locks admin out from this address


@pytest.mark.django_db
def test_five_wrong_passwords_from_one_address_leave_the_owner_free_to_log_in(
    client, owner, sleeps
):
    assert logged_in(log_in(client, OWNERS_OFFICE, "owners-password"))

    five_wrong_passwords(client)

    assert log_in(client, ATTACKER).status_code == 429
    assert log_in(client, ATTACKER, "owners-password").status_code == 429
    assert logged_in(log_in(client, OWNERS_OFFICE, "owners-password"))
    assert sleeps == []


@pytest.mark.django_db
def test_from_a_new_address_the_owner_waits_seconds_not_minutes(client, owner, sleeps):
    five_wrong_passwords(client)

    refused = log_in(client, OWNERS_PHONE, "owners-password")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 2
    wait_as_told(refused)
    assert logged_in(log_in(client, OWNERS_PHONE, "owners-password"))
    assert sleeps == []


@pytest.mark.django_db
def test_no_login_attempt_sleeps(client, owner, sleeps):
    for _ in range(20):
        attempt(client, ATTACKER)
    attempt(client, OWNERS_PHONE, "owners-password")

    assert sleeps == []
