"""Saddle-stitched booklets: the finished handout's pages imposed two-up on sheets.

The handout is laid out at half the sheet (A5 for A4 sheets, half-letter for
Letter), padded with blank pages to a multiple of four, and placed in booklet
order: the outside of the first sheet carries the last and the first page, its
inside the second and the second-to-last, and so on. Printed double-sided
(flip on the short edge), folded and stapled, it reads in order. Right-to-left
booklets bind on the right, so each sheet's halves swap.

The imposed PDF is for the printer: it keeps the title, language and dates but
not the tagged structure, which belongs to the reading (unimposed) handout.
"""

from __future__ import annotations

import io

from generator.render.formats import PAPER_TABLE


def booklet_order(pages: int, right_to_left: bool = False) -> list[tuple[int | None, int | None]]:
    """(left, right) page numbers (1-based) of each sheet side; None is a blank page."""
    total = -(-pages // 4) * 4
    sides = []
    for index in range(total // 2):
        outer, inner = total - index, index + 1
        left, right = (outer, inner) if index % 2 == 0 else (inner, outer)
        if right_to_left:
            left, right = right, left
        sides.append((left if left <= pages else None, right if right <= pages else None))
    return sides


def impose_booklet(pdf: bytes, paper: str, right_to_left: bool = False) -> tuple[bytes, int]:
    """The booklet as PDF bytes, and the number of sheets to print."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import DictionaryObject

    reader = PdfReader(io.BytesIO(pdf))
    sheet_height, sheet_width = PAPER_TABLE[paper].points  # the sheet lies landscape
    writer = PdfWriter()
    sides = booklet_order(len(reader.pages), right_to_left)
    for left, right in sides:
        side = writer.add_blank_page(sheet_width, sheet_height)
        for number, x in ((left, 0.0), (right, sheet_width / 2)):
            if number is None:
                continue
            page = reader.pages[number - 1]
            box = page.mediabox
            # Centre the page on its half (a page with bleed is larger than the half: its bleed is cut off).
            dx = x + (sheet_width / 2 - float(box.width)) / 2 - float(box.left)
            dy = (sheet_height - float(box.height)) / 2 - float(box.bottom)
            side.merge_transformed_page(page, Transformation().translate(dx, dy))
    info: dict[str, object] = dict(reader.metadata or {})
    writer.add_metadata({key: info[key] for key in ("/Title", "/Creator", "/Producer", "/CreationDate", "/ModDate")
                         if key in info})
    root = reader.trailer["/Root"].get_object()
    if isinstance(root, DictionaryObject) and "/Lang" in root:
        from pypdf.generic import NameObject, TextStringObject

        writer.root_object[NameObject("/Lang")] = TextStringObject(str(root["/Lang"]))
    out = io.BytesIO()
    writer.write(out)
    return _fixed_id(out.getvalue(), pdf), len(sides) // 2


def _fixed_id(data: bytes, source: bytes) -> bytes:
    """The written booklet with a file identifier derived from its source, so the same handout gives the same
    booklet bytes (pypdf writes a random one and has no public way to choose it). Same length: no offset moves."""
    import hashlib
    import re

    digest = b"<" + hashlib.md5(source, usedforsecurity=False).hexdigest().encode() + b">"
    trailer_id = re.compile(rb"/ID \[ <[0-9a-f]{32}> <[0-9a-f]{32}> \]")
    found = list(trailer_id.finditer(data))
    if len(found) != 1:
        return data  # not the trailer pypdf writes today: left as written (test_booklet_bytes_are_reproducible)
    start, end = found[0].span()
    return data[:start] + b"/ID [ " + digest + b" " + digest + b" ]" + data[end:]
