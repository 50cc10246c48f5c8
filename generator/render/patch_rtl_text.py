"""Right-to-left text that ``pdftotext`` gives back as written (patches WeasyPrint 70 while it draws).

poppler (``pdftotext``, Evince, Okular) reads a line's glyphs left to right,
each glyph's characters in the order its ToUnicode entry gives them, and then
reverses the right-to-left stretches of the line itself. What WeasyPrint writes
for Arabic does not survive that (WeasyPrint issue #2841, open):

- a glyph standing for several letters (Noto Sans Arabic's lam-alef) maps them
  in logical order, so poppler gives them back swapped: الإلغاء as اإللغاء;
- a glyph shared by several clusters keeps the text it was first drawn with,
  and the other glyphs of a cluster map to nothing: الاستخدام as ا ستخدام;
- marks (shadda, tanwin) are placed by offsets and land beside their letter,
  or on a line of their own;
- poppler gives the neutral characters next to a left-to-right run to that run,
  so "(eSIM)" inside Arabic comes back as "( )eSIM".

So each word of a line with a right-to-left run is drawn inside a marked-content
``/Span`` whose ``/ActualText`` is the word as it stands in the line's *visual*
order, which poppler reverses into logical order like the glyphs it replaces
(written in logical order, it came back reversed), with RLM/LRM marks where its
reordering would move a character across a change of direction. A span per
word, not per line, because poppler gives a span's text the span's box as one
word. The glyphs and their positions are those WeasyPrint drew; the ToUnicode
maps stay in logical order, which pdf.js and pypdf expect (pdf.js reverses a
right-to-left ligature's letters itself). Lines without right-to-left text are
drawn as before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

RLM, LRM = "\u200f", "\u200e"
_RTL = frozenset(("R", "AL"))
_LTR = frozenset(("L", "EN", "AN"))
_DIGIT_LIKE = frozenset(("CS", "ES", "ET", "EN", "AN"))  # separators and terminators of numbers
TJ_OPERAND = re.compile(rb"<([0-9a-fA-F]*)>|(-?[0-9.]+(?:e-?[0-9]+)?)")  # a TJ array's glyphs and moves
_installed = False


def visual_line(runs: Iterable[tuple[str, int]]) -> str | None:
    """The ActualText of a line given as its runs in visual order (logical text, bidi embedding level);
    None when no run is right-to-left.

    poppler's reordering takes a stretch of left-to-right letters and digits together with the neutrals
    (spaces, brackets) on its left, and counts ".", ":", ",", "-", "%" and the no-break space as digits.
    An RLM (strong right-to-left) keeps those where they belong: between a neutral and the left-to-right run
    on its right, on the left of such punctuation in a right-to-left run, and after a neutral that ends the
    line on the right; an LRM after a neutral that ends a left-to-right run before a right-to-left one.
    """
    chars = [(c, level % 2 == 1) for text, level in runs for c in (text[::-1] if level % 2 else text)]
    if not any(rtl for _, rtl in chars):
        return None
    out: list[str] = []
    for i, (c, rtl) in enumerate(chars):
        kind = unicodedata.bidirectional(c)
        left = chars[i - 1] if i else None
        if left is not None and left[1] and not rtl and unicodedata.bidirectional(left[0]) not in _RTL:
            out.append(RLM)
        if rtl and kind in _DIGIT_LIKE:
            out.append(RLM)
        out.append(c)
        if not rtl and i + 1 < len(chars) and chars[i + 1][1] and kind not in _LTR:
            out.append(LRM)
    if unicodedata.bidirectional(chars[-1][0]) not in _RTL and chars[-1][1]:
        out.append(RLM)
    return "".join(out)


def _line_runs(textbox: Any) -> list[tuple[str, int]]:
    """The runs of a text box's first line, in visual order, as (logical text, embedding level)."""
    from weasyprint.text.ffi import ffi

    utf8 = textbox.pango_layout.text.encode()
    line, _ = textbox.pango_layout.get_first_line()
    runs = []
    run = line.runs
    while run != ffi.NULL:
        item = run.data.item
        level = item.analysis.level & 0xFF  # WeasyPrint's cdef declares Pango's guint8 level as a guint
        runs.append((utf8[item.offset:item.offset + item.length].decode(), level))
        run = run.next
    return runs


def word_spans(chunks: list[Any], fonts: dict[str, Any], font: Any, actual: str,
               span: Callable[[str], list[Any]]) -> list[Any] | None:
    """A line's content-stream chunks (as WeasyPrint drew them: Tf, Ts and TJ operators, starting in ``font``)
    with every word, the glyphs between two white-space glyphs, inside ``span(its part of actual)``; None when
    the line's white space does not match ``actual``'s (the caller then spans the whole line).

    poppler gives a span's text the span's box, as one word: a span per word keeps its words apart.
    """
    parts = re.split(r"\s", actual)
    out: list[Any] = []
    pending: list[bytes] = []  # operands of the TJ being rebuilt
    word, inside, filled, rise = 0, False, set(), 0.0

    def flush() -> None:
        if pending:
            out.append(b"[" + b" ".join(pending) + b"] TJ")
            pending.clear()

    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else chunk if isinstance(chunk, bytes) else b""
        if data.endswith(b" Tf"):
            font = fonts.get(data[1:].split(b" ")[0].decode())
        elif data.endswith(b" Ts"):
            rise = float(data[:-3])
        if not (data.startswith(b"[") and data.endswith(b"] TJ")):
            flush()
            out.append(chunk)
            continue
        if font is None or font.bitmap or TJ_OPERAND.sub(b"", data[1:-4]).strip():
            return None  # not hexadecimal glyph ids and numbers: left as drawn
        for glyphs, number in TJ_OPERAND.findall(data[1:-4]):
            for i in range(0, len(glyphs), 4):
                glyph = int(glyphs[i:i + 4], 16)
                if font.to_unicode.get(glyph, "").isspace():
                    if inside:
                        flush()
                        out.append(b"EMC")
                        inside = False
                    word += 1
                    if word < len(parts) and parts[word] and not parts[word].strip(RLM + LRM):
                        flush()  # a mark after the line's last space: it goes with the space
                        out.extend([*span(font.to_unicode[glyph] + parts[word]), b"[<%04x>] TJ" % glyph, b"EMC"])
                        filled.add(word)
                        continue
                elif not inside and rise:  # a mark raised by Ts: poppler would set the word on its baseline
                    flush()
                    out.extend([*span(""), b"[<%04x>] TJ" % glyph, b"EMC"])
                    continue
                elif not inside:
                    if word >= len(parts):
                        return None
                    flush()
                    out.extend(span(parts[word]))
                    inside = True
                    filled.add(word)
                pending.append(b"<%04x>" % glyph)
            if number:
                pending.append(number)
    flush()
    if inside:
        out.append(b"EMC")
    return out if word == len(parts) - 1 and filled == {i for i, part in enumerate(parts) if part} else None


def actual_text_span(actual: str) -> list[Any]:
    """The content-stream operators that open a marked-content ``/Span`` whose ``/ActualText`` is ``actual``."""
    import pydyf

    return ["/Span", pydyf.Dictionary({"ActualText": pydyf.String(actual)}), b"BDC"]


def install() -> None:
    """Patch WeasyPrint's line drawing (idempotent)."""
    global _installed
    if _installed:
        return
    from weasyprint.draw import text

    original_line = text.draw_first_line
    span = actual_text_span

    def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str, matrix: Any) -> Any:
        actual = None
        if text_overflow != "ellipsis" and block_ellipsis == "none" and textbox.text.strip():
            actual = visual_line(_line_runs(textbox))  # an ellipsis would change the line while drawing
        start, current = len(stream.stream), stream._current_font  # (font name, size): set before this line
        emojis = original_line(stream, textbox, text_overflow, block_ellipsis, matrix)
        if actual is not None:
            drawn = stream.stream[start:]
            fonts = {font.hash: font for font in stream._fonts.values()}
            font = fonts.get(current[0]) if current else None
            stream.stream[start:] = word_spans(drawn, fonts, font, actual, span) or [*span(actual), *drawn, b"EMC"]
        return emojis

    text.draw_first_line = draw_first_line
    _installed = True
