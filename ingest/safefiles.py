"""Opening a file to import: a regular file of its own, never through a symbolic link, and
never waiting.

A folder of scraped files holds whatever was put in it: a NAME.en.txt that links to a
secrets file elsewhere, a FIFO named b.txt that would hold the run forever, a device that
never ends. open_regular() refuses each at once with an OSError whose strerror says what
it is in a few words, so that a reader's "cannot be read (…)" gives the reason.
"""

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from ingest.parsing import ParseError

SYMBOLIC_LINK = "a symbolic link, not followed"
_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO, not a regular file"),
    (stat.S_ISSOCK, "a socket, not a regular file"),
    (stat.S_ISCHR, "a device, not a regular file"),
    (stat.S_ISBLK, "a device, not a regular file"),
)
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def read_at_most(path: Path | str, max_bytes: int) -> bytes:
    """The file's bytes, max_bytes + 1 of them at the most (no more: it may be endless or
    growing as it is read), or ParseError saying in a few words why it cannot be read."""
    try:
        with open_regular(path) as file:
            return file.read(max_bytes + 1)
    except FileNotFoundError:
        raise ParseError("no such file") from None
    except OSError as error:
        raise ParseError(f"cannot be read ({error.strerror})") from None


class NotARegularFile(OSError):
    """A path that is not a regular file of its own; strerror says what it is."""


def open_regular(path: Path | str) -> BinaryIO:
    """The file at this path, open for reading in binary, or OSError: FileNotFoundError when
    there is none, NotARegularFile for a link, a folder, a FIFO, a socket or a device.

    It is looked at before it is opened (a FIFO or a device is never opened), opened without
    following a link or waiting for a writer, and looked at again once open, so that nothing
    swapped in between is read."""
    _refuse_unless_regular(os.lstat(path).st_mode, path)
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        # ELOOP (EMLINK on FreeBSD): a link put there since the lstat. ENXIO: a socket.
        if error.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO):
            _refuse_unless_regular(os.lstat(path).st_mode, path)
        raise
    try:
        _refuse_unless_regular(os.fstat(descriptor).st_mode, path)
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _refuse_unless_regular(mode: int, path: Path | str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        raise NotARegularFile(errno.ELOOP, SYMBOLIC_LINK, str(path))
    if stat.S_ISDIR(mode):
        raise NotARegularFile(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    for is_kind, reason in _NOT_REGULAR:
        if is_kind(mode):
            raise NotARegularFile(errno.EINVAL, reason, str(path))
    raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
