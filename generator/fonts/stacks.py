"""Font stacks per script: which Noto families a document in a language uses.

The first family sets the document's Latin letters too, so a Latin document never
takes its letters from a CJK font (that embeds a large CJK subset for nothing).
Every stack ends with Noto's symbol and math families, so arrows, check marks,
warning signs, the telephone and the envelope (→ ✓ ⚠ ☎ ✉) print in every language.
"""

from __future__ import annotations

from generator.content.languages import maximize

_BY_SCRIPT: dict[str, tuple[str, ...]] = {
    "Latn": ("Noto Sans",),
    "Cyrl": ("Noto Sans",),
    "Grek": ("Noto Sans",),
    "Hans": ("Noto Sans CJK SC",),
    "Hant": ("Noto Sans CJK TC",),
    "Jpan": ("Noto Sans CJK JP",),
    "Kore": ("Noto Sans CJK KR",),
}
# Scripts whose Noto family is "Noto Sans <name>"; Latin letters and digits in
# such documents (brand names, numbers) come from Noto Sans, listed second.
_NOTO_SANS_NAMED = {
    "Arab": "Arabic", "Hebr": "Hebrew", "Deva": "Devanagari", "Beng": "Bengali", "Taml": "Tamil",
    "Telu": "Telugu", "Knda": "Kannada", "Mlym": "Malayalam", "Gujr": "Gujarati", "Guru": "Gurmukhi",
    "Orya": "Oriya", "Sinh": "Sinhala", "Thai": "Thai", "Laoo": "Lao", "Khmr": "Khmer", "Mymr": "Myanmar",
    "Ethi": "Ethiopic", "Geor": "Georgian", "Armn": "Armenian", "Syrc": "Syriac", "Thaa": "Thaana",
    "Tfng": "Tifinagh", "Cher": "Cherokee", "Cans": "Canadian Aboriginal", "Mong": "Mongolian", "Nkoo": "NKo",
    "Adlm": "Adlam", "Vaii": "Vai", "Olck": "Ol Chiki", "Java": "Javanese", "Bali": "Balinese",
}
_HONG_KONG = ("Noto Sans CJK HK",)

CJK_FLOOR_PT = 10.5
LATIN_FLOOR_PT = 11.0


SYMBOLS = ("Noto Sans Symbols2", "Noto Sans Symbols", "Noto Sans Math")  # after the script's own: fallbacks only


def font_stack(language: str) -> tuple[str, ...]:
    """Font families for a language tag, most specific first, symbols last (what may print: glyph checks)."""
    return script_stack(language) + SYMBOLS


def script_stack(language: str) -> tuple[str, ...]:
    """The language's own families, without the symbol fonts (a document lists those only when it uses them:
    every family in a CSS stack costs layout time)."""
    subtags = maximize(language)
    if subtags.script == "Hant" and subtags.region in ("HK", "MO"):
        return _HONG_KONG
    if subtags.script in _NOTO_SANS_NAMED:
        return (f"Noto Sans {_NOTO_SANS_NAMED[subtags.script]}", "Noto Sans")
    return _BY_SCRIPT.get(subtags.script, ("Noto Sans",))


def is_cjk(language: str) -> bool:
    return maximize(language).script in ("Hans", "Hant", "Jpan", "Kore")
