"""Guide × language × format × paper → HTML, through Jinja templates.

Content is data: it reaches the templates only as values, autoescaped, or as the
Markup produced by ``inline.render_inline``; it is never compiled as a template.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from generator import __version__
from generator.content.assets import AssetProblem
from generator.render.brand import LoadedBrand, brand_context
from generator.errors import GuidegenError
from generator.fonts.coverage import needs_symbol_fonts
from generator.fonts.stacks import SYMBOLS, font_stack, is_cjk, script_stack
from generator.render.footer import footer_title
from generator.render.formats import PAPER_TABLE, PrintOptions
from generator.render.inline import no_lone_last_word, plain_text, render_inline
from generator.content.languages import babel_locale, direction, maximize, native_name
from generator.content.numerals import localize_digits, numerals
from generator.i18n.localize import LocalizedGuide
from generator.content.links import readable_url
from generator.content.messages import Message, iter_messages
from generator.content.params import fill
from generator.render.qr import qr_resource
from generator.render.record import RecordLines
from generator.fonts.subsetting import SUFFIX, printed_characters, subset_faces
from generator.content.snapshot import Folder, TemplateFiles
from generator.render.templates import Templates
from generator.i18n.ui_strings import UiStrings, load_ui_strings

_CJK_NUMERALS = "〇一二三四五六七八九十"


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


def number_text(number: int, language: str) -> str:
    """A small ordinal number as the language writes it in running text (一, 二 in Chinese, ۲ in Persian)."""
    if maximize(language).script in ("Hans", "Hant") and 0 <= number <= 10:
        return _CJK_NUMERALS[number]
    return localize_digits(format_decimal(number, locale=babel_locale(language)), language)


def document_timestamp(revision: dt.date) -> str:
    """Creation date for the PDF: SOURCE_DATE_EPOCH when set, else the guide's revision date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    else:
        moment = dt.datetime.combine(revision, dt.time(), tzinfo=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _asset_url(assets: Folder | None, name: str) -> str:
    if assets is None:
        raise GuidegenError(f"image '{name}': this document has no assets folder")
    try:
        return assets.path(name).as_uri()
    except AssetProblem as problem:
        raise GuidegenError(f"image '{name}' {problem}") from None


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
    assets = Folder.read(assets_dir) if isinstance(assets_dir, Path) else assets_dir
    guide = localized.guide
    language = localized.language
    params = {**guide.params, **options.params}
    ui = ui or load_ui_strings(language, templates.catalog_dirs, files)
    locale = babel_locale(language)
    messages = list(iter_messages(guide))
    resources: dict[str, bytes] = {}  # generated files the HTML links to: QR codes, subset fonts
    fallback_languages = sorted({getattr(m.source, "language", language) for m in messages} - {language})
    also = [tag for tag in also_available if tag != language] if options.format == "handout" else []
    other_languages = sorted(set(fallback_languages) | set(also))  # printed in their own fonts
    title = plain_text(guide.title if options.format == "handout" else guide.checklist.title, params)
    revision = localize_digits(format_date(guide.revision, format="long", locale=locale), language)
    paper = PAPER_TABLE[options.print.page]
    widest = localize_digits("8", language)  # handouts have fewer than ten pages
    # Only a handout on a full-size page prints its title in the footer (base.html.j2): measure it only there.
    footer_shows_title = options.format == "handout" and not paper.small and not options.print.large_print
    context = {
        "guide": guide,
        "brand": brand_context(brand, language),
        "doc": {
            "format": options.format,
            "lang": language,
            "dir": direction(language),
            "script": maximize(language).script,
            "cjk": is_cjk(language),
            "fonts": font_list(language),
            "fallback_fonts": {tag: font_list(tag) for tag in other_languages},
            "also": [{"tag": tag, "name": native_name(tag), "dir": direction(tag)} for tag in also],
            "font_faces": [],
            "paper": paper.css,
            "small_page": paper.small,
            "large_print": options.print.large_print,
            "bleed_mm": options.print.bleed_mm,
            "marks": options.print.marks,
            "columns": columns,
            "title": title,
            "running_title": footer_title(running_title(title), str(ui("Revised {date}", date=revision)),
                                          str(ui("Page {page} of {pages}", page=widest, pages=widest)),
                                          font_stack(language), paper.points[0]) if footer_shows_title else "",
            "description": plain_text(guide.summary, params),
            "created": document_timestamp(guide.revision),
            "generator": f"guidegen {__version__}",
            "revision": revision,
            "counter_style": numerals(language).counter_style,  # page and step numbers in the language's digits
            "font_size": font_size_pt,
            "record": record if font_size_pt else None,
            "duplex_pad": duplex_pad,
        },
        "md": lambda text: render_inline(text, params, keep_words=maximize(language).script == "Kore",
                                         links=guide.links, parentheses="（）" if is_cjk(language) else "()"),
        "heading": lambda text: render_inline(no_lone_last_word(text), params,
                                              keep_words=maximize(language).script == "Kore", links=guide.links,
                                              parentheses="（）" if is_cjk(language) else "()", heading=True),
        "qr": lambda name: _qr(guide.links, name, resources),
        "readable_url": readable_url,
        "plain": lambda text: plain_text(text, params),
        "asset_url": lambda name: _asset_url(assets, name),
        "_": ui,
        "css_content": css_content,
        "css_string": css_string,
        "number": lambda n: number_text(n, language),
    }
    html = _render(templates, files, options.format, context)
    faces = []
    characters = printed_characters(html)
    symbols = needs_symbol_fonts(characters, (language, *other_languages))
    if subset_fonts:
        families = list(dict.fromkeys(f for tag in [language, *other_languages] for f in font_stack(tag)))
        faces = subset_faces(families, characters)
    if faces or symbols:
        subset = frozenset(face.family.removesuffix(SUFFIX) for face in faces)
        context["doc"].update(fonts=font_list(language, subset, symbols), font_faces=faces,
                              fallback_fonts={tag: font_list(tag, subset, symbols) for tag in other_languages})
        html = _render(templates, files, options.format, context)
    printed = [(m.context, fill(m.source, params), getattr(m.source, "language", language))
               for m in messages if prints_message(options.format, m)]
    printed += [(f"template string '{msgid}'", text, language) for msgid, text in ui.used.items()]
    printed += [(f"language name '{entry['tag']}'", entry["name"], entry["tag"]) for entry in context["doc"]["also"]]
    printed += [(f"brand {key}", str(value), language) for key, value in (context["brand"] or {}).items()
                if key in ("name", "contact", "logo_alt") and value]
    resources.update({face.url: face.data for face in faces})
    return RenderedHtml(html, title, list(ui.missing), printed, resources)


def prints_message(format_: str, message: Message) -> bool:
    """Whether a document of ``format_`` prints the guide string ``message``: a checklist its checklist's,
    a handout all others."""
    return (message.path[0] == "checklist") == (format_ == "checklist")


def _qr(links: Mapping[str, str], name: str, resources: dict[str, bytes]) -> str:
    """The URL of the QR code of official link ``name`` (validated when the guide was loaded)."""
    url, data = qr_resource(links[name])
    resources[url] = data
    return url


def _render(templates: Templates, files: TemplateFiles, format_: str, context: dict[str, object]) -> str:
    try:
        return templates.env_for(files).get_template(f"{format_}.html.j2").render(context)
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise GuidegenError(f"template {where}{format_}.html.j2: {error}") from None
