"""The importer reads only regular files inside the folder or files it is given: an
`a.en.txt` that links to a secrets file outside the folder was imported as the translation,
and a FIFO named `b.txt` held the run forever. Now a link (even to a file inside), a FIFO,
a socket or a device is refused at once, in its report line, and never read."""

import os
import signal
import socket
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from articles.models import Article, Paragraph
from tests.test_it_imports_scraped_files import VIETNAMESE, run_import

# Lines up with VIETNAMESE paragraph for paragraph, as a translation would.
SECRETS = """The production database password is hunter2-correct-horse.

The payment API key is sk-live-51H8xYzSecret.

The backup server's root password is Tr0ub4dor-and-3.
"""
SECRET_WORDS = ("hunter2", "sk-live", "Tr0ub4dor")
NDJSON_LINE = '{"id": "vnx-1", "lead_vi": "Giá xăng giảm mạnh từ chiều nay."}\n'
LINK = "cannot be read (a symbolic link, not followed)"


class StillRunning(Exception):
    """Not an OSError, which a reader would take for a file it cannot read."""


@contextmanager
def at_most(seconds: float):
    """Fails the test, rather than hanging it, when the block takes longer."""

    def too_long(signum, frame):
        raise StillRunning(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def folder(tmp_path) -> Path:
    scraped = tmp_path / "scraped"
    scraped.mkdir()
    return scraped


@pytest.fixture
def secrets_file(tmp_path) -> Path:
    secrets = tmp_path / "elsewhere" / "secrets.txt"
    secrets.parent.mkdir()
    secrets.write_text(SECRETS, encoding="utf-8")
    return secrets


def stored_text() -> str:
    fields = Article.objects.values_list("title_en", "lead_en", "title_vi", "lead_vi")
    paragraphs = Paragraph.objects.values_list("text_en", "text_vi")
    return " ".join(text for row in [*fields, *paragraphs] for text in row)


@pytest.mark.django_db
def test_a_translation_linked_to_a_secrets_file_outside_the_folder_is_never_read(
    folder, secrets_file
):
    (folder / "a.txt").write_text(VIETNAMESE, encoding="utf-8")
    (folder / "a.en.txt").symlink_to(secrets_file)

    output, code = run_import(folder)

    assert f"{folder / 'a.txt'}: refused: a.en.txt: {LINK}" in output
    assert code == 1
    assert not Article.objects.exists()
    assert not any(word in stored_text() for word in SECRET_WORDS)


@pytest.mark.django_db
def test_a_translation_linked_to_a_file_beside_it_is_refused_too(folder):
    (folder / "a.txt").write_text(VIETNAMESE, encoding="utf-8")
    (folder / "english.md").write_text(SECRETS, encoding="utf-8")
    (folder / "a.en.txt").symlink_to(folder / "english.md")

    output, _code = run_import(folder / "a.txt")

    assert f"{folder / 'a.txt'}: refused: a.en.txt: {LINK}" in output
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_broken_link_for_a_translation_is_refused_not_ignored(folder):
    (folder / "a.txt").write_text(VIETNAMESE, encoding="utf-8")
    (folder / "a.en.txt").symlink_to(folder / "gone.txt")

    output, _code = run_import(folder)

    assert f"{folder / 'a.txt'}: refused: a.en.txt: {LINK}" in output


@pytest.mark.django_db
def test_a_linked_article_in_the_folder_is_refused_and_the_rest_import(folder, secrets_file):
    (folder / "a.txt").write_text(VIETNAMESE, encoding="utf-8")
    (folder / "b.txt").symlink_to(secrets_file)
    (folder / "c.txt").symlink_to(folder / "a.txt")  # inside, but a link all the same

    output, code = run_import(folder)

    assert code == 1
    assert f"{folder / 'a.txt'}: created" in output
    assert f"{folder / 'b.txt'}: refused: {LINK}" in output
    assert f"{folder / 'c.txt'}: refused: {LINK}" in output
    assert output.splitlines()[-1] == "3 file(s): 1 created, 2 refused."
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_fifo_named_like_an_article_is_refused_at_once_and_the_run_ends(folder):
    (folder / "a.txt").write_text(VIETNAMESE, encoding="utf-8")
    os.mkfifo(folder / "b.txt")
    os.mkfifo(folder / "c.en.txt")  # a translation too
    (folder / "c.txt").write_text(VIETNAMESE.replace("Tokyo", "Seoul"), encoding="utf-8")
    started = time.monotonic()

    with at_most(10):
        output, code = run_import(folder)

    assert time.monotonic() - started < 5
    assert code == 1
    assert f"{folder / 'a.txt'}: created" in output
    assert f"{folder / 'b.txt'}: refused: cannot be read (a FIFO, not a regular file)" in output
    assert (
        f"{folder / 'c.txt'}: refused: c.en.txt: cannot be read (a FIFO, not a regular file)"
        in output
    )
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_fifo_or_a_device_given_by_name_is_refused_at_once(folder):
    os.mkfifo(folder / "b.txt")

    with at_most(10):
        fifo, _code = run_import(folder / "b.txt")
        device, _code = run_import("/dev/zero")

    assert f"{folder / 'b.txt'}: refused: cannot be read (a FIFO, not a regular file)" in fifo
    assert "/dev/zero: refused: cannot be read (a device, not a regular file)" in device


@pytest.mark.django_db
def test_a_socket_in_the_folder_is_refused(folder):
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind(str(folder / "s.txt"))
        output, _code = run_import(folder)
    finally:
        listener.close()

    assert f"{folder / 's.txt'}: refused: cannot be read (a socket, not a regular file)" in output


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["bulk.ndjson", "bulk.jsonl"])
def test_a_linked_ndjson_file_is_refused_unread(folder, tmp_path, name):
    outside = tmp_path / "outside.ndjson"
    outside.write_text(NDJSON_LINE, encoding="utf-8")
    (folder / name).symlink_to(outside)

    in_folder, _code = run_import(folder)
    by_name, _code = run_import(folder / name)

    for output in (in_folder, by_name):
        assert output.splitlines()[0] == f"{folder / name}: refused: {LINK}"
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_fifo_named_like_an_ndjson_file_is_refused_at_once(folder):
    os.mkfifo(folder / "bulk.ndjson")

    with at_most(10):
        output, _code = run_import(folder)

    assert (
        f"{folder / 'bulk.ndjson'}: refused: cannot be read (a FIFO, not a regular file)" in output
    )


@pytest.mark.django_db
def test_a_linked_feed_file_is_refused_unread(folder, tmp_path):
    outside = tmp_path / "outside.xml"
    outside.write_text(
        '<rss version="2.0"><channel><title>Báo Mẫu</title>'
        "<item><title>Giá xăng giảm</title><description>Giá xăng giảm mạnh.</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    (folder / "feed.xml").symlink_to(outside)
    os.mkfifo(folder / "fifo.rss")

    with at_most(10):
        output, _code = run_import(folder)

    assert f"{folder / 'feed.xml'}: refused: {LINK}" in output
    assert f"{folder / 'fifo.rss'}: refused: cannot be read (a FIFO, not a regular file)" in output
    assert not Article.objects.exists()
