"""``guidegen card``: the language card of a library, built like a document.

Every language with at least one complete guide (``availability``), in the desk
home page's order, on one page; more than ``MAX_LANGUAGES`` or a layout that
runs past the page fails, saying by how much, and writes nothing. The card has
a cache key (code, template files, languages, paper, fonts, date) and a
manifest entry in the output folder like every document, so an unchanged card
is not laid out again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.produce.availability import card_languages
from generator.produce.cache import Fingerprints, Manifest, code_digest
from generator.produce.outputs import write_atomic
from generator.errors import GuidegenError
from generator.render.card_html import MAX_LANGUAGES
from generator.render.formats import PrintOptions

if TYPE_CHECKING:
    from generator.content.snapshot import TemplateFiles
    from generator.i18n.library import Library
    from generator.render.pdf import Renderer
    from generator.render.templates import Templates

CARD_NAME = "language-card"


@dataclass
class CardResult:
    path: Path
    languages: list[str]
    built: bool  # False: the card there was up to date
    pages: int = 1
    untranslated: list[str] = field(default_factory=list)  # languages whose line printed in English


def card_path(out_dir: Path, paper: str) -> Path:
    """``OUT/language-card.pdf``; other papers than A4 add ``-<paper>`` like documents do."""
    variant = PrintOptions(paper=paper).variant
    return out_dir.resolve() / f"{CARD_NAME}{'-' + variant if variant else ''}.pdf"


def card_plan(library: Library) -> list[str]:
    """The card's languages; an error when the library is broken, empty or holds more than one page."""
    if library.problems:
        raise GuidegenError("the library has errors; fix them first ('guidegen check'):\n"
                            + "\n".join(str(problem) for problem in library.problems))
    languages = card_languages(library)
    if not languages:
        raise GuidegenError(f"no language has a complete guide in {library.content_dir}; nothing to put on a card")
    if len(languages) > MAX_LANGUAGES:
        over = len(languages) - MAX_LANGUAGES
        raise GuidegenError(f"{len(languages)} languages have a complete guide, but the card holds at most "
                            f"{MAX_LANGUAGES} on one page: {over} language(s) too many")
    return languages


def build_card(library: Library, out_dir: Path, templates: Templates, *, paper: str = "a4", force: bool = False,
               renderer: Renderer | None = None, timeout: float = 120.0) -> CardResult:
    """Build the card into ``out_dir`` unless it is up to date; the result says which.

    ``timeout``: seconds its layout may take (``builder.time_limit``: the main thread only; 0: no limit)."""
    from generator.produce.builder import time_limit
    from generator.render.html_context import document_timestamp

    languages = card_plan(library)
    path = card_path(out_dir, paper)
    files = templates.read()
    revision = max(source.guide.revision for source in library.guides.values())
    created = document_timestamp(revision)
    keys = Fingerprints(library, templates, {})
    digest = hashlib.sha256(code_digest().encode())
    digest.update(files.digest.encode())
    digest.update(json.dumps(["card", languages, paper, created, os.environ.get("SOURCE_DATE_EPOCH", "")]).encode())
    for tag in ["en", *languages]:
        digest.update(keys.fonts_key(tag).encode())
    key = digest.hexdigest()
    manifest = Manifest(out_dir)
    if not force and manifest.fresh(path, key) is not None:
        return CardResult(path, languages, built=False)
    started = time.perf_counter()
    with time_limit(timeout, "language card"):
        data, pages, untranslated = _render(languages, templates, files, paper, created, renderer)
    written = write_atomic(path, data)
    manifest.record_file(path, key, {"size": written.st_size, "mtime_ns": written.st_mtime_ns}, pages=pages,
                         seconds=time.perf_counter() - started)
    manifest.save()
    return CardResult(path, languages, True, pages, untranslated)


def _render(languages: list[str], templates: Templates, files: TemplateFiles, paper: str, created: str,
            renderer: Renderer | None) -> tuple[bytes, int, list[str]]:
    from generator.produce.builder import check_glyphs, check_on_page
    from generator.render.card_html import render_card
    from generator.render.pdf import Renderer

    rendered = render_card(languages, templates, paper=paper, created=created, files=files)
    check_glyphs(rendered)
    renderer = renderer or Renderer(templates.dirs)
    layout = renderer.layout(rendered.html, [], rendered.resources, files)
    if layout.pages > 1:
        raise GuidegenError(f"the card of {len(languages)} languages does not fit on one {paper} page: "
                            f"{layout.overflow:.0%} of a page too much")
    check_on_page(layout, rendered.printed)
    return renderer.write(layout), layout.pages, rendered.ui_missing
