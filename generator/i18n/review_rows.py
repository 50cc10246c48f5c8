"""What a reviewer checks: every string of a guide (and the template strings) beside its translation.

One ``ReviewRow`` per string, in document order: its id, where it prints, the
source, the translation and its state, the previous source of a fuzzy entry,
whether it is safety-relevant, and whether a review of exactly this source and
translation is recorded (``reviewed``). The review sheet, ``i18n reviewed``,
``i18n status`` and ``build --require-reviewed`` all read these rows.

Safety-relevant is ``Message.critical``: every string of the checklist and of a
``warning`` callout (title and text). A wrong translation there tells a reader to
skip a step or misses a danger; tips and notes are not safety-relevant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from generator.content.messages import iter_messages
from generator.content.phones import Regions, guide_regions
from generator.i18n.library import GuideSource
from generator.i18n.reviewed import ReviewMark, review_mark
from generator.i18n.usability import INVALID, Unusable, what_is_wrong, why_unusable
from generator.i18n.workflow import split_previous

EVERY_DOCUMENT = "every document"
DESK = "desk page"


@dataclass(frozen=True)
class ReviewRow:
    context: str  # the string's id (msgctxt); for a template string its English text
    where: str  # handout, checklist, both, every document, desk page
    source: str
    translation: str  # "" when there is none
    state: str  # translated, fuzzy, untranslated, or "invalid: …"
    safety: bool
    line: int = 0  # of the entry in its catalog (0: not in it)
    previous: str = ""  # a fuzzy entry's earlier source
    mark: ReviewMark | None = None

    @property
    def reviewed(self) -> bool:
        return self.mark is not None


@dataclass(frozen=True)
class ReviewSection:
    """The rows of one catalog: a guide's, or the template strings'."""

    title: str
    catalog: Path
    source_language: str
    rows: list[ReviewRow]

    @property
    def reviewed(self) -> int:
        return sum(row.reviewed for row in self.rows)


def _state(source: str, reason: Unusable | None, translation: str, regions: Regions) -> str:
    if reason is None:
        return "translated"
    if reason in INVALID:
        return f"invalid: translation {what_is_wrong(source, translation, regions)}"
    return "fuzzy" if reason is Unusable.FUZZY else "untranslated"


def _row(catalog: Catalog, source: str, context: str | None, shown: str, where: str, safety: bool,
         regions: Regions) -> ReviewRow:
    entry = catalog.get(source, context=context)
    translation = str(entry.string) if entry is not None and isinstance(entry.string, str) else ""
    reason = why_unusable(source, entry, regions)
    previous = " ".join(split_previous(entry.user_comments)[1]) if entry is not None else ""
    if entry is not None and not previous and entry.previous_id:
        previous = " ".join([entry.previous_id] if isinstance(entry.previous_id, str) else entry.previous_id)
    return ReviewRow(shown, where, source, translation, _state(source, reason, translation, regions), safety,
                     (entry.lineno or 0) if entry is not None else 0,
                     previous if reason is Unusable.FUZZY else "", review_mark(entry))


def guide_rows(source: GuideSource, language: str) -> list[ReviewRow]:
    """Every string of a guide in ``language`` (a translation, not the source language)."""
    catalog = source.catalog(language)
    assert catalog is not None, "the source language has nothing to review"
    regions = guide_regions(source.guide, language)
    return [_row(catalog, m.source, m.context, m.context, "checklist" if m.path[0] == "checklist" else "handout",
                 m.critical, regions) for m in iter_messages(source.guide)]


def where_template_string(files: Iterable[str]) -> str:
    """Where a template string prints, from the templates that use it."""
    names = set(files)
    if "base.html.j2" in names:
        return EVERY_DOCUMENT
    places = [place for place, name in (("handout", "handout.html.j2"), ("checklist", "checklist.html.j2"))
              if name in names]
    if len(places) == 2:
        return "both"
    if places:
        return places[0]
    return DESK


def template_rows(template: Catalog, catalog: Catalog, regions: Regions = ()) -> list[ReviewRow]:
    """Every template string (``template`` is their ``.pot``) in ``catalog``'s language (its ``regions``)."""
    return [_row(catalog, str(m.id), None, str(m.id), where_template_string(name for name, _ in m.locations), False,
                 regions) for m in template if m.id]


def unreviewed_safety(source: GuideSource, language: str, format_: str) -> list[str]:
    """The ids of the safety-relevant strings a document of ``format_`` prints that no review covers."""
    if language == source.guide.source_language:
        return []
    return [row.context for row in guide_rows(source, language)
            if row.safety and not row.reviewed and (row.where == format_ or row.where == "both")]
