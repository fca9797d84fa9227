"""Downloading a feed politely and defensively: a User-Agent, conditional requests (ETag,
Last-Modified), a time limit for the whole download, a size limit (a larger or endless
response is cut off), redirects followed only on the same host.

Only public servers are reached (newsreader.addresses): the host's addresses are checked
before each request, redirects included, and the connection goes to an address that was
checked, with the host's name kept for the Host header and the TLS certificate, so that a
name that resolves to another address the next time (DNS rebinding) cannot send the
fetcher elsewhere. No proxy is used. Whatever fails on the way to an HTTP answer (an
unknown name; a connection refused, unreachable or unanswered; a failed TLS handshake; an
answer that is not HTTP) says the same thing, "could not be fetched", so that the errors
tell nothing of what listens where.
"""

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from functools import partial
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from newsreader import addresses

USER_AGENT = "newsreader/0.1 (a bilingual news reader's feed fetcher; Python urllib)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
NOT_FETCHED = "could not be fetched"
NOT_PUBLIC = "refused: the address is not public"


class FetchError(Exception):
    """A feed that could not be fetched; the message is one line for the editor."""


@dataclass(frozen=True)
class Download:
    status: int  # 200, or 304 when the feed has not changed since the last fetch
    body: bytes = b""
    content_type: str = ""
    url: str = ""  # after redirects
    etag: str = ""
    last_modified: str = ""


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> Download:
    """Download a feed, or raise FetchError saying why not."""
    timeout = timeout or settings.FEED_TIMEOUT_SECONDS
    max_bytes = max_bytes or settings.FEED_MAX_BYTES
    parts, port = _http_url(url)
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = _opener(parts.hostname, port)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            body = _read_limited(response, max_bytes, deadline, timeout)
            return Download(
                status=response.status,
                body=body,
                content_type=response.headers.get("Content-Type", ""),
                url=response.geturl(),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
            )
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 304:
            return Download(
                status=304,
                etag=error.headers.get("ETag", "") or etag,
                last_modified=error.headers.get("Last-Modified", "") or last_modified,
            )
        raise FetchError(f"HTTP {error.code} {error.reason}".strip()) from None
    except urllib.error.URLError:  # no connection: no name, refused, unreachable, TLS
        raise FetchError(NOT_FETCHED) from None
    except TimeoutError:  # connected, and then no answer in time
        raise FetchError(f"timed out after {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException):  # not HTTP, or cut short
        raise FetchError(NOT_FETCHED) from None


def _http_url(url: str) -> tuple[SplitResult, int]:
    """The URL's parts and port, or FetchError for anything but an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        port = parts.port or _default_port(parts.scheme)
    except ValueError:  # a port out of range or not a number, a broken IPv6 address
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("the feed URL must be an http or https URL")
    return parts, port


def _opener(host: str, port: int) -> urllib.request.OpenerDirector:
    """http and https only (no file:, ftp: or data:), to checked addresses, with no proxy;
    redirects only on the same host."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        _CheckedAddresses(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _SameHostRedirects(host, port),
    ):
        opener.add_handler(handler)
    return opener


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def checked_addresses(url: str) -> list[str]:
    """The addresses of the URL's host that may be fetched from, or FetchError: a port that
    is not allowed, a host with no public address, or one that does not resolve."""
    parts, port = _http_url(url)
    if not addresses.port_allowed(port):
        raise FetchError(f"refused: port {port} is not allowed")
    try:
        allowed = addresses.allowed_addresses(parts.hostname, port)
    except OSError:
        raise FetchError(NOT_FETCHED) from None
    if not allowed:
        raise FetchError(NOT_PUBLIC)
    return allowed


class _CheckedAddresses(urllib.request.AbstractHTTPHandler):
    """Opens each request (the first, and each redirect) on a connection to an address
    of its host that was checked just before."""

    def __init__(self):
        super().__init__()
        self.tls = ssl.create_default_context()

    def http_open(self, request):
        connection = partial(_PinnedHTTPConnection, to=checked_addresses(request.full_url))
        return self.do_open(connection, request)

    def https_open(self, request):
        connection = partial(_PinnedHTTPSConnection, to=checked_addresses(request.full_url))
        return self.do_open(connection, request, context=self.tls)

    http_request = https_request = urllib.request.AbstractHTTPHandler.do_request_


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the given addresses (the first that answers), never to what the host's
    name resolves to now."""

    def __init__(self, host, *, to: list[str], **options):
        super().__init__(host, **options)
        self.addresses = to

    def connect(self):
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As _PinnedHTTPConnection, with TLS checked against the host's name."""

    def __init__(self, host, *, to: list[str], context: ssl.SSLContext, **options):
        super().__init__(host, context=context, **options)
        self.addresses, self.tls = to, context

    def connect(self):
        sock = _connect(self.addresses, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def _connect(to: list[str], port: int, timeout) -> socket.socket:
    error = None
    for address in to:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failure:
            error = failure
    raise error


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same host and port (or from http to https on the same
    host): a feed must not send the fetcher to another server, such as an internal one."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, host: str, port: int):
        self.host, self.port = host.lower(), port

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urlsplit(newurl)
        host = (target.hostname or "").lower()
        port = target.port or _default_port(target.scheme)
        same_place = host == self.host and (
            port == self.port or (target.scheme == "https" and port == 443)
        )
        downgrade = urlsplit(req.full_url).scheme == "https" and target.scheme != "https"
        if target.scheme not in ("http", "https") or not same_place or downgrade:
            fp.close()
            where = f"{target.scheme}://{target.netloc}" if target.netloc else newurl[:100]
            raise FetchError(f"redirected to another host ({where}); not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_limited(response, max_bytes: int, deadline: float, timeout: float) -> bytes:
    """The body, gunzipped, as long as it is within max_bytes and arrives before the deadline."""
    limit = f"{max_bytes:,}-byte limit"
    length = response.headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"larger than the {limit} ({int(length):,} bytes announced)")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", ""):
        raise FetchError(f"sent in an encoding we did not ask for ({encoding})")
    gunzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if "gzip" in encoding else None
    parts, size = [], 0
    while chunk := response.read1(CHUNK_BYTES):
        if gunzip is not None:
            try:
                chunk = gunzip.decompress(chunk, max_bytes + 1 - size)
            except zlib.error:
                raise FetchError("not valid gzip") from None
            if gunzip.unconsumed_tail:
                size = max_bytes + 1
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"larger than the {limit}; stopped reading")
        if time.monotonic() > deadline:
            raise FetchError(f"too slow: not all there after {timeout:g} s; stopped reading")
        parts.append(chunk)
    return b"".join(parts)
