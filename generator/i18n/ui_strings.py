"""Template strings ("Page 2 of 3", "Revised on …"): their catalogs and lookup.

Template strings are written in English in the templates (``_("Warning")``) and
translated in catalogs named ``<tag>.po`` (see ``Templates.catalog_dirs``). Every string looked up without a
usable translation is recorded, so the build can report it like a content fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog

from generator.i18n.catalogs import read_catalog
from generator.content.languages import match_language
from generator.content.params import fill
from generator.content.phones import Regions, phone_regions
from generator.i18n.usability import why_unusable

if TYPE_CHECKING:
    from generator.content.snapshot import TemplateFiles

UI_SOURCE_LANGUAGE = "en"


@dataclass
class UiStrings:
    """Template strings of one language; ``catalog`` None means English, the source."""

    catalog: Catalog | None
    regions: Regions = ()  # whose national phone formats count as numbers (phones.phone_regions)
    missing: list[str] = field(default_factory=list)
    used: dict[str, str] = field(default_factory=dict)  # msgid → the text as printed

    def __call__(self, msgid: str, **values: object) -> str:
        text = fill(self.translate(msgid), {k: str(v) for k, v in values.items()})
        self.used[msgid if not values else f"{msgid} ({', '.join(map(str, values.values()))})"] = text
        return text

    def translate(self, msgid: str) -> str:
        if self.catalog is None:
            return msgid
        entry = self.catalog.get(msgid)
        if why_unusable(msgid, entry, self.regions) is not None:
            if msgid not in self.missing:
                self.missing.append(msgid)
            return msgid
        assert entry is not None
        return str(entry.string)


def ui_catalog_paths(catalog_dirs: list[Path]) -> dict[str, Path]:
    """Template-string catalogs by language; earlier folders override later ones."""
    paths: dict[str, Path] = {}
    for folder in reversed(catalog_dirs):
        for po in sorted(folder.glob("*.po")):
            paths[po.stem] = po
    return paths


def load_ui_strings(language: str, catalog_dirs: list[Path], files: TemplateFiles | None = None) -> UiStrings:
    """The template strings for a language, matched by CLDR rules to the catalogs that exist.

    With ``files`` (a snapshot of the template folders) the catalogs are those bytes, not the disk's.
    """
    if match_language(language, [UI_SOURCE_LANGUAGE]) == UI_SOURCE_LANGUAGE:
        return UiStrings(None)
    if files is not None:
        catalogs = files.ui_catalogs()
        found = match_language(language, list(catalogs))
        if not found:
            return UiStrings(Catalog(locale=None))
        path, data = catalogs[found]
        return UiStrings(_parse_ui_catalog(path, found, data), phone_regions([found]))
    paths = ui_catalog_paths(catalog_dirs)
    found = match_language(language, list(paths))
    if not found:
        return UiStrings(Catalog(locale=None))
    return UiStrings(_read_ui_catalog(paths[found], found, paths[found].stat().st_mtime_ns), phone_regions([found]))


@lru_cache(maxsize=64)
def _read_ui_catalog(path: Path, language: str, mtime_ns: int) -> Catalog:
    """Template-string catalogs are shared by every document; the mtime key notices edits."""
    return read_catalog(path, language)


@lru_cache(maxsize=64)
def _parse_ui_catalog(path: Path, language: str, data: bytes) -> Catalog:
    """The same for a catalog's bytes from a snapshot: keyed by the bytes themselves."""
    return read_catalog(path, language, data)
