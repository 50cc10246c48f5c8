"""Which characters may be printed: the one rule for source text and translations.

Refused: control, surrogate, private-use and unassigned code points, and the
characters that reorder text in a way a reviewer cannot see in a catalog:
the bidi embeddings and overrides U+202A–U+202E (an override prints
``+1 555`` as ``555 1+``), and the deprecated format characters
U+206A–U+206F (symmetric swapping, Arabic form shaping, national digit
shapes), which no current text needs. The bidi isolates U+2066–U+2069 and the
marks U+200E, U+200F and U+061C are allowed: they only keep a run in its own
direction, which right-to-left text with Latin names needs.
"""

from __future__ import annotations

import unicodedata

_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})
REORDERING = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x206A, 0x2070)))


def refused_char(text: str, allowed: str = "") -> str | None:
    """The first character of ``text`` that may not be printed, or None; ``allowed`` lists exceptions (``"\\t\\n"``)."""
    return next((c for c in text if c not in allowed
                 and (c in REORDERING or unicodedata.category(c) in _UNPRINTABLE_CATEGORIES)), None)


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE, which …``: why the character is refused, in words."""
    name = unicodedata.name(char, "(unassigned or private use)")
    why = ("which reorders the printed text invisibly (use the isolates U+2066-U+2069 instead)"
           if char in REORDERING else "which cannot be printed")
    return f"U+{ord(char):04X} {name}, {why}"
