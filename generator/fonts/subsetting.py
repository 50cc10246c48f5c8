"""Small CJK fonts: subset large font families to a document's characters before layout.

WeasyPrint subsets the fonts it embeds but keeps glyph ids up to the highest one
used. In Noto Sans CJK (65,000 glyphs) that highest id is near the end, so every
embedded face still carries metrics and empty outlines for all 65,000 glyphs:
about 150 KB per weight after compression, 340 KB for a two-page Chinese
handout. Subsetting the font first (HarfBuzz, about 10 ms a face) to the few
hundred characters the document prints makes the ids small, and the handout
about 65 KB. Layout is unchanged: the subset keeps the shaping tables.

Subsetting renumbers glyphs, so the subset's CIDs are made equal to its glyph
ids again (``cff``): printers' PostScript path looks glyphs up by CID.

The subset is declared with ``@font-face`` under its own family name (same-named
system fonts would win the match), followed by the original family, so a
character the subset lacks still finds its glyph.
"""

from __future__ import annotations

import hashlib
import html
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from generator.fonts.cff import identity_cid_font
from generator.fonts.fontconfig import FontconfigMissing, family_faces

SUBSET_MIN_GLYPHS = 10_000  # CJK fonts; Latin, Arabic and the like are small enough already
SUFFIX = " Subset"
URL_PREFIX = "file:///guidegen-generated/fonts/"
_ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "\u00a0\u00b7\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?")
_TAG = re.compile(r"<[^>]*>")
_WEIGHTS = {"Regular": 400, "Bold": 700}


@dataclass(frozen=True)
class Face:
    path: str
    index: int
    weight: int


@dataclass(frozen=True)
class SubsetFace:
    family: str  # the CSS family name of the subset
    weight: int
    url: str
    data: bytes


@lru_cache(maxsize=64)
def large_faces(family: str) -> tuple[Face, ...]:
    """The upright Regular and Bold faces of ``family`` if it is large enough to subset, else ()."""
    try:
        import uharfbuzz
    except ImportError:
        return ()
    try:
        found = family_faces(family)
    except FontconfigMissing:
        return ()
    faces = [Face(face.file, face.index, _WEIGHTS[face.style]) for face in found if face.style in _WEIGHTS]
    if not faces:
        return ()
    first = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(faces[0].path), faces[0].index)
    return tuple(faces) if first.glyph_count >= SUBSET_MIN_GLYPHS else ()


def printed_characters(document: str) -> frozenset[str]:
    """Every character an HTML document may print: its text, its CSS strings, and ASCII."""
    text = html.unescape(_TAG.sub(" ", document))
    escaped = (int(m.group(1), 16) for m in _CSS_ESCAPE.finditer(document))
    return frozenset(text) | frozenset(chr(c) for c in escaped if c < 0x110000) | frozenset(_ALWAYS)


@lru_cache(maxsize=32)
def _subset(face: Face, characters: frozenset[str]) -> bytes | None:
    import uharfbuzz

    source = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(face.path), face.index)
    request = uharfbuzz.SubsetInput()
    for char in characters:
        request.unicode_set.add(ord(char))
    try:
        subset = uharfbuzz.subset(source, request).blob.data
    except Exception:  # HarfBuzz could not subset this font: WeasyPrint embeds the original as before
        return None
    try:
        return identity_cid_font(subset)
    except (ValueError, IndexError, struct.error):  # a CFF we cannot read: better the big original than boxes
        return None


def subset_faces(families: Iterable[str], characters: frozenset[str]) -> list[SubsetFace]:
    """Subsets of the large faces among ``families``, limited to ``characters``."""
    faces = []
    for family in dict.fromkeys(families):
        for face in large_faces(family):
            data = _subset(face, characters)
            if data:
                name = hashlib.sha256(data).hexdigest()[:24]
                faces.append(SubsetFace(family + SUFFIX, face.weight, f"{URL_PREFIX}{name}.otf", data))
    return faces
