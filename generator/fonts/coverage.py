"""Glyph coverage: every character a document prints must be in its font stack.

Asked of fontconfig (``fontfiles``), the same database Pango uses to find fonts,
so the answer matches what WeasyPrint would draw. A character no font of the
stack covers would print as a box, or in a stray fallback font: it is an error
before anything is rendered.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from generator.errors import GuidegenError
from generator.fonts.fontconfig import FontconfigMissing, family_faces

# Format and control characters (joiners, direction marks, variation selectors)
# shape text but need no glyph of their own.
_NO_GLYPH_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
_NO_GLYPH_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


@dataclass(frozen=True)
class Gap:
    """A character of a string that the font stack cannot draw."""

    context: str
    char: str

    def __str__(self) -> str:
        name = unicodedata.name(self.char, "unnamed character")
        return f"'{self.context}': '{self.char}' (U+{ord(self.char):04X} {name}) is in no font of the stack"


class FontMissing(GuidegenError):
    pass


@lru_cache(maxsize=128)
def family_coverage(family: str) -> frozenset[int]:
    """Code points the regular face of an installed font family covers."""
    try:
        faces = family_faces(family)
    except FontconfigMissing as error:
        raise FontMissing(str(error)) from None
    if not faces:
        raise FontMissing(f"font '{family}' is not installed (Debian: fonts-noto-core, fonts-noto-cjk)")
    charset = next((face.charset for face in faces if face.style == "Regular"), faces[0].charset)
    return frozenset(_parse_charset(charset))


def _parse_charset(charset: str) -> Iterable[int]:
    for part in charset.split():
        low, _, high = part.partition("-")
        yield from range(int(low, 16), int(high or low, 16) + 1)


@lru_cache(maxsize=32)
def _script_coverage(languages: tuple[str, ...]) -> frozenset[int]:
    from generator.fonts.stacks import script_stack

    return frozenset().union(*(family_coverage(f) for tag in languages for f in script_stack(tag)))


def needs_symbol_fonts(characters: Iterable[str], languages: tuple[str, ...]) -> bool:
    """Whether some character is in none of the languages' own fonts (so the symbol fonts must be listed)."""
    try:
        covered = _script_coverage(languages)
    except FontMissing:
        return True
    return any(ord(c) not in covered for c in characters if not c.isspace() and needs_glyph(c))


def needs_glyph(char: str) -> bool:
    code = ord(char)
    if unicodedata.category(char) in _NO_GLYPH_CATEGORIES:
        return False
    return not any(low <= code <= high for low, high in _NO_GLYPH_RANGES)


def find_printed_gaps(printed: Iterable[tuple[str, str, str]]) -> list[Gap]:
    """Gaps in ``(id, text, language)`` triples, each language against its own font stack."""
    from generator.fonts.stacks import font_stack

    by_language: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for context, text, language in printed:
        by_language[language].append((context, text))
    return [gap for language in sorted(by_language) for gap in find_gaps(by_language[language], font_stack(language))]


def find_gaps(strings: Iterable[tuple[str, str]], families: Iterable[str]) -> list[Gap]:
    """Characters of ``(context, text)`` pairs that no family covers; one gap per character."""
    covered: frozenset[int] = frozenset().union(*(family_coverage(f) for f in families))
    gaps: list[Gap] = []
    seen: set[str] = set()
    for context, text in strings:
        for char in text:
            if char not in seen and not char.isspace() and needs_glyph(char) and ord(char) not in covered:
                seen.add(char)
                gaps.append(Gap(context, char))
    return gaps
