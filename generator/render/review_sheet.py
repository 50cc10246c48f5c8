"""The bilingual review sheet: review rows → HTML (``review.html.j2``), laid out like every document.

The sheet is a staff and reviewer tool: its labels are English and are not
template strings (``review.html.j2`` has no ``_()``). Each source and translation
cell carries its own ``lang`` (and ``dir``), is set in that language's fonts
(large CJK fonts cut to the sheet's characters, as in a handout) and shows the
text exactly as it stands in the catalog, Markdown markers and ``{placeholders}``
included, since that is what the reviewer signs for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jinja2
from markupsafe import Markup, escape

from generator import __version__
from generator.content.languages import direction, english_name, native_name
from generator.errors import GuidegenError
from generator.fonts.stacks import SYMBOLS, font_stack, script_stack
from generator.fonts.subsetting import SUFFIX, printed_characters, subset_faces
from generator.i18n.review_rows import ReviewSection
from generator.render.formats import PAPER_TABLE
from generator.render.css_values import css_string
from generator.render.html_context import document_timestamp
from generator.render.inline import keep_hangul_words
from generator.content.languages import maximize
from generator.content.snapshot import TemplateFiles
from generator.render.templates import Templates

TEMPLATE = "review.html.j2"
LABEL_LANGUAGE = "en"


@dataclass
class ReviewHtml:
    html: str
    printed: list[tuple[str, str, str]]  # (id, text, language) of every catalog string on the sheet
    resources: dict[str, bytes]


def _fonts(language: str, subset: frozenset[str]) -> Markup:
    """The language's stack, its large fonts as their subsets, the symbol fonts last (⚠, ✓)."""
    names = [name for family in script_stack(language) + SYMBOLS
             for name in ((family + SUFFIX, family) if family in subset else (family,))]
    return Markup(", ".join(css_string(name) for name in names))


def _text(language: str) -> Callable[[str], Markup]:
    """A Jinja filter: catalog text, escaped; Korean words kept whole on a line (see ``keep_hangul_words``)."""
    korean = maximize(language).script == "Kore"

    def show(text: str) -> Markup:
        html = str(escape(text))
        return Markup(keep_hangul_words(html) if korean else html)
    return show


def review_html(sections: Sequence[ReviewSection], language: str, templates: Templates, files: TemplateFiles,
                *, paper: str, revision: dt.date) -> ReviewHtml:
    """The HTML of the review sheet of ``language`` (a translation) for ``sections``."""
    sources = sorted({section.source_language for section in sections})
    languages = [LABEL_LANGUAGE, *sources, language]
    rows = [row for section in sections for row in section.rows]
    title = f"Translation review: {english_name(language)} ({language})"
    context = {
        "sections": sections,
        "doc": {
            "title": title,
            "lang": language, "dir": direction(language), "native": native_name(language),
            "english": english_name(language),
            "paper": PAPER_TABLE[paper].css,
            "created": document_timestamp(revision),
            "generator": f"guidegen {__version__}",
            "total": len(rows), "safety": sum(row.safety for row in rows),
            "open": sum(row.state != "translated" for row in rows),
            "reviewed": sum(row.reviewed for row in rows),
        },
        "source_dir": {tag: direction(tag) for tag in sources},
        "lang_class": {tag: f"lang-{index}" for index, tag in enumerate(dict.fromkeys(languages))},
        "css_string": css_string,
        "breakable": lambda text: Markup(".<wbr>".join(escape(part) for part in text.split("."))),
        "translation": _text(language),
        "source_text": {tag: _text(tag) for tag in sources},
    }

    def render(subset: frozenset[str], faces: Sequence[object]) -> str:
        context["fonts"] = {tag: _fonts(tag, subset) for tag in dict.fromkeys(languages)}
        context["font_faces"] = faces
        try:
            return templates.env_for(files).get_template(TEMPLATE).render(context)
        except jinja2.TemplateError as error:
            raise GuidegenError(f"template {TEMPLATE}: {error}") from None

    html = render(frozenset(), [])
    families = [family for tag in languages for family in font_stack(tag)]
    faces = subset_faces(families, printed_characters(html))
    if faces:
        html = render(frozenset(face.family.removesuffix(SUFFIX) for face in faces), faces)
    printed = [(row.context, text, tag) for section in sections for row in section.rows
               for text, tag in ((row.source, section.source_language), (row.translation, language),
                                 (row.previous, section.source_language)) if text]
    return ReviewHtml(html, printed, {face.url: face.data for face in faces})
