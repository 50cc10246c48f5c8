"""Digests of input files, remembered by ``stat``: a file whose stat is unchanged is not read again.

The desk asks for a document's key every two seconds for each open preview, and a
no-op build asks for every document's: both would otherwise read and hash every
input again. A digest is remembered under the file's path, device, inode, size,
modification and change times (nanoseconds), and only when the stat taken after
the read equals the one taken before it, so a file written during the read is
hashed again next time.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from generator.content.assets import svg_references
from generator.content.bounded import read_regular

MAX_REMEMBERED = 4096  # files; the oldest are forgotten first


@dataclass(frozen=True)
class Digest:
    sha256: bytes
    size: int
    svg_refs: tuple[str, ...]  # the relative files an SVG names (href), for finding what a document uses


_remembered: OrderedDict[tuple[object, ...], Digest] = OrderedDict()
_lock = threading.Lock()


def _stamp(info: os.stat_result, path: Path) -> tuple[object, ...]:
    return (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def digest_of(path: Path, data: bytes) -> Digest:
    """The digest of bytes ``data`` (just read from ``path``)."""
    return Digest(hashlib.sha256(data).digest(), len(data), svg_references(data))


def file_digest(path: Path, limit: int) -> Digest:
    """The digest of the regular file ``path`` (at most ``limit`` bytes), read only when its stat changed.

    Refused and OSError as ``read_regular`` raises them."""
    before = os.stat(path)
    stamp = _stamp(before, path)
    with _lock:
        known = _remembered.get(stamp)
        if known is not None:
            _remembered.move_to_end(stamp)
            return known
    data = read_regular(path, limit)
    digest = digest_of(path, data)
    if _stamp(os.stat(path), path) == stamp:
        remember(stamp, digest)
    return digest


def remember(stamp: tuple[object, ...], digest: Digest) -> None:
    with _lock:
        _remembered[stamp] = digest
        _remembered.move_to_end(stamp)
        while len(_remembered) > MAX_REMEMBERED:
            _remembered.popitem(last=False)

