"""Reading an input file with bounds: a regular file only, and never more than its limit plus one byte.

Content folders are written by people and tools we do not control: a catalog may
be a link to ``/dev/zero``, a ``guide.yaml`` a FIFO that never ends, an asset a
1.5 GB file nobody uses. Each is refused with a reason instead of hanging or
filling memory. The file is opened without blocking (a FIFO with no writer would
block ``open``) and checked with ``fstat`` on the open descriptor, so it cannot
be swapped between the check and the read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

CHUNK_BYTES = 1 << 20
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


class Refused(Exception):
    """A file that is not read: what it is, or how large (the message completes "the file ...")."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit``; Refused for anything else, OSError as usual."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            raise Refused(f"is {kind}, not a regular file")
        if info.st_size > limit:
            raise Refused(f"is {info.st_size:,} bytes; the limit is {limit:,}")
        chunks, total = [], 0
        while chunk := os.read(descriptor, min(CHUNK_BYTES, limit + 1 - total)):
            total += len(chunk)
            if total > limit:  # it grew since fstat
                raise Refused(f"is more than {limit:,} bytes; the limit is {limit:,}")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)
