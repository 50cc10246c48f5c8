"""The reviewed mark: a translator comment that records who checked a translation against its source.

::

    # reviewed: 2026-11-30, source 3f9a1c2e, translation 7b04d5aa, Nadia Haddad
    msgctxt "cancel.no-links.text"
    msgid "…"
    msgstr "…"

A translator comment (``# …``) because every gettext tool keeps it where it
stands: ``msgmerge``, Babel's ``update``, Poedit, Lokalize and Weblate carry
translator comments over untouched, while flags (``#,``) outside the known
``fuzzy``/``*-format`` set are dropped by some of them, and a flag cannot carry
data. The two short hashes tie the mark to the exact source and translation
that were read: when either changes (a new ``msgid`` from ``i18n update``, a
translator editing the ``msgstr``) the mark no longer matches and the string
counts as unreviewed; ``i18n update`` then drops the stale mark.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from babel.messages.catalog import Message

from generator.i18n.usability import why_unusable

PREFIX = "reviewed:"
_MARK = re.compile(
    r"^reviewed:\s*(\d{4}-\d{2}-\d{2}),\s*source ([0-9a-f]{8}),\s*translation ([0-9a-f]{8})(?:,\s*(.*))?$"
)


def short_hash(text: str) -> str:
    """Eight hex digits of SHA-256: enough to notice an edit, short enough to read."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class ReviewMark:
    date: dt.date
    source_hash: str
    translation_hash: str
    reviewer: str = ""

    def __str__(self) -> str:
        text = f"{PREFIX} {self.date.isoformat()}, source {self.source_hash}, translation {self.translation_hash}"
        return f"{text}, {self.reviewer}" if self.reviewer else text

    def matches(self, source: str, translation: str) -> bool:
        return self.source_hash == short_hash(source) and self.translation_hash == short_hash(translation)


def parse_mark(comment: str) -> ReviewMark | None:
    """The mark in a translator comment (Babel's ``user_comments``), or None."""
    found = _MARK.match(comment.strip())
    if not found:
        return None
    try:
        day = dt.date.fromisoformat(found.group(1))
    except ValueError:
        return None
    return ReviewMark(day, found.group(2), found.group(3), (found.group(4) or "").strip())


def review_mark(entry: Message | None) -> ReviewMark | None:
    """The entry's mark if it still holds: it matches the current source and translation, and the
    translation is printable (not fuzzy, not missing, not invalid)."""
    if entry is None or not isinstance(entry.id, str) or why_unusable(entry.id, entry) is not None:
        return None
    for comment in entry.user_comments:
        mark = parse_mark(comment)
        if mark is not None and mark.matches(entry.id, str(entry.string)):
            return mark
    return None


def is_reviewed(entry: Message | None) -> bool:
    return review_mark(entry) is not None


def without_stale_marks(entry: Message) -> list[str]:
    """The entry's translator comments with every mark that no longer holds left out."""
    kept = review_mark(entry)
    return [c for c in entry.user_comments if parse_mark(c) is None or parse_mark(c) == kept]


def set_mark(entry: Message, reviewer: str, day: dt.date) -> None:
    """Record a review of the entry as it is now (replacing any earlier mark)."""
    mark = ReviewMark(day, short_hash(str(entry.id)), short_hash(str(entry.string)), " ".join(reviewer.split()))
    entry.user_comments = [c for c in entry.user_comments if parse_mark(c) is None] + [str(mark)]
