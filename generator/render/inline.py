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

from generator.content.languages import direction
from generator.content.links import readable_url
from generator.i18n.localize import SourceText
from generator.content.params import fill


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("zero", {"html": False}).enable(["emphasis", "backticks", "escape", "link"])
    # Codes such as *#06# read left to right in every language: isolate them.
    parser.add_render_rule("code_inline", lambda _renderer, tokens, index, *_: (
        f'<code dir="ltr">{escape(tokens[index].content)}</code>'))
    parser.add_render_rule("link_open", _link_open)
    parser.add_render_rule("link_close", _link_close)
    return parser


def _official(tokens: list, index: int, env: dict) -> str | None:
    """The URL of a ``[label](link:name)`` reference; None for anything else (printed as its label only)."""
    href = tokens[index].attrGet("href") or ""
    return env.get("links", {}).get(href.removeprefix("link:")) if href.startswith("link:") else None


def _link_open(renderer: object, tokens: list, index: int, options: object, env: dict) -> str:
    url = _official(tokens, index, env)
    return f'<a href="{escape(url)}">' if url else ""


def _link_close(renderer: object, tokens: list, index: int, options: object, env: dict) -> str:
    opening = next(i for i in range(index - 1, -1, -1) if tokens[i].type == "link_open")
    url = _official(tokens, opening, env)
    # On paper a link is only as good as the address printed beside it.
    opening_paren, closing_paren = env.get("parentheses", "()")
    return (f'</a> <span class="url">{opening_paren}<bdi dir="ltr">{escape(readable_url(url))}</bdi>'
            f'{closing_paren}</span>') if url else ""


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_HANGUL_WORD = re.compile(r"[^\s<>]*[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f][^\s<>]*")
_CHARACTER_OR_ENTITY = re.compile(r"&#?\w+;|.", re.S)  # never split &quot; and the like
MAX_KEPT_WORD = 15  # longer "words" (a run without spaces) may break inside rather than leave the page


def keep_hangul_words(html: str) -> str:
    """Korean breaks lines between words, not between syllables.

    CSS says ``word-break: keep-all``; WeasyPrint 70 does not implement it. A
    WORD JOINER (U+2060, no width, no glyph, not extracted) between the letters of
    each word with Hangul forbids breaks inside it, and the spaces between words
    stay real text. A span per word did the same at 2.5 times the layout cost.
    A word too long to be sure it fits on a line is left to break where it must.
    """
    def keep(match: re.Match[str]) -> str:
        word = match.group(0)
        return word if len(word) > MAX_KEPT_WORD else "\u2060".join(_CHARACTER_OR_ENTITY.findall(word))

    parts = _TAG_OR_TEXT.split(html)
    for index in range(0, len(parts), 2):  # even indexes are text between tags
        parts[index] = _HANGUL_WORD.sub(keep, parts[index])
    return "".join(parts)


_LAST_TWO_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff])([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff])"
                           r"([^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\s]*)$")


def no_lone_last_word(text: str) -> str:
    """A heading never ends with a lone character or word on a line of its own.

    The last two Chinese or Japanese characters are joined (WORD JOINER, so
    "…eSIM 号" / "码" cannot happen: W3C clreq); elsewhere the last two words
    are (NO-BREAK SPACE).
    """
    if isinstance(text, SourceText):
        return text
    stripped = text.rstrip()
    joined = _LAST_TWO_CJK.search(stripped)
    if joined:
        return stripped[:joined.start()] + joined.group(1) + "\u2060" + joined.group(2) + joined.group(3)
    space = stripped.rfind(" ")
    return stripped[:space] + "\u00a0" + stripped[space + 1:] if space > 0 else stripped


_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def _literal_underscores(text: str) -> str:
    """Only ``*`` marks emphasis: ``__init__`` or ``snake_case`` print as written."""
    parts = _CODE_SPAN.split(text)
    # split() yields text, fence, code, text, fence, code, …: escape the text parts only.
    out = []
    for index, part in enumerate(parts):
        if index % 3 == 0:
            out.append(part.replace("_", "\\_"))
        elif index % 3 == 1:
            out.append(part + parts[index + 1] + part)
    return "".join(out)


def render_inline(text: str, params: Mapping[str, str], *, keep_words: bool = False,
                  links: Mapping[str, str] | None = None, parentheses: str = "()", heading: bool = False) -> Markup:
    """Inline Markdown subset → HTML; ``[label](link:name)`` becomes a link to the official ``links[name]``
    with its address printed after it, between the language's ``parentheses``.

    A parameter's value is isolated from the text's direction (a Latin name in Arabic): in a ``<bdi>``, or in
    a ``heading`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE. WeasyPrint 70 breaks a right-to-left
    line badly before an inline element that does not fit (the large-print Arabic title put its first word
    alone on a line); the isolate characters give the same order with no element to break at.
    """
    values = {name: f"\u2068{escape(value)}\u2069" if heading else f"<bdi>{escape(value)}</bdi>"
              for name, value in params.items()}
    env = {"links": dict(links or {}), "parentheses": parentheses}
    html = fill(_parser().renderInline(_literal_underscores(text), env), values)
    if keep_words:
        html = keep_hangul_words(html)
    if isinstance(text, SourceText):
        # An untranslated string: marked with its own language, so it gets that
        # language's fonts and direction instead of printing as boxes.
        html = (
            f'<span class="untranslated" lang="{escape(text.language)}" dir="{direction(text.language)}">{html}</span>'
        )
    return Markup(html)


def plain_text(text: str, params: Mapping[str, str]) -> str:
    """The text without markup, for PDF metadata, running headers, alt text and the desk's titles.

    The same parser as ``render_inline`` reads it, so what is markup there is dropped here:
    emphasis marks, code fences, link targets (the label stays).
    """
    tokens = _parser().parseInline(_literal_underscores(text), {})
    parts = []
    for token in tokens[0].children or [] if tokens else []:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return fill("".join(parts), params)
