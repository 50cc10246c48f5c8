"""Whether a translation can be printed: the one rule, used by rendering, ``i18n status`` and ``check``.

A translation that cannot be printed is replaced by its source text when a
document is made; the reason is recorded so the build and the checks can say
why. Guide strings and template strings follow the same rule.
"""

from __future__ import annotations

import unicodedata
from enum import Enum

from babel.messages.catalog import Message

from generator.content.links import addresses, link_targets
from generator.content.model import MAX_TEXT
from generator.content.params import placeholders

_UNPRINTABLE = ("Cc", "Cs", "Co", "Cn")


class Unusable(str, Enum):
    """Why a catalog entry is not printed (the source text is, instead)."""

    MISSING = "missing"
    FUZZY = "fuzzy"
    PLACEHOLDERS = "placeholders differ"
    LINKS = "links or addresses differ from the source"
    UNPRINTABLE = "unprintable or too long"

    def __str__(self) -> str:
        return self.value


def why_unusable(source: str, entry: Message | None) -> Unusable | None:
    """None when ``entry`` translates ``source`` in a printable way, else the reason it does not."""
    if entry is None or not entry.string or not isinstance(entry.string, str):
        return Unusable.MISSING
    if entry.fuzzy:
        return Unusable.FUZZY
    text = entry.string
    if placeholders(text) != placeholders(source):
        return Unusable.PLACEHOLDERS
    if sorted(link_targets(text)) != sorted(link_targets(source)) or set(addresses(text)) - set(addresses(source)):
        return Unusable.LINKS
    if len(text) > MAX_TEXT or any(unicodedata.category(c) in _UNPRINTABLE for c in text if c not in "\t\n"):
        return Unusable.UNPRINTABLE
    return None
