"""Guide × language × format × paper → HTML, through Jinja templates.

Content is data: it reaches the templates only as values, autoescaped, or as the
Markup produced by ``inline.render_inline``; it is never compiled as a template.

A document is rendered from its facts (``html_context``) once with the plain
fonts; when it prints characters of a large (CJK) font or of a symbol font, it is
rendered again from a fresh context naming the subset faces (``html_resources``).
What it prints, string by string, is listed for the glyph and placement checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator.content.languages import native_name
from generator.content.messages import Message
from generator.content.params import fill
from generator.content.snapshot import Folder, TemplateFiles
from generator.errors import GuidegenError
from generator.i18n.localize import LocalizedGuide
from generator.i18n.ui_strings import UiStrings, load_ui_strings
from generator.render.brand import LoadedBrand, brand_context
from generator.render.formats import PrintOptions
from generator.render.html_context import DocumentFacts, FontChoice, Settings, document_context, document_facts
from generator.render.html_resources import QrCodes, choose_fonts
from generator.render.record import RecordLines
from generator.render.templates import Templates


@dataclass(frozen=True)
class DocumentOptions:
    format: str = "handout"
    print: PrintOptions = PrintOptions()
    params: Mapping[str, str] = field(default_factory=dict)  # overrides of the guide's defaults


@dataclass
class RenderedHtml:
    html: str
    title: str
    ui_missing: list[str]
    printed: list[tuple[str, str, str]]  # (id, text, language) of every string the document prints
    resources: dict[str, bytes] = field(default_factory=dict)  # generated files the HTML links to (fonts)


def render_html(localized: LocalizedGuide, options: DocumentOptions, templates: Templates,
                *, font_size_pt: float | None = None, columns: int = 1, record: RecordLines | None = None,
                ui: UiStrings | None = None,
                assets_dir: Path | Folder | None = None, subset_fonts: bool = False, duplex_pad: bool = False,
                brand: LoadedBrand | None = None, files: TemplateFiles | None = None,
                also_available: tuple[str, ...] = ()) -> RenderedHtml:
    """The HTML of one document; ``font_size_pt`` and ``columns`` set the checklist's type size and columns,
    ``record`` the write-in lines of its record (printed only with a type size), ``duplex_pad`` adds a blank
    last page; a handout names the ``also_available`` languages on its last page.

    ``brand`` adds an organisation's name, logo, accent colour and contact line.
    Images are looked up in ``assets_dir`` (the guide's ``assets/`` folder). With
    ``subset_fonts``, large (CJK) fonts are cut down to the document's characters
    first (see ``subsetting``), which keeps the PDF small. ``files`` are the template
    folders' files as read for this document (read now when not given); an assets
    folder given as a path is read now.
    """
    files = files or templates.read()
    facts = document_facts(localized, options.format, options.params, also_available)
    settings = Settings(print=options.print, ui=ui or load_ui_strings(facts.language, templates.catalog_dirs, files),
                        font_size_pt=font_size_pt, columns=columns, record=record, duplex_pad=duplex_pad, brand=brand,
                        assets=Folder.read(assets_dir) if isinstance(assets_dir, Path) else assets_dir)
    qr_codes = QrCodes(localized.guide.links)
    html = _render(templates, files, options.format, document_context(facts, settings, FontChoice.plain(facts),
                                                                      qr_codes.url))
    fonts = choose_fonts(facts, html, subset_fonts)
    if fonts is not None:
        html = _render(templates, files, options.format, document_context(facts, settings, fonts, qr_codes.url))
    faces = fonts.font_faces if fonts else ()
    resources = {**qr_codes.files, **{face.url: face.data for face in faces}}  # type: ignore[attr-defined]
    return RenderedHtml(html, facts.title, list(settings.ui.missing), printed_strings(facts, settings), resources)


def printed_strings(facts: DocumentFacts, settings: Settings) -> list[tuple[str, str, str]]:
    """(id, text, language) of every string the document prints: its guide strings, the template strings it
    looked up, the language names of "Also available in", the brand's words."""
    language = facts.language
    printed = [(m.context, fill(m.source, facts.params), getattr(m.source, "language", language))
               for m in facts.messages if prints_message(facts.format, m)]
    printed += [(f"template string '{msgid}'", text, language) for msgid, text in settings.ui.used.items()]
    printed += [(f"language name '{tag}'", native_name(tag), tag) for tag in facts.also]
    printed += [(f"brand {key}", str(value), language)
                for key, value in (brand_context(settings.brand, language) or {}).items()
                if key in ("name", "contact", "logo_alt") and value]
    return printed


def prints_message(format_: str, message: Message) -> bool:
    """Whether a document of ``format_`` prints the guide string ``message``: a checklist its checklist's,
    a handout all others."""
    return (message.path[0] == "checklist") == (format_ == "checklist")


def _render(templates: Templates, files: TemplateFiles, format_: str, context: dict[str, object]) -> str:
    try:
        return templates.env_for(files).get_template(f"{format_}.html.j2").render(context)
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise GuidegenError(f"template {where}{format_}.html.j2: {error}") from None
