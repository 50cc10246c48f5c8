"""Applying a translation catalog to a guide, recording every fallback."""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.messages.catalog import Catalog

from generator.content.messages import Message, map_messages
from generator.content.model import Guide
from generator.content.textnorm import normalize_text
from generator.i18n.usability import Unusable, why_unusable


class SourceText(str):
    """A string left in the source language inside a translated guide.

    It keeps its language so the templates can mark it (``lang``, ``dir``) and
    set it in that language's fonts instead of printing boxes.
    """

    language: str

    def __new__(cls, text: str, language: str) -> "SourceText":
        instance = super().__new__(cls, text)
        instance.language = language
        return instance


@dataclass(frozen=True)
class Fallback:
    """A string printed in the source language because its translation was not usable."""

    context: str
    reason: Unusable
    critical: bool


@dataclass
class LocalizedGuide:
    guide: Guide  # strings in the target language; placeholders not yet filled
    language: str
    fallbacks: list[Fallback] = field(default_factory=list)


def translation_of(message: Message, catalog: Catalog) -> tuple[str | None, Unusable | None]:
    """The usable translation of a message, or None with the reason it is not usable."""
    entry = catalog.get(message.source, context=message.context)
    reason = why_unusable(message.source, entry)
    return (None, reason) if reason else (entry.string, None)


def localize(guide: Guide, language: str, catalog: Catalog | None) -> LocalizedGuide:
    """The guide in ``language``; ``catalog`` None means the source language itself."""
    result = LocalizedGuide(guide, language)
    if catalog is None:
        return result

    def translate(message: Message) -> str:
        text, reason = translation_of(message, catalog)
        if reason is not None or text is None:
            result.fallbacks.append(Fallback(message.context, reason or Unusable.MISSING, message.critical))
            return SourceText(message.source, guide.source_language)
        return normalize_text(text)

    result.guide = map_messages(guide, translate)
    return result
