"""Subset CJK fonts get CIDs equal to their glyph ids, written in the old charset's place without overflowing it."""

from __future__ import annotations

import io
import struct

import pytest

from generator.fonts.cff import charset_length, identity_cid_font, identity_charset
from generator.fonts.subsetting import large_faces


def _decode(charset: bytes, glyphs: int) -> list[int]:
    """CIDs of glyphs 1 … glyphs-1, read as the CFF specification says (written here independently)."""
    form, position, cids = charset[0], 1, []
    if form == 0:
        return [struct.unpack(">H", charset[1 + 2 * i:3 + 2 * i])[0] for i in range(glyphs - 1)]
    size = 1 if form == 1 else 2
    while len(cids) < glyphs - 1:
        first = struct.unpack(">H", charset[position:position + 2])[0]
        left = int.from_bytes(charset[position + 2:position + 2 + size], "big")
        cids.extend(range(first, first + left + 1))
        position += 2 + size
    return cids


@pytest.mark.parametrize("glyphs, room, form", [
    (300, 5, 2),      # format 2, one range: the usual case
    (200, 4, 1),      # where a one-range format 1 charset was: 4 bytes, the format 2 identity would overflow
    (600, 10, 2),     # a format 1 charset of 600 glyphs takes 10 bytes: format 2 fits in its place
    (3, 5, 2),        # a format 0 charset of three glyphs takes 5 bytes: so does format 2
    (3, 4, 1),
    (2, 3, 0),        # one glyph besides .notdef
])
def test_identity_charset_fits_its_room(glyphs: int, room: int, form: int) -> None:
    charset = identity_charset(glyphs, room)
    assert len(charset) <= room
    assert charset[0] == form
    assert _decode(charset, glyphs) == list(range(1, glyphs))


def test_identity_charset_refuses_what_cannot_fit() -> None:
    with pytest.raises(ValueError):
        identity_charset(600, 4)  # less room than any charset of 600 glyphs can take
    with pytest.raises(ValueError):
        identity_charset(300, 4)  # one format 1 range holds 256 glyphs at most


def test_charset_length_of_each_format() -> None:
    assert charset_length(bytes([0]) + bytes(2 * 9), 0, 10) == 19
    one_range = bytes([1]) + struct.pack(">HB", 100, 8)  # CIDs 100…108 for glyphs 1…9
    assert charset_length(one_range + b"\xff\xff", 0, 10) == 4
    two_ranges = bytes([2]) + struct.pack(">HH", 10, 3) + struct.pack(">HH", 50, 4)
    assert charset_length(b"\x00" + two_ranges, 1, 10) == 9
    with pytest.raises(ValueError):
        charset_length(bytes([7, 0, 0]), 0, 3)


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def test_subset_cjk_font_gets_identity_cids_and_valid_checksums() -> None:
    import uharfbuzz
    from fontTools.ttLib import TTFont

    face = large_faces("Noto Sans CJK SC")[0]
    source = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(face.path), face.index)
    request = uharfbuzz.SubsetInput()
    for char in "注销号码，。eSIM":
        request.unicode_set.add(ord(char))
    subset = uharfbuzz.subset(source, request).blob.data

    def cids(otf: bytes) -> list[str]:
        return TTFont(io.BytesIO(otf)).getGlyphOrder()

    before = cids(subset)
    identity = [".notdef"] + [f"cid{i:05d}" for i in range(1, len(before))]
    assert before != identity  # the subset kept the full font's CIDs
    patched = identity_cid_font(subset)
    assert len(patched) == len(subset)
    assert cids(patched) == identity
    assert _checksum(patched) == 0xB1B0AFBA  # the whole-font checksum, as 'head' promises
    font = TTFont(io.BytesIO(patched))
    assert font.getBestCmap()[ord("注")] == f"cid{font.getGlyphID(font.getBestCmap()[ord('注')]):05d}"


def test_fonts_without_cff_are_left_alone() -> None:
    assert identity_cid_font(b"\x00\x01\x00\x00rest") == b"\x00\x01\x00\x00rest"
