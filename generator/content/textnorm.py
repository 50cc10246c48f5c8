"""Whitespace normalization for text that came from YAML.

YAML folded scalars (``>``) join lines with a space. Between two CJK characters
(Han, Kana, Hangul, full-width punctuation) that space is wrong and prints as a
gap; between Latin words, or between Latin and CJK, it is right and stays.
"""

from __future__ import annotations

import re

# Ideographs, Kana, CJK punctuation and full-width forms. Hangul is not here:
# Korean separates words with spaces, so a line break there is a real space.
_CJK = (
    "\u2e80-\u2fff"  # radicals, Kangxi
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u312f\u31a0-\u31ff"  # Bopomofo
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff00-\uffef"  # full-width forms
    "\U00020000-\U0003134f"
)
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\r\n]+(?=[{_CJK}])")
_RUNS = re.compile(r"[ \t\r\n]+")


def normalize_text(text: str) -> str:
    """Trim, fold whitespace runs to one space, and drop spaces between CJK characters."""
    text = _RUNS.sub(" ", text.strip())
    return _SPACE_BETWEEN_CJK.sub("", text)
