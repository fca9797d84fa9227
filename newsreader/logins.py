"""Failed admin logins: locked out per account and address, slowed per account and per
address, and never by making a worker wait (django-axes).

- After AXES_FAILURE_LIMIT failures for an account from one address, that account is
  refused from that address for AXES_COOLOFF_TIME. From any other address it is not: no
  one can lock an editor out by failing on their name.
- After LOGIN_SLOWDOWN_AFTER failures for an account (from any address), or from one
  address (for any account), the next attempt must come LOGIN_SLOWDOWN_MS after the last
  failure, and each further failure adds as much (up to LOGIN_SLOWDOWN_MAX_SECONDS). One
  that comes sooner is refused at once, saying how many seconds to wait: its password is
  not checked and it is not counted. An account is not slowed from an address it has
  logged in from before, so its owner is never kept out of their own computer.

Failures are counted over the last AXES_COOLOFF_TIME, from django-axes' attempts; the
addresses an account has logged in from are in its access log.
"""

import ipaddress
import math
from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib import admin
from django.db.models import Max, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone


def slowdown_seconds(failures: int) -> float:
    """How long after the last failure the next attempt must come, after this many."""
    over = failures - settings.LOGIN_SLOWDOWN_AFTER + 1
    if over <= 0:
        return 0.0
    return min(over * settings.LOGIN_SLOWDOWN_MS / 1000, settings.LOGIN_SLOWDOWN_MAX_SECONDS)


def seconds_to_wait(username: str, address: str, now: datetime) -> int:
    """How long an attempt for this account from this address must still wait (0: none)."""
    if address and AccessLog.objects.filter(username=username, ip_address=address).exists():
        return 0  # the account has logged in from here: only its lock here applies
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - _cool_off())
    waits = [_wait(recent.filter(username=username), now)]
    if address:
        waits.append(_wait(recent.filter(ip_address=address), now))
    return max(waits)


def _wait(attempts: QuerySet, now: datetime) -> int:
    recent = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    delay = slowdown_seconds(recent["failures"] or 0)
    if not delay:
        return 0
    return max(0, math.ceil((recent["last"] + timedelta(seconds=delay) - now).total_seconds()))


def _cool_off() -> timedelta:
    return get_cool_off() or timedelta(days=365 * 100)


def client_address(request) -> str:
    """The address a login comes from (AXES_CLIENT_IP_CALLABLE): the connection's, or
    behind LOGIN_PROXY_COUNT reverse proxies, the one the outermost proxy saw, which
    each proxy appends to X-Forwarded-For (so it is counted from the right). Anything in
    its place that is not an address is ignored."""
    proxies = settings.LOGIN_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    forwarded = [address.strip() for address in forwarded if address.strip()]
    if proxies and len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class LoginAttemptsBackend(AxesStandaloneBackend):
    """Refuses a login for an account locked out from its address, or one that comes too
    soon after failures, before its password is checked. It logs nobody in: ModelBackend,
    after it, checks the password.

    A login without a request (code calling authenticate(), such as the test client's
    login()) is not a form anyone can hammer, and is left alone.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not settings.AXES_ENABLED:
            return None
        super().authenticate(request, username, password, **kwargs)  # raises if locked out
        wait = seconds_to_wait(username, request.axes_ip_address, request.axes_attempt_time)
        if wait:
            # Answered by locked_out(), and not counted as a failure (for axes counts none
            # while a request is locked out).
            request.axes_locked_out = True
            request.login_wait_seconds = wait
            raise AxesBackendPermissionDenied("too soon after failed logins")
        return None


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """What a refused login sees instead of the login form (AXES_LOCKOUT_CALLABLE): how
    long to wait, on the page and in Retry-After."""
    username = get_client_username(request, credentials) or ""
    wait = getattr(request, "login_wait_seconds", None)
    if wait is None:
        wait = _lock_remaining_seconds(username, request.axes_ip_address)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "username": username,
        "locked": not hasattr(request, "login_wait_seconds"),
        "seconds": wait,
        "minutes": math.ceil(wait / 60) if wait else None,
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    if wait:
        response["Retry-After"] = str(wait)
    return response


def _lock_remaining_seconds(username: str, address: str) -> int | None:
    """How long the account stays locked from this address (None: until lifted)."""
    cool_off = get_cool_off()
    if not cool_off:
        return None
    last = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(
        last=Max("attempt_time")
    )["last"]
    if last is None:
        return math.ceil(cool_off.total_seconds())
    return max(1, math.ceil((last + cool_off - timezone.now()).total_seconds()))
