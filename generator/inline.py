"""Inline formatting of content strings: a small, safe Markdown subset.

Bold (``**…**``), emphasis (``*…*``) and code spans (`` `*#06#` ``) are
rendered; raw HTML is never passed through, so ``<script>`` or ``</p>`` print as
text. Parameters are filled in after rendering, their values escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from generator.params import fill


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("zero", {"html": False}).enable(["emphasis", "backticks", "escape"])


def render_inline(text: str, params: Mapping[str, str]) -> Markup:
    html = _parser().renderInline(text)
    return Markup(fill(html, {name: str(escape(value)) for name, value in params.items()}))


def plain_text(text: str, params: Mapping[str, str]) -> str:
    """The text without markup, for PDF metadata and running headers."""
    return fill(text.replace("**", "").replace("`", ""), params)
