"""Make a subset CJK font's CIDs equal its glyph ids, as the PDF's Identity encoding assumes.

A CID-keyed CFF font (Noto Sans CJK) maps glyph ids to CIDs through its charset.
In the full font the two are equal. After subsetting, glyph ids are renumbered
(that is the point: it keeps the font small) but the charset keeps the old CIDs.
WeasyPrint writes glyph ids into the PDF as CIDs, so a consumer that looks CIDs up
through the charset, as poppler's pdftops and Ghostscript do on the way to many
printers, finds no glyph and prints boxes. Rewriting the charset as the identity
fixes that. The new charset is written in the old one's place, in the smallest
format that fits there (format 2 with one range takes 5 bytes; format 1 takes 3
bytes per 256 glyphs, so it fits where a format 1 charset was; format 0 is as
long as any format 0 charset of the same font), so the font is patched in place
and only two checksums change.
"""

from __future__ import annotations

import struct

_ROS = 1230  # Top DICT operator 12 30: only CID-keyed fonts have it
_CHARSET = 15
_CHARSTRINGS = 17


def identity_cid_font(otf: bytes) -> bytes:
    """An OpenType CFF font whose charset maps every glyph id to the same CID (other fonts: unchanged)."""
    if otf[:4] != b"OTTO":
        return otf
    data = bytearray(otf)
    records = {}
    for index in range(struct.unpack(">H", data[4:6])[0]):
        record = 12 + 16 * index
        tag, _, offset, length = struct.unpack(">4sIII", data[record:record + 16])
        records[tag] = (record, offset, length)
    if b"CFF " not in records or b"head" not in records:
        return otf
    record, offset, length = records[b"CFF "]
    cff = _identity_charset(bytes(data[offset:offset + length]))
    if cff is None:
        return otf
    data[offset:offset + length] = cff
    struct.pack_into(">I", data, record + 4, _checksum(cff))
    head = records[b"head"][1]
    struct.pack_into(">I", data, head + 8, 0)  # checkSumAdjustment is computed with itself at 0
    struct.pack_into(">I", data, head + 8, (0xB1B0AFBA - _checksum(bytes(data))) & 0xFFFFFFFF)
    return bytes(data)


def _identity_charset(cff: bytes) -> bytes | None:
    data = bytearray(cff)
    position, _ = _index(data, data[2])  # the Name INDEX follows the header
    _, top_dicts = _index(data, position)
    top = _dict(data, *top_dicts[0])
    if _ROS not in top or _CHARSET not in top or _CHARSTRINGS not in top:
        return None
    _, glyphs = _index(data, int(top[_CHARSTRINGS][0]))
    charset = int(top[_CHARSET][0])
    if len(glyphs) < 2 or charset < 4:
        return None
    room = charset_length(data, charset, len(glyphs))
    identity = identity_charset(len(glyphs), room)
    data[charset:charset + len(identity)] = identity
    return bytes(data)


def charset_length(data: bytes | bytearray, offset: int, glyphs: int) -> int:
    """Bytes taken by the charset at ``offset`` of a font with ``glyphs`` glyphs (glyph 0 is not listed)."""
    form = data[offset]
    if form == 0:
        return 1 + 2 * (glyphs - 1)
    if form not in (1, 2):
        raise ValueError(f"unknown CFF charset format {form}")
    size = 1 if form == 1 else 2
    position, covered = offset + 1, 0
    while covered < glyphs - 1:
        left = int.from_bytes(data[position + 2:position + 2 + size], "big")
        covered += left + 1
        position += 2 + size
    return position - offset


def identity_charset(glyphs: int, room: int) -> bytes:
    """A charset giving glyph i the CID i, in the first format that fits in ``room`` bytes."""
    count = glyphs - 1  # glyphs 1 … glyphs-1
    candidates = [bytes([2]) + struct.pack(">HH", 1, count - 1)]
    ranges = [(first, min(256, count - first + 1)) for first in range(1, count + 1, 256)]
    candidates.append(bytes([1]) + b"".join(struct.pack(">HB", first, length - 1) for first, length in ranges))
    candidates.append(bytes([0]) + b"".join(struct.pack(">H", cid) for cid in range(1, glyphs)))
    for candidate in candidates:
        if len(candidate) <= room:
            return candidate
    raise ValueError(f"no identity charset for {glyphs} glyphs fits in {room} bytes")


def _index(data: bytearray, position: int) -> tuple[int, list[tuple[int, int]]]:
    """The end of a CFF INDEX at ``position`` and the (start, end) of each of its items."""
    count = struct.unpack(">H", data[position:position + 2])[0]
    if count == 0:
        return position + 2, []
    size = data[position + 2]
    offsets = [int.from_bytes(data[position + 3 + i * size:position + 3 + (i + 1) * size], "big")
               for i in range(count + 1)]
    base = position + 3 + (count + 1) * size - 1
    return base + offsets[-1], [(base + offsets[i], base + offsets[i + 1]) for i in range(count)]


def _dict(data: bytearray, start: int, end: int) -> dict[int, list[float]]:
    """Operator → operands of a CFF DICT (two-byte operators as 1200 + second byte)."""
    found: dict[int, list[float]] = {}
    operands: list[float] = []
    position = start
    while position < end:
        byte = data[position]
        if byte <= 21:
            operator, position = byte, position + 1
            if byte == 12:
                operator, position = 1200 + data[position], position + 1
            found[operator], operands = operands, []
        elif byte == 28:
            operands.append(struct.unpack(">h", data[position + 1:position + 3])[0])
            position += 3
        elif byte == 29:
            operands.append(struct.unpack(">i", data[position + 1:position + 5])[0])
            position += 5
        elif byte == 30:  # a real number: nibbles up to an end nibble; its value is not needed here
            position += 1
            while data[position] & 0x0F != 0x0F and data[position] >> 4 != 0x0F:
                position += 1
            position += 1
            operands.append(0.0)
        elif 32 <= byte <= 246:
            operands.append(byte - 139)
            position += 1
        elif 247 <= byte <= 250:
            operands.append((byte - 247) * 256 + data[position + 1] + 108)
            position += 2
        elif 251 <= byte <= 254:
            operands.append(-(byte - 251) * 256 - data[position + 1] - 108)
            position += 2
        else:
            raise ValueError(f"not a CFF DICT byte: {byte}")
    return found


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF
