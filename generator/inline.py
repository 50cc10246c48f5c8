"""Inline formatting of content strings: a small, safe Markdown subset.

Bold (``**…**``), emphasis (``*…*``) and code spans (`` `*#06#` ``) are
rendered; raw HTML is never passed through, so ``<script>`` or ``</p>`` print as
text. Parameters are filled in after rendering, their values escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from generator.languages import direction
from generator.localize import SourceText
from generator.params import fill


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("zero", {"html": False}).enable(["emphasis", "backticks", "escape"])


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_HANGUL_WORD = re.compile(r"[^\s<>]*[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f][^\s<>]*")


def keep_hangul_words(html: str) -> str:
    """Korean breaks lines between words, not between syllables.

    CSS says ``word-break: keep-all``; WeasyPrint 70 does not implement it, so
    each word with Hangul is wrapped in a no-wrap span instead.
    """
    parts = _TAG_OR_TEXT.split(html)
    for index in range(0, len(parts), 2):  # even indexes are text between tags
        parts[index] = _HANGUL_WORD.sub(lambda m: f'<span class="word">{m.group(0)}</span>', parts[index])
    return "".join(parts)


def render_inline(text: str, params: Mapping[str, str], *, keep_words: bool = False) -> Markup:
    html = fill(_parser().renderInline(text), {name: str(escape(value)) for name, value in params.items()})
    if keep_words:
        html = keep_hangul_words(html)
    if isinstance(text, SourceText):
        # An untranslated string: marked with its own language, so it gets that
        # language's fonts and direction instead of printing as boxes.
        html = f'<span class="untranslated" lang="{escape(text.language)}" dir="{direction(text.language)}">{html}</span>'
    return Markup(html)


def plain_text(text: str, params: Mapping[str, str]) -> str:
    """The text without markup, for PDF metadata and running headers."""
    return fill(text.replace("**", "").replace("`", ""), params)
