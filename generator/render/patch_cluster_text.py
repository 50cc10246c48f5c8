"""The text of glyph clusters that do not map one to one (patches WeasyPrint 70 while it draws).

A PDF reader gets text back from each glyph's ``ToUnicode`` entry, and a font has
one entry per glyph. WeasyPrint fills it from the first cluster a glyph is drawn
in (WeasyPrint issue #2841, open), which breaks the scripts whose shaping does
not map one glyph to one character in order:

- Devanagari's pre-base i-matra is drawn before its consonant, inside that
  consonant's cluster: the matra's glyph maps to nothing and the consonant's to
  both letters, so every later ``क`` reads ``कि`` and ``कि`` itself can come back
  as ``क``;
- a conjunct, a reph or a ligature is one glyph for several characters, or
  several glyphs for one cluster, and a glyph shared by two clusters keeps the
  text of the first.

So on a left-to-right line, each cluster whose glyphs do not already spell its
text (their ``ToUnicode`` entries, joined in drawing order) is drawn inside a
marked-content ``/Span`` whose ``/ActualText`` is the cluster's text in logical
order, as PDF 32000-1 §14.9.4 means it: poppler, PDFium and MuPDF read it in
place of the glyphs. The span holds exactly the cluster's glyphs; every other
glyph is drawn as before, so a line of plain Latin, Cyrillic or CJK gains
nothing. Right-to-left lines are ``patch_rtl_text``'s.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.render.patch_rtl_text import TJ_OPERAND, actual_text_span

_installed = False


_COMPLEX = re.compile("[\u0300-\u036f\u0483-\u0489\u0590-\u1cff\u1dc0-\u1dff\u20d0-\u20ff\ua800-\uabff"
                      "\ufb1d-\ufb4f\ufe00-\ufe2f\U00010000-\U0010ffff]")
MAX_FONTS = 64  # fonts whose character map is kept (a document uses a handful)
_characters: dict[tuple[str, int], dict[int, str]] = {}


def complex_text(text: str) -> bool:
    """Whether ``text`` has characters whose shaping may not map one glyph to one character (combining marks,
    the scripts of South and South-East Asia, Hebrew, Ethiopic, Tibetan…): only such lines are looked at."""
    return _COMPLEX.search(text) is not None


def glyph_characters(font: Any) -> dict[int, str]:
    """The character each glyph of a WeasyPrint font stands for in the font's own character map (the lowest,
    where several share a glyph); glyphs only shaping reaches (conjuncts, ligatures, contextual forms) are not
    in it. Read once per font with fontTools."""
    key = (font.hash, len(font.file_content))
    if key not in _characters:
        import io

        from fontTools.ttLib import TTFont

        reverse: dict[int, str] = {}
        try:
            face = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
            for codepoint, name in sorted(face.getBestCmap().items()):
                reverse.setdefault(face.getGlyphID(name), chr(codepoint))
        except Exception:  # noqa: BLE001 - a font fontTools cannot read keeps WeasyPrint's mapping
            reverse = {}
        if len(_characters) >= MAX_FONTS:
            _characters.pop(next(iter(_characters)))
        _characters[key] = reverse
    return _characters[key]


def map_from_character_maps(stream: Any, textbox: Any, glyphs: list[DrawnGlyph]) -> None:
    """Before WeasyPrint draws a line, the ``ToUnicode`` entries of its glyphs that are not set yet: a glyph its
    font's character map reaches reads as that character, not as the first cluster it is drawn in; a glyph
    only shaping reaches (a conjunct, a reph) reads as what of its syllable the others leave. A reordered
    matra then reads as the matra and its consonant as the consonant: pdf.js and pdfminer, which ignore
    ``/ActualText``, and MuPDF, which reads a span's glyphs besides its text, need that."""
    from weasyprint.text.ffi import ffi

    line, _ = textbox.pango_layout.get_first_line()
    fonts, run = [], line.runs
    while run != ffi.NULL:
        fonts.append(stream.add_font(run.data.item.analysis.font)[0])
        run = run.next
    groups: dict[tuple[int, int], list[DrawnGlyph]] = {}
    for glyph in glyphs:
        groups.setdefault(glyph.cluster, []).append(glyph)
    for (run_index, _), group in groups.items():
        font = fonts[run_index]
        if font.bitmap:
            continue
        characters = glyph_characters(font)
        left = group[0].text
        for glyph in group:
            if glyph.glyph in characters:
                left = left.replace(characters[glyph.glyph], "", 1)
                font.to_unicode.setdefault(glyph.glyph, characters[glyph.glyph])
        for glyph in group:
            if glyph.glyph not in characters:
                font.to_unicode.setdefault(glyph.glyph, left)
                left = ""


@dataclass(frozen=True)
class DrawnGlyph:
    glyph: int  # the glyph id Pango chose; a missing glyph keeps its flag (WeasyPrint draws another id)
    cluster: tuple[int, int]  # (run, byte offset of the cluster in the run): the glyphs of one cluster share it
    text: str  # the cluster's characters, in logical order


def line_glyphs(textbox: Any) -> list[DrawnGlyph] | None:
    """The glyphs of a text box's first line in the order WeasyPrint draws them, with their clusters; None when
    the line has a right-to-left run (``patch_rtl_text`` draws those)."""
    from weasyprint.text.ffi import ffi, pango

    utf8 = textbox.pango_layout.text.encode()
    line, _ = textbox.pango_layout.get_first_line()
    glyphs: list[DrawnGlyph] = []
    run, index = line.runs, 0
    while run != ffi.NULL:
        item, string = run.data.item, run.data.glyphs
        if item.analysis.level % 2:
            return None
        count = string.num_glyphs
        clusters = [string.log_clusters[i] for i in range(count)]
        starts = sorted(set(clusters)) + [item.length]
        ends = {start: starts[i + 1] for i, start in enumerate(starts[:-1])}
        for i in range(count):
            glyph = string.glyphs[i].glyph
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue  # drawn as a move, not a glyph
            start = clusters[i]
            text = utf8[item.offset + start:item.offset + ends[start]].decode("utf-8", "replace")
            glyphs.append(DrawnGlyph(glyph, (index, start), text))
        run, index = run.next, index + 1
    return _graphemes(glyphs)


def _joins(before: str, after: str) -> bool:
    """Whether Pango's cluster ``after`` belongs to the same written syllable as ``before``: it starts with a
    mark (a vowel sign, a sign drawn around its consonant) or a joiner, or ``before`` ends with a virama."""
    if not before or not after:
        return False
    return (unicodedata.category(after[0]) in ("Mn", "Mc", "Me") or after[0] in "\u200c\u200d"
            or unicodedata.combining(before[-1]) == 9 or before[-1] == "\u200d")


def _graphemes(glyphs: list[DrawnGlyph]) -> list[DrawnGlyph]:
    """The glyphs with Pango's clusters merged into written syllables (``கொ`` is ``க`` and ``ொ`` to Pango, and
    its sign ``ெ`` is drawn before ``க``): an engine gives back a span's text where the span starts, so a span
    must hold every glyph of what it replaces."""
    groups: list[list[DrawnGlyph]] = []
    for glyph in glyphs:
        last = groups[-1][-1] if groups else None
        if last is not None and (last.cluster == glyph.cluster or (
                last.cluster[0] == glyph.cluster[0] and _joins(last.text, glyph.text))):
            groups[-1].append(glyph)
        else:
            groups.append([glyph])
    merged: list[DrawnGlyph] = []
    for group in groups:
        text = "".join(t for _, t in dict.fromkeys((g.cluster, g.text) for g in group))  # each cluster once
        merged.extend(DrawnGlyph(g.glyph, group[0].cluster, text) for g in group)
    return merged


def cluster_spans(chunks: list[Any], fonts: dict[str, Any], font: Any, glyphs: list[DrawnGlyph],
                  unknown_flag: int, span: Callable[[str], list[Any]]) -> list[Any] | None:
    """A line's content-stream chunks (Tf, Ts and TJ operators as WeasyPrint drew them, starting in ``font``) with
    each cluster whose glyphs do not spell its text inside ``span(text)``; None when nothing needs a span, or
    when the drawn glyphs are not ``glyphs`` (the caller then keeps the line as drawn)."""
    drawn: list[tuple[int, str]] = []  # (glyph id, its ToUnicode text in the font it is drawn in), in order
    for chunk in chunks:
        data = _bytes(chunk)
        if data.endswith(b" Tf"):
            font = fonts.get(data[1:].split(b" ")[0].decode())
        elif data.startswith(b"[") and data.endswith(b"] TJ"):
            if font is None or font.bitmap or TJ_OPERAND.sub(b"", data[1:-4]).strip():
                return None
            for hexa, _ in TJ_OPERAND.findall(data[1:-4]):
                for i in range(0, len(hexa), 4):
                    glyph = int(hexa[i:i + 4], 16)
                    drawn.append((glyph, font.to_unicode.get(glyph, "")))
    if len(drawn) != len(glyphs) or any(g.glyph != d and not g.glyph & unknown_flag
                                        for g, (d, _) in zip(glyphs, drawn, strict=True)):
        return None
    mapped: dict[tuple[int, int], list[str]] = {}  # each cluster's glyphs' ToUnicode texts, in drawing order
    for expected, (_, text) in zip(glyphs, drawn, strict=True):
        mapped.setdefault(expected.cluster, []).append(text)
    texts = {expected.cluster: expected.text for expected in glyphs}
    # PDFium reads an empty entry as the glyph's code: a cluster with one needs its span too.
    wrong = {cluster for cluster, parts in mapped.items() if "".join(parts) != texts[cluster] or "" in parts}
    if not wrong:
        return None
    return _rebuild(chunks, glyphs, wrong, span)


def _bytes(chunk: Any) -> bytes:
    return chunk.encode() if isinstance(chunk, str) else chunk if isinstance(chunk, bytes) else b""


def _rebuild(chunks: list[Any], glyphs: list[DrawnGlyph], wrong: set[tuple[int, int]],
             span: Callable[[str], list[Any]]) -> list[Any]:
    out: list[Any] = []
    pending: list[bytes] = []
    position, open_cluster = 0, None

    def flush() -> None:
        if pending:
            out.append(b"[" + b" ".join(pending) + b"] TJ")
            pending.clear()

    for chunk in chunks:
        data = _bytes(chunk)
        if not (data.startswith(b"[") and data.endswith(b"] TJ")):
            flush()
            out.append(chunk)
            continue
        for hexa, number in TJ_OPERAND.findall(data[1:-4]):
            for i in range(0, len(hexa), 4):
                glyph = glyphs[position]
                position += 1
                cluster = glyph.cluster if glyph.cluster in wrong else None
                if cluster != open_cluster:
                    flush()
                    if open_cluster is not None:
                        out.append(b"EMC")
                    if cluster is not None:
                        out.extend(span(glyph.text))
                    open_cluster = cluster
                pending.append(b"<" + hexa[i:i + 4] + b">")
            if number:
                pending.append(number)
        flush()
    if open_cluster is not None:
        out.append(b"EMC")
    return out


def install() -> None:
    """Patch WeasyPrint's line drawing (idempotent). Installed after ``patch_rtl_text``, it wraps that patch's
    line drawing; the two rewrite different lines (this one no line with a right-to-left run)."""
    global _installed
    if _installed:
        return
    from weasyprint.draw import text
    from weasyprint.text.ffi import pango

    original_line = text.draw_first_line
    span = actual_text_span

    def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str, matrix: Any) -> Any:
        glyphs = None
        if text_overflow != "ellipsis" and block_ellipsis == "none" and complex_text(textbox.text):
            glyphs = line_glyphs(textbox)  # an ellipsis would change the line while drawing
        if glyphs:
            map_from_character_maps(stream, textbox, glyphs)
        start, current = len(stream.stream), stream._current_font  # (font name, size): set before this line
        emojis = original_line(stream, textbox, text_overflow, block_ellipsis, matrix)
        if glyphs:
            fonts = {font.hash: font for font in stream._fonts.values()}
            font = fonts.get(current[0]) if current else None
            rebuilt = cluster_spans(stream.stream[start:], fonts, font, glyphs, pango.PANGO_GLYPH_UNKNOWN_FLAG, span)
            if rebuilt is not None:
                stream.stream[start:] = rebuilt
        return emojis

    text.draw_first_line = draw_first_line
    _installed = True
