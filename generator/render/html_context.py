"""What a document's template is given: the facts of one guide × language × format, and the context built from
them for a choice of fonts (a fresh dictionary each time: nothing is changed between two renders)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from generator import __version__
from generator.content.assets import AssetProblem
from generator.content.languages import babel_locale, direction, maximize, native_name
from generator.content.links import readable_url
from generator.content.messages import Message, iter_messages
from generator.content.numerals import localize_digits, numerals
from generator.content.snapshot import Folder
from generator.errors import GuidegenError
from generator.fonts.stacks import font_stack, is_cjk
from generator.i18n.localize import LocalizedGuide
from generator.i18n.ui_strings import UiStrings
from generator.render.brand import LoadedBrand, brand_context
from generator.render.css_values import css_content, css_string, font_list, running_title
from generator.render.footer import footer_title
from generator.render.formats import PAPER_TABLE, PrintOptions
from generator.render.inline import no_lone_last_word, plain_text, render_inline
from generator.render.record import RecordLines

_CJK_NUMERALS = "〇一二三四五六七八九十"


@dataclass(frozen=True)
class DocumentFacts:
    """What one document is, worked out once: its guide and language, the languages it also prints (strings
    that fell back to another language, the "Also available in" names), its strings and its title."""

    localized: LocalizedGuide
    format: str
    params: Mapping[str, str]
    messages: tuple[Message, ...]
    other_languages: tuple[str, ...]  # printed in their own fonts
    also: tuple[str, ...]  # the languages a handout names on its last page
    title: str

    @property
    def language(self) -> str:
        return self.localized.language

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the document prints, its own first."""
        return (self.language, *self.other_languages)


@dataclass(frozen=True)
class FontChoice:
    """The fonts of a render: the CSS family lists, and the subset faces they name (``subsetting``)."""

    fonts: Markup
    fallback_fonts: dict[str, Markup]
    font_faces: tuple[object, ...] = ()

    @classmethod
    def plain(cls, facts: DocumentFacts) -> FontChoice:
        """The languages' own families, no subsets, no symbol fonts: the first render's."""
        return cls(font_list(facts.language), {tag: font_list(tag) for tag in facts.other_languages})


def document_facts(localized: LocalizedGuide, format_: str, params: Mapping[str, str],
                   also_available: tuple[str, ...]) -> DocumentFacts:
    guide, language = localized.guide, localized.language
    params = {**guide.params, **params}
    messages = tuple(iter_messages(guide))
    fallback_languages = {getattr(m.source, "language", language) for m in messages} - {language}
    also = tuple(tag for tag in also_available if tag != language) if format_ == "handout" else ()
    title = plain_text(guide.title if format_ == "handout" else guide.checklist.title, params)
    return DocumentFacts(localized, format_, params, messages, tuple(sorted(fallback_languages | set(also))), also,
                         title)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How this render looks beyond the facts: paper and print options, the checklist's type size, columns and
    record, the template strings, the brand, the images, a blank page for duplex."""

    print: PrintOptions
    ui: UiStrings
    font_size_pt: float | None = None
    columns: int = 1
    record: RecordLines | None = None
    duplex_pad: bool = False
    brand: LoadedBrand | None = None
    assets: Folder | None = None


def document_context(facts: DocumentFacts, settings: Settings, fonts: FontChoice,
                     qr: Callable[[str], str]) -> dict[str, object]:
    """The template context (a new one each call); ``qr`` gives the URL of an official link's QR code."""
    guide, language, params, ui = facts.localized.guide, facts.language, facts.params, settings.ui
    options = settings.print
    locale = babel_locale(language)
    revision = localize_digits(format_date(guide.revision, format="long", locale=locale), language)
    paper = PAPER_TABLE[options.page]
    widest = localize_digits("8", language)  # handouts have fewer than ten pages
    # Only a handout on a full-size page prints its title in the footer (base.html.j2): measure it only there.
    footer_shows_title = facts.format == "handout" and not paper.small and not options.large_print
    korean = maximize(language).script == "Kore"
    parentheses = "（）" if is_cjk(language) else "()"
    return {
        "guide": guide,
        "brand": brand_context(settings.brand, language),
        "doc": {
            "format": facts.format,
            "lang": language,
            "dir": direction(language),
            "script": maximize(language).script,
            "cjk": is_cjk(language),
            "fonts": fonts.fonts,
            "fallback_fonts": fonts.fallback_fonts,
            "also": [{"tag": tag, "name": native_name(tag), "dir": direction(tag)} for tag in facts.also],
            "font_faces": list(fonts.font_faces),
            "paper": paper.css,
            "small_page": paper.small,
            "large_print": options.large_print,
            "bleed_mm": options.bleed_mm,
            "marks": options.marks,
            "columns": settings.columns,
            "title": facts.title,
            "running_title": footer_title(running_title(facts.title), str(ui("Revised {date}", date=revision)),
                                          str(ui("Page {page} of {pages}", page=widest, pages=widest)),
                                          font_stack(language), paper.points[0]) if footer_shows_title else "",
            "description": plain_text(guide.summary, params),
            "created": document_timestamp(guide.revision),
            "generator": f"guidegen {__version__}",
            "revision": revision,
            "counter_style": numerals(language).counter_style,  # page and step numbers in the language's digits
            "font_size": settings.font_size_pt,
            "record": settings.record if settings.font_size_pt else None,
            "duplex_pad": settings.duplex_pad,
        },
        "md": lambda text: render_inline(text, params, keep_words=korean, links=guide.links, parentheses=parentheses),
        "heading": lambda text: render_inline(no_lone_last_word(text), params, keep_words=korean, links=guide.links,
                                              parentheses=parentheses, heading=True),
        "qr": qr,
        "readable_url": readable_url,
        "plain": lambda text: plain_text(text, params),
        "asset_url": lambda name: _asset_url(settings.assets, name),
        "_": ui,
        "css_content": css_content,
        "css_string": css_string,
        "number": lambda n: number_text(n, language),
    }


def number_text(number: int, language: str) -> str:
    """A small ordinal number as the language writes it in running text (一, 二 in Chinese, ۲ in Persian)."""
    if maximize(language).script in ("Hans", "Hant") and 0 <= number <= 10:
        return _CJK_NUMERALS[number]
    return localize_digits(format_decimal(number, locale=babel_locale(language)), language)


def document_timestamp(revision: dt.date) -> str:
    """Creation date for the PDF: SOURCE_DATE_EPOCH when set, else the guide's revision date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    else:
        moment = dt.datetime.combine(revision, dt.time(), tzinfo=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _asset_url(assets: Folder | None, name: str) -> str:
    if assets is None:
        raise GuidegenError(f"image '{name}': this document has no assets folder")
    try:
        return assets.path(name).as_uri()
    except AssetProblem as problem:
        raise GuidegenError(f"image '{name}' {problem}") from None
