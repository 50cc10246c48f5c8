"""Applying a translation catalog to a guide, recording every fallback."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog

from generator.links import addresses, link_targets
from generator.messages import Message, map_messages
from generator.model import MAX_TEXT
from generator.model import Guide
from generator.params import placeholders
from generator.textnorm import normalize_text


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
    reason: str  # "missing", "fuzzy", "placeholders differ", …
    critical: bool


@dataclass
class LocalizedGuide:
    guide: Guide  # strings in the target language; placeholders not yet filled
    language: str
    fallbacks: list[Fallback] = field(default_factory=list)


def translation_of(message: Message, catalog: Catalog) -> tuple[str | None, str]:
    """The usable translation of a message, or None with the reason it is not usable."""
    entry = catalog.get(message.source, context=message.context)
    if entry is None or not entry.string:
        return None, "missing"
    if entry.fuzzy:
        return None, "fuzzy"
    if not isinstance(entry.string, str):
        return None, "missing"
    if placeholders(entry.string) != placeholders(message.source):
        return None, "placeholders differ"
    if sorted(link_targets(entry.string)) != sorted(link_targets(message.source)) or (
            set(addresses(entry.string)) - set(addresses(message.source))):
        return None, "links or addresses differ from the source"
    if len(entry.string) > MAX_TEXT or any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn")
                                           for c in entry.string if c not in "\t\n"):
        return None, "unprintable or too long"
    return entry.string, ""


def localize(guide: Guide, language: str, catalog: Catalog | None) -> LocalizedGuide:
    """The guide in ``language``; ``catalog`` None means the source language itself."""
    result = LocalizedGuide(guide, language)
    if catalog is None:
        return result

    def translate(message: Message) -> str:
        text, reason = translation_of(message, catalog)
        if text is None:
            result.fallbacks.append(Fallback(message.context, reason, message.critical))
            return SourceText(message.source, guide.source_language)
        return normalize_text(text)

    result.guide = map_messages(guide, translate)
    return result
