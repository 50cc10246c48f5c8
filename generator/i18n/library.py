"""A content folder: its guides, their source languages and translation catalogs.

Layout::

    <content>/<guide id>/guide.yaml
    <content>/<guide id>/locales/<language tag>.po
    <content>/<guide id>/assets/…            (images, optional)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel.messages.catalog import Catalog

from generator.content.assets import ASSETS_DIR
from generator.i18n.catalogs import read_catalog
from generator.content.loader import GUIDE_FILE, load_guide
from generator.errors import ContentError, GuidegenError, Problem, display_path
from generator.content.languages import is_valid_tag, match_language
from generator.i18n.localize import LocalizedGuide, localize
from generator.content.model import Guide
from generator.content.safe_yaml import LoadedYaml

LOCALES_DIR = "locales"


@dataclass
class GuideSource:
    """One guide folder: the validated source guide and where its catalogs live."""

    folder: Path
    guide: Guide
    loaded: LoadedYaml
    catalog_paths: dict[str, Path] = field(default_factory=dict)
    _catalogs: dict[str, Catalog] = field(default_factory=dict, init=False, repr=False)
    # Facts derived from this load of the guide and its catalogs (e.g. which languages are complete): a
    # library is loaded afresh when its files change, so these never outlive what they were derived from.
    derived: dict[tuple[str, str], object] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.guide.id

    @property
    def assets_dir(self) -> Path:
        """The folder its images come from (it may not exist when a guide has none)."""
        return self.folder / ASSETS_DIR

    @property
    def languages(self) -> list[str]:
        """Source language first, then the translations in tag order."""
        return [self.guide.source_language] + sorted(set(self.catalog_paths) - {self.guide.source_language})

    def catalog(self, language: str) -> Catalog | None:
        """The catalog of a translation, or None for the source language."""
        if language == self.guide.source_language:
            return None
        if language not in self._catalogs:  # read once: every format and check reuses it
            self._catalogs[language] = read_catalog(self.catalog_paths[language], language)
        return self._catalogs[language]

    def localized(self, language: str) -> LocalizedGuide:
        return localize(self.guide, language, self.catalog(language))

    def resolve_language(self, requested: str) -> str | None:
        return match_language(requested, self.languages)


@dataclass
class Library:
    content_dir: Path
    guides: dict[str, GuideSource]
    problems: list[Problem] = field(default_factory=list)  # of guides that failed to load
    broken: list[str] = field(default_factory=list)  # their folder names

    @cached_property
    def languages(self) -> list[str]:
        """Every language some guide is available in."""
        return sorted({lang for source in self.guides.values() for lang in source.languages})

    def get(self, guide_id: str) -> GuideSource:
        if guide_id not in self.guides:
            known = ", ".join(sorted(self.guides)) or "none"
            raise GuidegenError(f"no guide '{guide_id}' in {display_path(self.content_dir)} (available: {known})")
        return self.guides[guide_id]


def guide_folders(content_dir: Path) -> list[Path]:
    if not content_dir.is_dir():
        raise GuidegenError(f"content folder not found: {display_path(content_dir)}")
    # Whatever is called guide.yaml, a FIFO or a folder too: loading it says what is wrong, never skips it.
    return sorted(p for p in content_dir.iterdir() if p.is_dir() and os.path.lexists(p / GUIDE_FILE))


def load_library(content_dir: Path, only: list[str] | None = None) -> Library:
    """Load and validate the guides of a content folder.

    A guide that fails to load does not stop the others: its problems are kept in
    ``Library.problems`` so a batch can build what is good and report the rest.
    """
    problems: list[Problem] = []
    broken: list[str] = []
    guides: dict[str, GuideSource] = {}
    folders = guide_folders(content_dir)
    if only:
        names = {p.name for p in folders}
        for wanted in only:
            if wanted not in names:
                known = ", ".join(sorted(names)) or "none"
                raise GuidegenError(f"no guide '{wanted}' in {display_path(content_dir)} (available: {known})")
        folders = [p for p in folders if p.name in only]
    for folder in folders:
        try:
            guide, loaded = load_guide(folder / GUIDE_FILE)
        except ContentError as error:
            problems.extend(error.problems)
            broken.append(folder.name)
            continue
        guides[guide.id] = GuideSource(folder, guide, loaded, _catalog_paths(folder, problems))
    return Library(content_dir, guides, problems, broken)


def _catalog_paths(folder: Path, problems: list[Problem]) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    locales = folder / LOCALES_DIR
    if not locales.is_dir():
        return paths
    for po in sorted(locales.glob("*.po")):
        if not is_valid_tag(po.stem):
            problems.append(
                Problem(
                    display_path(po), 0, 0, f"'{po.stem}' is not a language tag; name catalogs like en.po or zh-TW.po"
                )
            )
            continue
        paths[po.stem] = po
    return paths
