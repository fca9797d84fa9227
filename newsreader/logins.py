"""Failed admin logins: slowed, then locked out for a while (django-axes).

django-axes counts failed logins per client address and per account, and refuses every
login for AXES_COOLOFF_TIME once either reaches AXES_FAILURE_LIMIT. Before that, each
attempt after LOGIN_SLOWDOWN_AFTER failures waits a little longer than the one before.
"""

import time

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_credentials
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render

MAX_SLOWDOWN_SECONDS = 5.0


def slowdown_seconds(failures: int) -> float:
    """How long an attempt waits after this many recent failures."""
    over = failures - settings.LOGIN_SLOWDOWN_AFTER + 1
    if over <= 0:
        return 0.0
    return min(over * settings.LOGIN_SLOWDOWN_MS / 1000, MAX_SLOWDOWN_SECONDS)


def client_address(request) -> str:
    """The address a login comes from (AXES_CLIENT_IP_CALLABLE): the connection's, or
    behind LOGIN_PROXY_COUNT reverse proxies, the one the outermost proxy saw, which
    each proxy appends to X-Forwarded-For (so it is counted from the right)."""
    proxies = settings.LOGIN_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    forwarded = [address.strip() for address in forwarded if address.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class LoginAttemptsBackend(AxesStandaloneBackend):
    """Refuses logins for a locked-out client or account, and slows those that have been
    failing. It logs nobody in: ModelBackend, after it, checks the password.

    A login without a request (code calling authenticate(), such as the test client's
    login()) is not a form anyone can hammer, and is left alone.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not settings.AXES_ENABLED:
            return None
        super().authenticate(request, username, password, **kwargs)  # raises if locked out
        credentials = get_credentials(username=username, password=password, **kwargs)
        delay = slowdown_seconds(AxesProxyHandler.get_failures(request, credentials))
        if delay:
            time.sleep(delay)
        return None


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """What a locked-out client sees instead of the login form (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        "username": get_client_username(request, credentials) or "",
    }
    return render(request, "admin/locked_out.html", context, status=429)
