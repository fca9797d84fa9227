"""The machine-translation backend connects only to an allowed address, and reads no more
than its limit."""

import json

import pytest

from articles.desk import machine
from tests.test_it_suggests_translations import server  # noqa: F401


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}",
        "http://169.254.169.254/",
        "http://[::ffff:127.0.0.1]:{port}",
        "http://localhost:{port}",
    ],
)
def test_an_address_that_is_not_allowed_is_refused_before_connecting(
    server,  # noqa: F811
    settings,
    url,
):
    settings.TRANSLATION_ALLOWED_NETWORKS = ()
    settings.TRANSLATION_URL = url.format(port=settings.TRANSLATION_URL.rsplit(":", 1)[1])

    with pytest.raises(machine.MachineError, match="address is not allowed"):
        machine.configured().translate(["Một."])
    assert server.asked == []


def test_an_endless_answer_is_cut_off(server, monkeypatch):  # noqa: F811
    monkeypatch.setattr(machine, "MAX_ANSWER_BYTES", 10_000)
    server.answer = (200, json.dumps({"translatedText": ["x" * 20_000]}).encode())

    with pytest.raises(machine.MachineError, match="too large"):
        machine.configured().translate(["Một."])
