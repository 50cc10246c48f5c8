"""Font stacks per script: which Noto families a document in a language uses.

The first family sets the document's Latin letters too, so a Latin document never
takes its letters from a CJK font (that embeds a large CJK subset for nothing).
"""

from __future__ import annotations

from generator.languages import maximize

_BY_SCRIPT: dict[str, tuple[str, ...]] = {
    "Latn": ("Noto Sans",),
    "Cyrl": ("Noto Sans",),
    "Grek": ("Noto Sans",),
    "Hans": ("Noto Sans CJK SC",),
    "Hant": ("Noto Sans CJK TC",),
    "Jpan": ("Noto Sans CJK JP",),
    "Kore": ("Noto Sans CJK KR",),
    "Arab": ("Noto Sans Arabic", "Noto Sans"),
    "Hebr": ("Noto Sans Hebrew", "Noto Sans"),
}
_HONG_KONG = ("Noto Sans CJK HK",)

CJK_FLOOR_PT = 10.5
LATIN_FLOOR_PT = 11.0


def font_stack(language: str) -> tuple[str, ...]:
    """Font families for a language tag, most specific first."""
    subtags = maximize(language)
    if subtags.script == "Hant" and subtags.region in ("HK", "MO"):
        return _HONG_KONG
    return _BY_SCRIPT.get(subtags.script, ("Noto Sans",))


def is_cjk(language: str) -> bool:
    return maximize(language).script in ("Hans", "Hant", "Jpan", "Kore")
