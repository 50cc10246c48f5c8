"""Applying a translation catalog to a guide, recording every fallback."""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.messages.catalog import Catalog

from generator.content.messages import Message, map_messages
from generator.content.model import Guide
from generator.content.phones import guide_regions
from generator.content.textnorm import normalize_text
from generator.i18n.usability import INVALID, Unusable, what_is_wrong, why_unusable


class SourceText(str):
    """A string left in the source language inside a translated guide.

    It keeps its language so the templates can mark it (``lang``, ``dir``) and
    set it in that language's fonts instead of printing boxes.
    """

    language: str

    def __new__(cls, text: str, language: str) -> SourceText:
        instance = super().__new__(cls, text)
        instance.language = language
        return instance


@dataclass(frozen=True)
class Fallback:
    """A string printed in the source language because its translation was not usable."""

    context: str
    reason: Unusable
    critical: bool
    line: int = 0  # of the catalog entry, when there is one
    detail: str = ""  # what is wrong with an invalid translation


@dataclass
class LocalizedGuide:
    guide: Guide  # strings in the target language; placeholders not yet filled
    language: str
    fallbacks: list[Fallback] = field(default_factory=list)


def localize(guide: Guide, language: str, catalog: Catalog | None) -> LocalizedGuide:
    """The guide in ``language``; ``catalog`` None means the source language itself."""
    result = LocalizedGuide(guide, language)
    if catalog is None:
        return result
    regions = guide_regions(guide, language)

    def translate(message: Message) -> str:
        entry = catalog.get(message.source, context=message.context)
        reason = why_unusable(message.source, entry, regions)
        if reason is None and entry is not None:
            return normalize_text(str(entry.string))
        detail = what_is_wrong(message.source, str(entry.string), regions) if reason in INVALID and entry else ""
        result.fallbacks.append(Fallback(message.context, reason or Unusable.MISSING, message.critical,
                                         (entry.lineno or 0) if entry else 0, detail))
        return SourceText(message.source, guide.source_language)

    result.guide = map_messages(guide, translate)
    return result
