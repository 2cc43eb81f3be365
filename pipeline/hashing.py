"""SHA-256 of files, read in chunks: document identity, index checksums, model checksums; and
the one way a corpus or stored source file is opened.

`open_regular` opens with `O_NOFOLLOW` and checks the opened file's kind: a check by path
before the open (`is_symlink`, `is_file`) leaves a window in which the file can be swapped for
a link to `/etc/passwd` or to a file outside the corpus; the open itself cannot be raced.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import NotRegularFile

LINK_HINT = "the corpus is the folder: put the file itself there (links are not followed when a file is opened)"


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return stream_sha256(handle)


def stream_sha256(handle: BinaryIO) -> str:
    """SHA-256 of what is left to read in an open file."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading when it is itself a regular file; `NotRegularFile` with the
    reason when it is a symbolic link (refused by the open: O_NOFOLLOW) or a device, pipe or
    socket (O_NONBLOCK keeps a pipe from blocking the open; the open file's kind is checked).
    A directory link above the last path component is followed, as the folder is the operator's."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFile(path.name, "is a symbolic link when opened (it was not when checked) — not read", LINK_HINT) from exc
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotRegularFile(path.name, "is not a regular file when opened (a directory, device, pipe or socket) — not read")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")

