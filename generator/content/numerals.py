"""A language's digits: CLDR's default numbering system (through Babel) and the CSS counter style that writes it.

Babel knows each locale's default numbering system (``fa`` → ``arabext``, ``ar-EG`` →
``arab``, ``ar`` and ``en`` → ``latn``) but formats every number with 0–9: it has no
digits for a numbering system (python-babel/babel#446, #731). The digits of a numeric
numbering system are Unicode's ten consecutive decimal digits from its zero, so this
module only keeps, per numbering system (never per language), that zero and the name
of the predefined CSS counter style with the same digits (CSS Counter Styles 3, §6.1),
so that page and step numbers drawn by CSS counters match the digits of the text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from generator.content.languages import babel_locale, canonical_tag


@dataclass(frozen=True)
class Numerals:
    system: str         # CLDR numbering system id: latn, arabext, arab…
    digits: str         # its digits 0–9
    counter_style: str  # the predefined CSS counter style with those digits


LATIN = Numerals("latn", "0123456789", "decimal")

# CLDR numbering system → (Unicode name of its digit zero, predefined CSS counter style).
_SYSTEMS = {
    "arab": ("ARABIC-INDIC DIGIT ZERO", "arabic-indic"),
    "arabext": ("EXTENDED ARABIC-INDIC DIGIT ZERO", "persian"),
    "beng": ("BENGALI DIGIT ZERO", "bengali"),
    "deva": ("DEVANAGARI DIGIT ZERO", "devanagari"),
    "gujr": ("GUJARATI DIGIT ZERO", "gujarati"),
    "guru": ("GURMUKHI DIGIT ZERO", "gurmukhi"),
    "khmr": ("KHMER DIGIT ZERO", "khmer"),
    "knda": ("KANNADA DIGIT ZERO", "kannada"),
    "laoo": ("LAO DIGIT ZERO", "lao"),
    "mlym": ("MALAYALAM DIGIT ZERO", "malayalam"),
    "mong": ("MONGOLIAN DIGIT ZERO", "mongolian"),
    "mymr": ("MYANMAR DIGIT ZERO", "myanmar"),
    "orya": ("ORIYA DIGIT ZERO", "oriya"),
    "tamldec": ("TAMIL DIGIT ZERO", "tamil"),
    "telu": ("TELUGU DIGIT ZERO", "telugu"),
    "thai": ("THAI DIGIT ZERO", "thai"),
    "tibt": ("TIBETAN DIGIT ZERO", "tibetan"),
}


def _tag_locale(tag: str) -> Locale:
    """The CLDR locale of the tag as written (``ar`` is CLDR's ``ar``, not the likely ``ar_EG``),
    else the likely one: a numbering system is a choice of the locale a catalog is written for."""
    try:
        return Locale.parse(canonical_tag(tag).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return babel_locale(tag)


@lru_cache(maxsize=256)
def numerals(tag: str) -> Numerals:
    """The digits a language writes numbers with by default, per CLDR: ``fa`` → ۰۱۲…, ``en`` → 012…

    A numbering system without a CSS counter style of its own here falls back to 0–9, so text and
    counters never disagree."""
    system = _tag_locale(tag).default_numbering_system
    if system not in _SYSTEMS:
        return LATIN
    zero_name, counter_style = _SYSTEMS[system]
    zero = ord(unicodedata.lookup(zero_name))
    digits = "".join(chr(zero + value) for value in range(10))
    assert all(unicodedata.decimal(digit) == value for value, digit in enumerate(digits)), system
    return Numerals(system, digits, counter_style)


def localize_digits(text: str, tag: str) -> str:
    """``text`` with its ASCII digits written in the language's own digits (``25 نوامبر 2026`` → ``۲۵ نوامبر ۲۰۲۶``)."""
    digits = numerals(tag).digits
    if digits == LATIN.digits:
        return text
    return text.translate(str.maketrans(LATIN.digits, digits))
