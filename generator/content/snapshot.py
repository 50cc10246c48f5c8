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
from generator.content.bounded import Refused, read_regular
from generator.errors import GuidegenError, display_path

LOCALES_DIR = "locales"


MAX_FOLDER_FILE_BYTES = 16_000_000  # one file of an assets or templates folder (images, fonts, stylesheets)
MAX_FOLDER_BYTES = 64_000_000  # all of one folder's files together
MAX_INPUT_BYTES = 2_000_000  # a guide.yaml or a catalog (their own limits are checked when they are parsed)


def read_folder(folder: Path, refused: dict[str, str] | None = None) -> dict[str, bytes]:
    """Every file below ``folder`` (relative POSIX name → bytes); empty when it does not exist.

    Files that resolve outside the folder (symbolic links) are left out: nothing
    may be served from there anyway. What is not a regular file, or is larger than
    ``MAX_FOLDER_FILE_BYTES``, or would take the folder past ``MAX_FOLDER_BYTES``, is
    not read: its name and the reason go to ``refused`` (a document that uses it says so).
    """
    files: dict[str, bytes] = {}
    if not folder.is_dir():
        return files
    root = folder.resolve()
    total = 0
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        name = path.relative_to(folder).as_posix()
        try:
            if path.is_dir() or not path.resolve().is_relative_to(root):
                continue
            data = read_regular(path, min(MAX_FOLDER_FILE_BYTES, MAX_FOLDER_BYTES - total))
        except Refused as reason:
            if refused is not None:
                refused[name] = str(reason)
            continue
        except OSError:
            continue  # vanished or unreadable since it was listed: as if it were not there
        files[name] = data
        total += len(data)
    return files


def folder_digest(files: dict[str, bytes]) -> str:
    """Hash of a folder's files: names and bytes."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def read_file(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes | None:
    """A regular file's bytes, or None when it is missing, unreadable, not a regular file or over ``limit``
    (reading it again, to parse it, says which)."""
    try:
        return read_regular(path, limit)
    except (OSError, Refused):
        return None


@dataclass(frozen=True)
class Folder:
    """The files of one folder as they were read, served by absolute path or by name."""

    root: Path  # resolved
    files: dict[str, bytes] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)  # files not read (a FIFO, too large…): why

    @classmethod
    def read(cls, folder: Path) -> Folder:
        refused: dict[str, str] = {}
        return cls(folder.resolve(), read_folder(folder, refused), refused)

    @cached_property
    def digest(self) -> str:
        return folder_digest(self.files)

    def path(self, name: str, what: str = f"the guide's {ASSETS_DIR}/ folder") -> Path:
        """The absolute path of ``name`` in this folder; AssetProblem if it is not one of its files."""
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root):
            raise AssetProblem(f"leads outside the {ASSETS_DIR}/ folder")
        name = path.relative_to(self.root).as_posix()
        if name in self.refused:
            raise AssetProblem(f"is not read: the file {self.refused[name]}")
        if name not in self.files:
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
