"""Snapshots: every input file of a document read once into memory.

A document's cache key is the hash of exactly these bytes, and the document is
rendered from the same bytes (guide parsed from them, a Jinja loader and the
WeasyPrint fetcher serving them), so an edit made while a document is being
built can never end up under a key it was not rendered from.

Kept free of the rendering stack: an up-to-date build reads snapshots too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from generator.content.assets import ASSETS_DIR, AssetProblem
from generator.errors import GuidegenError, display_path

LOCALES_DIR = "locales"


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (relative POSIX name → bytes); empty when it does not exist.

    Files that resolve outside the folder (symbolic links) are left out: nothing
    may be served from there anyway.
    """
    files: dict[str, bytes] = {}
    if not folder.is_dir():
        return files
    root = folder.resolve()
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        try:
            if not path.is_file() or not path.resolve().is_relative_to(root):
                continue
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
        except OSError:
            continue  # vanished or unreadable since it was listed: as if it were not there
    return files


def folder_digest(files: dict[str, bytes]) -> str:
    """Hash of a folder's files: names and bytes."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def read_file(path: Path) -> bytes | None:
    """A file's bytes, or None when it is missing or unreadable."""
    try:
        return path.read_bytes()
    except OSError:
        return None


@dataclass(frozen=True)
class Folder:
    """The files of one folder as they were read, served by absolute path or by name."""

    root: Path  # resolved
    files: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Folder:
        return cls(folder.resolve(), read_folder(folder))

    @cached_property
    def digest(self) -> str:
        return folder_digest(self.files)

    def path(self, name: str, what: str = f"the guide's {ASSETS_DIR}/ folder") -> Path:
        """The absolute path of ``name`` in this folder; AssetProblem if it is not one of its files."""
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root):
            raise AssetProblem(f"leads outside the {ASSETS_DIR}/ folder")
        if path.relative_to(self.root).as_posix() not in self.files:
            raise AssetProblem(f"is not a file in {what}")
        return path

    def bytes_of(self, name: str) -> bytes:
        """The bytes of file ``name``; AssetProblem if it is not one of this folder's."""
        return self.files[self.path(name).relative_to(self.root).as_posix()]

    def get(self, path: Path) -> bytes | None:
        """The bytes of the file at absolute ``path`` (already resolved), if it is one of this folder's."""
        if not path.is_relative_to(self.root):
            return None
        return self.files.get(path.relative_to(self.root).as_posix())


@dataclass(frozen=True)
class TemplateFiles:
    """The files of the template folders, a user's first and the bundled last."""

    folders: tuple[Folder, ...]
    project_catalogs: Folder | None = None  # a content folder's own template-string catalogs

    @classmethod
    def read(cls, dirs: list[Path], project_catalogs: Path | None = None) -> TemplateFiles:
        return cls(tuple(Folder.read(d) for d in dirs), Folder.read(project_catalogs) if project_catalogs else None)

    @property
    def dirs(self) -> list[Path]:
        return [folder.root for folder in self.folders]

    @cached_property
    def digest(self) -> str:
        digest = hashlib.sha256()
        for folder in self.folders:
            digest.update(folder.digest.encode())
        own = self.project_catalogs
        digest.update(own.digest.encode() if own is not None and own.files else b"-")  # none: as if no folder
        return digest.hexdigest()

    def find(self, name: str) -> tuple[Path, bytes] | None:
        """The first folder's file called ``name`` (a relative POSIX path): its path and bytes."""
        for folder in self.folders:
            if name in folder.files:
                return folder.root / name, folder.files[name]
        return None

    def ui_catalogs(self) -> dict[str, tuple[Path, bytes]]:
        """Template-string catalogs by language: ``locales/<tag>.po`` of the template folders, a user's
        overriding the content folder's own, which override the bundled ones."""
        found: dict[str, tuple[Path, bytes]] = {}

        def add(folder: Folder, where: str) -> None:
            for name, data in sorted(folder.files.items()):
                relative = PurePosixPath(name)
                if relative.parent.as_posix() == where and relative.suffix == ".po":
                    found[relative.stem] = (folder.root / name, data)

        add(self.folders[-1], LOCALES_DIR)
        if self.project_catalogs is not None:
            add(self.project_catalogs, ".")
        for folder in reversed(self.folders[:-1]):
            add(folder, LOCALES_DIR)
        return found


@dataclass(frozen=True)
class DocumentInputs:
    """What one document of a guide in one language is made from, as read at one moment."""

    guide_path: Path
    guide: bytes
    catalog_path: Path
    catalog: bytes | None  # None: no catalog for this language
    assets: Folder
    templates: TemplateFiles


def read_guide_file(path: Path) -> bytes:
    """The bytes of a guide file; a clear error when it went away."""
    data = read_file(path)
    if data is None:
        raise GuidegenError(f"{display_path(path)}: cannot read the guide file")
    return data


def read_inputs(folder: Path, guide_file: str, language: str, templates: TemplateFiles,
                same_guide: DocumentInputs | None = None) -> DocumentInputs:
    """Read the guide file, the catalog of ``language`` and the assets of the guide in ``folder``.

    ``same_guide``: inputs read earlier for another language of the guide; its guide file and
    assets are reused (keys computed for a whole build then hold each asset once, not once a language).
    """
    catalog_path = folder / LOCALES_DIR / f"{language}.po"
    if same_guide is not None:
        return DocumentInputs(same_guide.guide_path, same_guide.guide, catalog_path, read_file(catalog_path),
                              same_guide.assets, templates)
    return DocumentInputs(folder / guide_file, read_guide_file(folder / guide_file), catalog_path,
                          read_file(catalog_path), Folder.read(folder / ASSETS_DIR), templates)
