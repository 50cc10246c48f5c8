"""The language card ("I speak" card) → HTML: every language with a complete guide, named in itself.

A visitor who shares no language with the staff points at theirs. Each entry
shows the language's own name large (CLDR, through Babel), a line in that
language from the template strings, and its English name small; each entry
carries its own ``lang`` and ``dir`` (and so its own fonts and, in the PDF, its
own ``/Lang``). Which languages, and their order, the build stage decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jinja2

from generator import __version__
from generator.content.languages import direction, english_name, native_name
from generator.content.snapshot import TemplateFiles
from generator.errors import GuidegenError
from generator.fonts.coverage import needs_symbol_fonts
from generator.fonts.stacks import font_stack
from generator.fonts.subsetting import SUFFIX, printed_characters, subset_faces
from generator.i18n.ui_strings import UI_SOURCE_LANGUAGE, UiStrings, load_ui_strings
from generator.render.formats import PAPER_TABLE
from generator.render.css_values import css_string, font_list
from generator.render.html import RenderedHtml
from generator.render.inline import keep_hangul_words
from generator.render.templates import Templates

CARD_TEMPLATE = "card.html.j2"
TITLE = "Choose your language"
MAX_LANGUAGES = 24  # what one page holds, in up to three columns


@dataclass(frozen=True)
class CardEntry:
    tag: str
    native: str
    english: str
    dir: str
    ui: UiStrings  # the template strings of the entry's language: its line comes from them


def card_grid(count: int) -> tuple[int, int]:
    """Columns and rows of the card for ``count`` languages: two columns up to 12, then three."""
    columns = 2 if count <= 12 else 3
    return columns, max(1, math.ceil(count / columns))


def row_height_mm(paper: str, rows: int) -> float:
    """The least height of a row, so that the rows share the page below the heading (see card.css:
    margins 14 mm, or 10 mm on small pages; heading 8 or 6 mm; gaps by rows and paper)."""
    table = PAPER_TABLE[paper]
    margins, heading = (20.0, 6.0) if table.small else (28.0, 8.0)
    gap = (1.5 if rows > 6 else 2.5) if table.small else (3.0 if rows > 6 else 4.0)
    height = table.points[1] * 25.4 / 72 - margins - heading - gap * (rows - 1) - 1.0  # 1 mm to spare
    return max(0.0, height / rows)


def render_card(languages: list[str], templates: Templates, *, paper: str = "a4", created: str,
                files: TemplateFiles | None = None, subset_fonts: bool = True) -> RenderedHtml:
    """The card's HTML for ``languages`` (in the order given); ``created`` is its ISO timestamp.

    Each entry's line is a template string looked up in the entry's own language (``entry.ui``);
    ``RenderedHtml.ui_missing`` names those not translated yet (they print in English).
    """
    files = files or templates.read()
    entries = [CardEntry(tag, native_name(tag), english_name(tag), direction(tag),
                         load_ui_strings(tag, templates.catalog_dirs, files)) for tag in languages]
    ui = load_ui_strings(UI_SOURCE_LANGUAGE, templates.catalog_dirs, files)
    title = ui(TITLE)
    columns, rows = card_grid(len(entries))
    tags = list(dict.fromkeys([UI_SOURCE_LANGUAGE, *languages]))
    context = {
        "entries": entries,
        "doc": {
            "lang": UI_SOURCE_LANGUAGE,
            "dir": direction(UI_SOURCE_LANGUAGE),
            "title": title,
            "paper": PAPER_TABLE[paper].css,
            "small_page": PAPER_TABLE[paper].small,
            "columns": columns,
            "rows": rows,
            "row_mm": row_height_mm(paper, rows),
            "created": created,
            "generator": f"guidegen {__version__}",
            "fonts": {tag: font_list(tag) for tag in tags},
            "font_faces": [],
        },
        "css_string": css_string,
        "_": ui,
    }
    html = _render(templates, files, context)
    characters = printed_characters(html)
    symbols = needs_symbol_fonts(characters, tuple(tags))
    faces = subset_faces([f for tag in tags for f in font_stack(tag)], characters) if subset_fonts else []
    if faces or symbols:
        subset = frozenset(face.family.removesuffix(SUFFIX) for face in faces)
        context["doc"].update(fonts={tag: font_list(tag, subset, symbols) for tag in tags},  # type: ignore[attr-defined]
                              font_faces=faces)
        html = _render(templates, files, context)
    missing = [f"{e.tag}: '{msgid}'" for e in entries for msgid in e.ui.missing]
    printed = [(f"'{e.tag}' name", e.native, e.tag) for e in entries]
    printed += [(f"'{e.tag}' English name", e.english, UI_SOURCE_LANGUAGE) for e in entries]
    printed += [(f"'{e.tag}' template string '{msgid}'", text, UI_SOURCE_LANGUAGE if msgid in e.ui.missing else e.tag)
                for e in entries for msgid, text in e.ui.used.items()]
    return RenderedHtml(html, title, missing, printed, {face.url: face.data for face in faces})


def _render(templates: Templates, files: TemplateFiles, context: dict[str, object]) -> str:
    """The card's HTML; Korean words kept whole (lines break between them, not between syllables)."""
    try:
        return keep_hangul_words(templates.env_for(files).get_template(CARD_TEMPLATE).render(context))
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise GuidegenError(f"template {where}{CARD_TEMPLATE}: {error}") from None
