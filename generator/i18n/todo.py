"""The translator's to-do list: every entry of a catalog that will not print as a translation, and why.

One line per entry, as compilers and editors understand it: ``file:line: id: source``,
followed by what is to be done (translate, review a fuzzy entry against the old
source, fix an invalid one). The same rule decides as everywhere else
(``usability.why_unusable``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from generator.errors import display_path
from generator.i18n.usability import Unusable, why_unusable
from generator.i18n.workflow import split_previous


@dataclass(frozen=True)
class Todo:
    path: Path
    line: int  # 0: the string is not in the catalog yet
    context: str  # the string's id (for template strings: the text itself)
    source: str
    reason: Unusable
    previous: str = ""  # a fuzzy entry's earlier source text

    def __str__(self) -> str:
        where = f"{display_path(self.path)}:{self.line}" if self.line else display_path(self.path)
        what = {
            Unusable.MISSING: "untranslated" if self.line else "not in the catalog yet (run 'guidegen i18n update')",
            Unusable.FUZZY: "fuzzy: check the translation against the new source"
                            + (f" (it was: {self.previous})" if self.previous else ""),
        }.get(self.reason, f"invalid: {self.reason}")
        return f"{where}: {self.context}: {self.source}  [{what}]"


def catalog_todos(path: Path, catalog: Catalog, wanted: Iterable[tuple[str, str | None]],
                  regions: Iterable[str] = ()) -> list[Todo]:
    """What is left to do in ``catalog`` for the ``(source, context)`` strings it should translate
    (``regions``: whose national phone formats count, ``phones.phone_regions``)."""
    regions = tuple(regions)
    todos = []
    for source, context in wanted:
        entry = catalog.get(source, context=context)
        reason = why_unusable(source, entry, regions)
        if reason is None:
            continue
        previous = " ".join(split_previous(entry.user_comments)[1]) if entry is not None else ""
        line = (entry.lineno or 0) if entry is not None else 0
        todos.append(Todo(path, line, context or source, source, reason, previous))
    return todos
