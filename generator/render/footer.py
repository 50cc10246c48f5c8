"""The running footer's title, shortened so that the title, the revision date and the page number stay on one line.

A handout's footer repeats its title next to the revision date, with the page
number on the other side. A long title (French, Portuguese and Russian ones run
to 60 characters and more) wrapped the date onto a second line. The footer's
width is known (the page less its side margins), so the title is measured with
the language's own fonts (HarfBuzz advances, each character in the first font of
the stack that has it) and cut at the last word that leaves room, with an
ellipsis; the date is never cut. Where no word fits, the footer shows the date
alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

FOOTER_PT = 8.5  # guide.css: @bottom-left and @bottom-right
SIDE_MARGINS_PT = 2 * 22 * 72 / 25.4  # guide.css: @page margin, left and right
GAP_PT = 4.0  # kept between the footer's two sides (measured: WeasyPrint needs none)
SEPARATOR = " · "  # between the title and the date (base.html.j2 has "  ·  ": CSS collapses the spaces)
ELLIPSIS = "…"
_UNKNOWN_EM = 0.6  # the advance of a character none of the fonts has, in ems


def footer_title(title: str, revision: str, page_label: str, families: Sequence[str], page_width_pt: float) -> str:
    """``title`` as the footer shows it before ``SEPARATOR`` and ``revision``, with ``page_label`` (a page number
    as wide as a handout's: one digit) on the other side of a page ``page_width_pt`` wide; "" when not even one
    word fits."""
    room = page_width_pt - SIDE_MARGINS_PT - text_width(page_label, families) - GAP_PT
    if text_width(title + SEPARATOR + revision, families) <= room:
        return title
    for end in _cuts(title):
        shortened = title[:end].rstrip(" ,;:·–—-") + ELLIPSIS
        if text_width(shortened + SEPARATOR + revision, families) <= room:
            return shortened
    return ""


def _cuts(title: str) -> list[int]:
    """Where the title may be cut, longest first: before each space, or anywhere in a title without spaces."""
    spaces = [index for index, char in enumerate(title) if char.isspace() and index > 0]
    return sorted(spaces or range(1, len(title)), reverse=True)


def text_width(text: str, families: Sequence[str], size_pt: float = FOOTER_PT) -> float:
    """The width of ``text`` in points set in ``families`` (each character in the first that has it)."""
    fonts = [(family, font) for family, font in ((f, _font(f)) for f in families) if font is not None]
    width = 0.0
    for run, font in _runs(text, fonts):
        width += _shaped_width(run, font) if font is not None else len(run) * _UNKNOWN_EM
    return width * size_pt


def _runs(text: str, fonts: list[tuple[str, tuple[Any, int]]]) -> list[tuple[str, tuple[Any, int] | None]]:
    """``text`` in runs of the first font that has each character (``None``: none has it)."""
    from generator.fonts.coverage import family_coverage

    runs: list[tuple[str, tuple[Any, int] | None]] = []
    for char in text:
        font = next((font for family, font in fonts if ord(char) in family_coverage(family)), None)
        if runs and runs[-1][1] is font:
            runs[-1] = (runs[-1][0] + char, font)
        else:
            runs.append((char, font))
    return runs


def _shaped_width(text: str, font: tuple[Any, int]) -> float:
    """The advance of ``text`` shaped in ``font`` (a HarfBuzz font and its units per em), in ems."""
    import uharfbuzz

    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font[0], buffer, {})
    return sum(position.x_advance for position in buffer.glyph_positions) / font[1]


@lru_cache(maxsize=64)
def _font(family: str) -> tuple[Any, int] | None:
    """The family's regular face as a HarfBuzz font and its units per em; ``None`` when it is not installed."""
    from generator.fonts.fontconfig import FontconfigMissing, family_faces

    try:
        import uharfbuzz

        faces = family_faces(family)
    except (ImportError, FontconfigMissing):
        return None
    face = next((f for f in faces if f.style == "Regular"), faces[0] if faces else None)
    if face is None:
        return None
    try:
        hb_face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(face.file), face.index)
    except Exception:  # an unreadable font file: measured as unknown characters
        return None
    return uharfbuzz.Font(hb_face), hb_face.upem
