"""Values the templates put into CSS: string literals that cannot break out, ``content`` values made from
translated strings, a language's font-family list, and the running footer's title."""

from __future__ import annotations

import re

from markupsafe import Markup

from generator.fonts.stacks import SYMBOLS, script_stack
from generator.fonts.subsetting import SUFFIX


def css_string(text: str) -> Markup:
    """A CSS string literal that cannot break out of its declaration or the <style> element."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,:;!?()%-–—/·、，。：（）":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return Markup('"' + "".join(out) + '"')


# A run this long with no break opportunity (no space, no CJK) is cut short in the running footer:
# breaking it anywhere there (overflow-wrap: anywhere) costs a third of a handout's layout time.
_LONG_RUN = re.compile(r"[^\s\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]{31,}")


def running_title(title: str) -> str:
    """The title as the page footer repeats it: a word too long for any line shortened to 29 characters and '…'."""
    return _LONG_RUN.sub(lambda match: match.group(0)[:29] + "…", title)


def css_content(template: str, **counters: str) -> Markup:
    """A translated string with ``{name}`` parts turned into a CSS ``content`` value.

    ``css_content("Page {page} of {pages}", page="counter(page)", …)`` gives
    ``"Page " counter(page) " of " counter(pages)``.
    """
    parts: list[str] = []
    rest = template
    while rest:
        start = min((rest.find("{" + name + "}") for name in counters if "{" + name + "}" in rest), default=-1)
        if start < 0:
            parts.append(css_string(rest))
            break
        name = next(n for n in counters if rest.startswith("{" + n + "}", start))
        if start:
            parts.append(css_string(rest[:start]))
        parts.append(counters[name])
        rest = rest[start + len(name) + 2:]
    return Markup(" ".join(parts) or '""')


def font_list(language: str, subset: frozenset[str] = frozenset(), symbols: bool = False) -> Markup:
    """The CSS font-family list of a language; families in ``subset`` go first as their subset; the symbol
    fonts last, only when the document prints a character its own fonts lack."""
    families = script_stack(language) + (SYMBOLS if symbols else ())
    names = [name for family in families
             for name in ((family + SUFFIX, family) if family in subset else (family,))]
    return Markup(", ".join(css_string(name) for name in names))
