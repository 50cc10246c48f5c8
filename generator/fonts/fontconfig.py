"""What fontconfig knows of a font family: one ``fc-list`` call per family per process.

Pango, and so WeasyPrint, find fonts through the same database, so its answer
is what will be drawn. Three things ask it: the glyph-coverage check (charsets),
the CJK subsetter (files of the Regular and Bold faces) and the build cache
(which files a document's fonts come from).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache


FC_LIST_TIMEOUT = 60.0  # seconds; a first call on a fresh machine may build fontconfig's cache


class FontconfigMissing(RuntimeError):
    """fontconfig cannot be asked: ``fc-list`` is not installed, or did not answer in time."""


@dataclass(frozen=True)
class FontFace:
    file: str
    index: int
    style: str  # the first style name: Regular, Bold, Italic…
    charset: str  # fontconfig's ranges of code points, hexadecimal


@lru_cache(maxsize=128)
def family_faces(family: str) -> tuple[FontFace, ...]:
    """The faces of an installed family, sorted by file and index; () when it is not installed."""
    if shutil.which("fc-list") is None:
        raise FontconfigMissing("fontconfig's fc-list is missing: install the 'fontconfig' package")
    pattern = f":family={family.replace('-', chr(92) + '-')}"
    try:
        output = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{style[0]}\t%{charset}\n", pattern],
                                capture_output=True, text=True, check=False, timeout=FC_LIST_TIMEOUT).stdout
    except subprocess.TimeoutExpired as error:
        raise FontconfigMissing(f"fontconfig's fc-list did not answer within {FC_LIST_TIMEOUT:g} s "
                                f"(asked for {family!r}): run 'fc-cache' and try again") from error
    faces = set()
    for line in output.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[1].isdigit():
            faces.add(FontFace(parts[0], int(parts[1]), parts[2], parts[3]))
    return tuple(sorted(faces, key=lambda face: (face.file, face.index)))
