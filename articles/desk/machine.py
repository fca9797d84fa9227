"""Machine suggestions: a translation backend, chosen in settings (TRANSLATION_BACKEND).

- "none" (the default): no machine suggestions;
- "libretranslate": a self-hosted LibreTranslate server at TRANSLATION_URL, with
  TRANSLATION_API_KEY, asked over its HTTP API (POST /translate, JSON).

A backend turns Vietnamese texts into English ones, or raises MachineError with a line for
the editor. What it answers is only ever shown beside the memory's suggestions, marked as
machine output: nothing is saved without the editor's action.

The server's address is checked before each request (newsreader.addresses: public, or in
TRANSLATION_ALLOWED_NETWORKS) and the connection goes to the address checked, with no
proxy and no redirect; the whole exchange is bounded by TRANSLATION_TIMEOUT_SECONDS and
the answer by MAX_ANSWER_BYTES.
"""

import http.client
import json
import socket
import ssl
import time
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings

from newsreader import addresses

MAX_ANSWER_BYTES = 2 * 1024 * 1024
MAX_TEXTS = 200  # an article's pairs asked at once, at most
MAX_CHARACTERS = 100_000  # of text asked at once, at most


class MachineError(Exception):
    """The backend gave no translation; the message is one line for the editor."""


class Backend(Protocol):
    name: str
    timeout: float

    def translate(self, texts: list[str]) -> list[str]: ...


def configured() -> Backend | None:
    """The backend the settings choose, or None."""
    if settings.TRANSLATION_BACKEND == "libretranslate":
        return LibreTranslate(
            settings.TRANSLATION_URL,
            settings.TRANSLATION_API_KEY,
            settings.TRANSLATION_TIMEOUT_SECONDS,
        )
    return None


class LibreTranslate:
    """A LibreTranslate server's /translate: {"q": [...], "source": "vi", "target": "en",
    "format": "text", "api_key": ...} → {"translatedText": [...]}."""

    name = "LibreTranslate"

    def __init__(self, url: str, api_key: str = "", timeout: float = 8, networks=None):
        self.url, self.api_key, self.timeout = url.rstrip("/"), api_key, timeout
        self.networks = settings.TRANSLATION_ALLOWED_NETWORKS if networks is None else networks

    def translate(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        texts = texts[:MAX_TEXTS]
        if sum(map(len, texts)) > MAX_CHARACTERS:
            raise MachineError("too much text to ask for at once")
        request = {"q": texts, "source": "vi", "target": "en", "format": "text"}
        if self.api_key:
            request["api_key"] = self.api_key
        status, body = _post_json(f"{self.url}/translate", request, self.timeout, self.networks)
        try:
            answer = json.loads(body)
        except ValueError:
            answer = None
        if status != 200:
            said = answer.get("error") if isinstance(answer, dict) else None
            detail = f": {str(said)[:200]}" if said else ""
            raise MachineError(f"the translation server answered HTTP {status}{detail}")
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if isinstance(translated, str) and len(texts) == 1:
            translated = [translated]
        if not (
            isinstance(translated, list)
            and len(translated) == len(texts)
            and all(isinstance(text, str) for text in translated)
        ):
            raise MachineError("the translation server's answer is not a translation")
        return translated


def _post_json(url: str, payload: dict, timeout: float, networks) -> tuple[int, bytes]:
    """POST the payload as JSON to a checked address of the URL's host; (status, body)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise MachineError("the translation server's address is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MachineError("the translation server's address is not an http(s) URL")
    try:
        allowed = addresses.allowed_addresses(parts.hostname, port, networks)
    except OSError:
        raise MachineError("the translation server could not be reached") from None
    if not allowed:
        raise MachineError("refused: the translation server's address is not allowed")
    deadline = time.monotonic() + timeout
    body = json.dumps(payload, ensure_ascii=False).encode()
    try:
        sock = socket.create_connection((allowed[0], port), timeout)
        if parts.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
        connection.sock = sock
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request(
                "POST",
                path,
                body,
                {"Content-Type": "application/json", "Accept": "application/json"},
            )
            response = connection.getresponse()
            answer = bytearray()
            while chunk := response.read1(64 * 1024):
                answer += chunk
                if len(answer) > MAX_ANSWER_BYTES:
                    raise MachineError("the translation server's answer is too large")
                if time.monotonic() > deadline:
                    raise TimeoutError
                sock.settimeout(max(0.1, deadline - time.monotonic()))
            return response.status, bytes(answer)
        finally:
            connection.close()
    except TimeoutError:
        raise MachineError(f"the translation server did not answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException):
        raise MachineError("the translation server could not be reached") from None
