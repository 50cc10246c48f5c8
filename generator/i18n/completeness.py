"""How much of a guide, or of the template strings, a catalog translates (and how much is reviewed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from generator.content.messages import iter_messages
from generator.content.phones import guide_regions, phone_regions
from generator.i18n.catalogs import read_catalog, string_ids
from generator.i18n.library import GuideSource
from generator.i18n.reviewed import is_reviewed
from generator.i18n.usability import Unusable, why_unusable


@dataclass(frozen=True)
class Completeness:
    translated: int
    fuzzy: int
    untranslated: int
    reviewed: int = 0  # translated, with a review mark that matches source and translation

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def reviewed_percent(self) -> float:
        return 100.0 * self.reviewed / self.total if self.total else 100.0


def completeness(source: GuideSource, language: str, catalog: Catalog | None = None) -> Completeness:
    """How much of a guide is translated into a language (the source language is complete)."""
    messages = list(iter_messages(source.guide))
    catalog = catalog or source.catalog(language)
    if catalog is None:  # the source language needs no review
        return Completeness(len(messages), 0, 0, len(messages))
    return _count(((message.source, catalog.get(message.source, context=message.context)) for message in messages),
                  guide_regions(source.guide, language))


def _count(entries: Iterable[tuple[str, Message | None]], regions: Iterable[str]) -> Completeness:
    """Usable translations are translated; fuzzy ones fuzzy; missing or unusable ones untranslated."""
    counts: Counter[Unusable | None] = Counter()
    reviewed = 0
    for source, entry in entries:
        counts[why_unusable(source, entry, regions)] += 1
        reviewed += is_reviewed(entry)
    total = sum(counts.values())
    return Completeness(counts[None], counts[Unusable.FUZZY], total - counts[None] - counts[Unusable.FUZZY],
                        reviewed)


def ui_completeness(template_dirs: list[Path], path: Path, language: str) -> Completeness:
    """How much of the template strings a catalog translates."""
    from generator.i18n.workflow import ui_template

    catalog = read_catalog(path, language)
    return _count(((msgid, catalog.get(msgid)) for msgid in string_ids(ui_template(template_dirs))),
                  phone_regions([language]))
