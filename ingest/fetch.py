"""Downloading a feed politely and defensively: a User-Agent, conditional requests (ETag,
Last-Modified), a time limit for the whole download, a size limit (a larger or endless
response is cut off), redirects followed only on the same host."""

import http.client
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

USER_AGENT = "newsreader/0.1 (a bilingual news reader's feed fetcher; Python urllib)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024


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
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("the feed URL must be an http or https URL")
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = _opener(parts)
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
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise FetchError(f"timed out after {timeout:g} s") from None
        raise FetchError(f"could not connect: {error.reason}") from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise FetchError(f"could not be fetched: {error}") from None


def _opener(parts) -> urllib.request.OpenerDirector:
    """http and https only (no file:, ftp: or data:), redirects only on the same host."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _SameHostRedirects(parts.hostname, parts.port or _default_port(parts.scheme)),
    ):
        opener.add_handler(handler)
    return opener


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


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
