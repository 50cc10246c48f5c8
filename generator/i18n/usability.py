"""Whether a translation can be printed: the one rule, used by rendering, ``i18n status`` and ``check``.

A translation that cannot be printed is replaced by its source text when a
document is made; the reason is recorded so the build and the checks can say
why. Guide strings and template strings follow the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from babel.messages.catalog import Message

from generator.content.codepoints import describe, refused_char
from generator.content.links import addresses, link_targets
from generator.content.model import MAX_TEXT
from generator.content.params import placeholders
from generator.content.phones import added_numbers


class Unusable(str, Enum):
    """Why a catalog entry is not printed (the source text is, instead)."""

    MISSING = "missing"
    FUZZY = "fuzzy"
    PLACEHOLDERS = "placeholders differ"
    LINKS = "links, addresses or phone numbers differ from the source"
    UNPRINTABLE = "unprintable or too long"

    def __str__(self) -> str:
        return self.value


# A translation that is there but wrong: an error to fix, not a gap to fill with the source text.
INVALID = frozenset({Unusable.PLACEHOLDERS, Unusable.LINKS, Unusable.UNPRINTABLE})


def why_unusable(source: str, entry: Message | None, regions: Iterable[str] = ()) -> Unusable | None:
    """None when ``entry`` translates ``source`` in a printable way, else the reason it does not.

    ``regions``: whose national phone formats count as numbers (``phones.phone_regions`` of the catalog's
    language and the guide); numbers written with ``+`` count without them."""
    if entry is None or not entry.string or not isinstance(entry.string, str):
        return Unusable.MISSING
    if entry.fuzzy:
        return Unusable.FUZZY
    text = entry.string
    if placeholders(text) != placeholders(source):
        return Unusable.PLACEHOLDERS
    if sorted(link_targets(text)) != sorted(link_targets(source)) or set(addresses(text)) - set(addresses(source)) \
            or added_numbers(text, source, regions):
        return Unusable.LINKS
    if len(text) > MAX_TEXT or _unprintable(text):
        return Unusable.UNPRINTABLE
    return None


def _unprintable(text: str) -> str | None:
    return refused_char(text, allowed="\t\n")


def what_is_wrong(source: str, text: str, regions: Iterable[str] = ()) -> str:
    """An invalid translation's fault in words: the placeholders, the code point, the length, the links,
    a phone number."""
    if placeholders(text) != placeholders(source):
        return (f"must use the placeholders {sorted(placeholders(source))}, not {sorted(placeholders(text))}")
    char = _unprintable(text)
    if char is not None:
        return f"contains {describe(char)}"
    if len(text) > MAX_TEXT:
        return f"is {len(text):,} characters; at most {MAX_TEXT:,} are allowed"
    added = added_numbers(text, source, regions)
    if added:
        return (f"adds the phone number '{added[0]}', which its source does not have; a phone number prints "
                "only from a parameter of the guide ({name})")
    return "must use the same links as the source and add no address"
