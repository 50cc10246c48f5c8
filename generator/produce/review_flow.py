"""The review workflow: print the review sheet, record a signed-off review, refuse unreviewed documents.

1. ``guidegen i18n review --lang TAG`` prints the sheet (``review_sheet``): every
   string of the chosen guides and the template strings, source beside translation.
2. A reviewer ticks and signs it; staff record it with ``guidegen i18n reviewed``
   (``record_review``): a ``# reviewed:`` mark on each entry (see ``i18n.reviewed``).
3. ``build --require-reviewed`` refuses documents whose safety-relevant strings
   carry no valid mark (``unreviewed_documents``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from generator.produce.outputs import write_atomic
from generator.errors import GuidegenError, display_path
from generator.content.phones import phone_regions
from generator.i18n.catalogs import catalog_bytes, keep_untouched, read_catalog
from generator.i18n.library import GuideSource, Library
from generator.i18n.review_rows import ReviewSection, guide_rows, template_rows, unreviewed_safety
from generator.i18n.reviewed import set_mark
from generator.i18n.ui_strings import ui_catalog_paths
from generator.i18n.usability import why_unusable
from generator.i18n.workflow import split_previous, ui_template
from generator.render.templates import Templates

TEMPLATE_SECTION = "Template strings (headings, labels and footers of every document)"


def _guides(library: Library, guides: Iterable[str], language: str) -> list[GuideSource]:
    """The guides asked for (all when none) that have a catalog of ``language``."""
    chosen = [library.get(name) for name in guides] or list(library.guides.values())
    found = [source for source in chosen if language in source.catalog_paths
             and language != source.guide.source_language]
    if not found:
        sources = [s.id for s in chosen if s.guide.source_language == language]
        if sources:
            raise GuidegenError(f"'{language}' is the source language of {', '.join(sources)}: "
                                "there is no translation to review")
        raise GuidegenError(f"no catalog of '{language}' in {', '.join(s.id for s in chosen) or 'this library'}")
    return found


def review_sections(library: Library, templates: Templates, language: str,
                    guides: Iterable[str] = ()) -> list[ReviewSection]:
    """What the sheet of ``language`` shows: each guide's strings, then the template strings (when the
    language has a template-string catalog)."""
    sections = [ReviewSection(f"Guide {source.id}", source.catalog_paths[language], source.guide.source_language,
                              guide_rows(source, language)) for source in _guides(library, guides, language)]
    ui_path = ui_catalog_paths(templates.catalog_dirs).get(language)
    if ui_path is not None:
        rows = template_rows(ui_template(templates.dirs), read_catalog(ui_path, language), phone_regions([language]))
        sections.append(ReviewSection(TEMPLATE_SECTION, ui_path, "en", rows))
    return sections


def write_review_sheet(library: Library, templates: Templates, language: str, guides: Iterable[str],
                       output: Path, paper: str) -> tuple[Path, list[ReviewSection]]:
    """Render the review sheet of ``language`` to ``output/review-<language>.pdf`` (atomically)."""
    from generator.produce.builder import check_glyphs, check_on_page
    from generator.render.pdf import Renderer
    from generator.render.review_sheet import review_html

    sections = review_sections(library, templates, language, guides)
    files = templates.read()
    revision = max(source.guide.revision for source in _guides(library, guides, language))
    rendered = review_html(sections, language, templates, files, paper=paper, revision=revision)
    check_glyphs(rendered)  # type: ignore[arg-type]
    renderer = Renderer(templates.dirs)
    layout = renderer.layout(rendered.html, [], rendered.resources, files)
    check_on_page(layout, rendered.printed)
    path = output / f"review-{language}.pdf"
    write_atomic(path, renderer.write(layout))
    return path, sections


@dataclass
class Recorded:
    """What ``record_review`` did, per catalog."""

    marked: dict[Path, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # "<catalog>:<line>: <id>: <why>" of strings not marked
    notes: list[str] = field(default_factory=list)


def record_review(library: Library, templates: Templates, language: str, guides: Iterable[str], *,
                  ids: Collection[str], all_strings: bool, excepted: Collection[str], reviewer: str,
                  day: dt.date) -> Recorded:
    """Mark the chosen strings of the sheet of ``language`` as reviewed by ``reviewer`` on ``day``.

    Only strings with a printable translation can be marked (an untranslated or
    fuzzy one is listed in ``skipped``). Unknown ids are an error and nothing is
    written. Template strings are marked only in a catalog this project owns
    (``--templates`` folder or the content folder), never in guidegen's own.
    """
    if not reviewer.strip():
        raise GuidegenError("--by: give the reviewer's name as it is signed on the sheet")
    sections = review_sections(library, templates, language, guides)
    known = {row.context for section in sections for row in section.rows}
    unknown = sorted((set(ids) | set(excepted)) - known)
    if unknown:
        raise GuidegenError(f"not on the review sheet of '{language}': {', '.join(unknown)}")
    chosen = (known - set(excepted)) if all_strings else set(ids)
    writable = templates.writable_catalog_dir.resolve()
    result = Recorded()
    plans: list[tuple[Path, Catalog]] = []
    for section in sections:
        wanted = [row for row in section.rows if row.context in chosen]
        if not wanted:
            continue
        if section.title == TEMPLATE_SECTION and section.catalog.resolve().parent != writable:
            message = (f"template strings not recorded: {display_path(section.catalog)} is guidegen's own catalog; "
                       "record them in the catalog folder that holds it (--templates DIR)")
            if not all_strings:
                raise GuidegenError(message)
            result.notes.append(message)
            continue
        catalog = read_catalog(section.catalog, language, keep_obsolete=True)
        count = 0
        for row in wanted:
            entry = catalog.get(row.source, context=None if section.title == TEMPLATE_SECTION else row.context)
            # row.state: the rule with the regions of the row's guide and language (a national phone number)
            if entry is None or row.state != "translated" or why_unusable(row.source, entry) is not None:
                result.skipped.append(f"{display_path(section.catalog)}:{row.line}: {row.context}: {row.state}")
                continue
            set_mark(entry, reviewer, day)
            count += 1
        if count:
            plans.append((section.catalog, catalog))
            result.marked[section.catalog] = count
    for path, catalog in plans:  # only after every catalog was read and every id known
        _write_catalog(path, catalog)
    return result


def _write_catalog(path: Path, catalog: Catalog) -> None:
    """Write a catalog back; entries that did not change keep their exact bytes."""
    for entry in [*catalog, *catalog.obsolete.values()]:
        entry.user_comments, previous = split_previous(entry.user_comments)  # Babel reads '#|' as a comment
        if previous:
            entry.previous_id = previous
    before = path.read_text(encoding="utf-8")
    write_atomic(path, keep_untouched(before, catalog_bytes(catalog).decode("utf-8")).encode("utf-8"))


def unreviewed_documents(library: Library, wanted: Iterable[tuple[str, str, str]]) -> list[str]:
    """For each (guide, language, format) whose safety-relevant strings are not all reviewed, one line
    naming them; empty when every document may be built."""
    lines = []
    for guide, language, format_ in dict.fromkeys(wanted):
        source = library.get(guide)
        missing = unreviewed_safety(source, language, format_)
        if missing:
            lines.append(f"{guide} {language} {format_}: {len(missing)} safety-relevant string(s) not reviewed "
                         f"in {display_path(source.catalog_paths[language])}: {', '.join(missing)}")
    return lines
