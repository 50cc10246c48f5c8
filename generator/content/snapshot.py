"""Snapshots: every input file of a document read once into memory.

A document's cache key is the hash of exactly these bytes, and the document is
rendered from the same bytes (guide parsed from them, a Jinja loader and the
WeasyPrint fetcher serving them), so an edit made while a document is being
built can never end up under a key it was not rendered from.

Kept free of the rendering stack: an up-to-date build reads snapshots too.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from generator.content.assets import ASSETS_DIR, AssetProblem
from generator.content.bounded import Refused, read_regular
from generator.content.digests import Digest, digest_of, file_digest
from generator.errors import GuidegenError, display_path

LOCALES_DIR = "locales"


MAX_FOLDER_FILE_BYTES = 16_000_000  # one file of an assets or templates folder (images, fonts, stylesheets)
MAX_FOLDER_BYTES = 64_000_000  # all of one folder's files together
MAX_INPUT_BYTES = 2_000_000  # a guide.yaml or a catalog (their own limits are checked when they are parsed)


def read_folder(folder: Path, refused: dict[str, str] | None = None, names: Iterable[str] | None = None,
                contents: bool = True) -> tuple[dict[str, bytes], dict[str, Digest]]:
    """The files below ``folder``: their bytes (relative POSIX name → bytes; none unless ``contents``) and their
    digests; both empty when it does not exist.

    ``names``: only these files, and the files the SVG images among them name (what a document uses);
    ``None``: every file. Files that resolve outside the folder (symbolic links) are left out: nothing
    may be served from there anyway. What is not a regular file, or is larger than
    ``MAX_FOLDER_FILE_BYTES``, or would take the folder past ``MAX_FOLDER_BYTES``, is
    not read: its name and the reason go to ``refused`` (a document that uses it says so). Without
    ``contents``, a file whose stat is unchanged since it was last hashed is not read again (``digests``).
    """
    files: dict[str, bytes] = {}
    hashes: dict[str, Digest] = {}
    if not folder.is_dir():
        return files, hashes
    root = folder.resolve()
    total = 0
    wanted = sorted(folder.rglob("*")) if names is None else [folder / name for name in dict.fromkeys(names)]
    seen: set[str] = set()
    while wanted:
        path = wanted.pop(0)
        if "__pycache__" in path.parts:
            continue
        try:
            resolved = path.resolve()
            if path.is_dir() or not resolved.is_relative_to(root):
                continue
            name = resolved.relative_to(root).as_posix() if names is not None else path.relative_to(folder).as_posix()
            if name in seen:
                continue
            seen.add(name)
            limit = min(MAX_FOLDER_FILE_BYTES, MAX_FOLDER_BYTES - total)
            if contents:
                data = read_regular(path, limit)
                files[name], hashes[name] = data, digest_of(path, data)
            else:
                hashes[name] = file_digest(path, limit)
        except Refused as reason:
            if refused is not None:
                refused[name] = str(reason)
            continue
        except (OSError, ValueError):
            continue  # missing, vanished or unreadable since it was listed: as if it were not there
        total += hashes[name].size
        if names is not None:  # an SVG's own images are used too
            wanted.extend(path.parent / ref for ref in hashes[name].svg_refs)
    return files, hashes


def folder_digest(hashes: dict[str, Digest]) -> str:
    """Hash of a folder's files: names and the hashes of their bytes."""
    digest = hashlib.sha256()
    for name in sorted(hashes):
        digest.update(name.encode() + b"\0")
        digest.update(hashes[name].sha256)
    return digest.hexdigest()


def read_file(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes | None:
    """A regular file's bytes, or None when it is missing, unreadable, not a regular file or over ``limit``
    (reading it again, to parse it, says which)."""
    try:
        return read_regular(path, limit)
    except (OSError, Refused):
        return None


def _digests(files: dict[str, bytes]) -> dict[str, Digest]:
    return {name: digest_of(Path(name), data) for name, data in files.items()}


@dataclass(frozen=True)
class Folder:
    """The files of one folder as they were read, served by absolute path or by name."""

    root: Path  # resolved
    files: dict[str, bytes] = field(default_factory=dict)  # empty when read for its digest only
    refused: dict[str, str] = field(default_factory=dict)  # files not read (a FIFO, too large…): why
    hashes: dict[str, Digest] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path, names: Iterable[str] | None = None, contents: bool = True) -> Folder:
        """The files of ``folder`` (or only ``names`` and what they use; see ``read_folder``)."""
        refused: dict[str, str] = {}
        files, hashes = read_folder(folder, refused, names, contents)
        return cls(folder.resolve(), files, refused, hashes)

    @cached_property
    def digest(self) -> str:
        return folder_digest(self.hashes if self.hashes or not self.files else _digests(self.files))

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
    def read(cls, dirs: list[Path], project_catalogs: Path | None = None, contents: bool = True) -> TemplateFiles:
        catalogs = Folder.read(project_catalogs, contents=contents) if project_catalogs else None
        return cls(tuple(Folder.read(d, contents=contents) for d in dirs), catalogs)

    @property
    def dirs(self) -> list[Path]:
        return [folder.root for folder in self.folders]

    @cached_property
    def digest(self) -> str:
        digest = hashlib.sha256()
        for folder in self.folders:
            digest.update(folder.digest.encode())
        own = self.project_catalogs
        digest.update(own.digest.encode() if own is not None and own.hashes else b"-")  # none: as if no folder
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
                same_guide: DocumentInputs | None = None, contents: bool = True) -> DocumentInputs:
    """Read the guide file, the catalog of ``language`` and the assets the guide uses, from ``folder``.

    ``same_guide``: inputs read earlier for another language of the guide; its guide file and
    assets are reused (keys computed for a whole build then hold each asset once, not once a language).
    Without ``contents`` the assets are only hashed (for a key: see ``digests``), not kept.
    """
    catalog_path = folder / LOCALES_DIR / f"{language}.po"
    if same_guide is not None:
        return DocumentInputs(same_guide.guide_path, same_guide.guide, catalog_path, read_file(catalog_path),
                              same_guide.assets, templates)
    guide_path = folder / guide_file
    guide = read_guide_file(guide_path)
    assets = Folder.read(folder / ASSETS_DIR, image_sources(guide), contents)
    return DocumentInputs(guide_path, guide, catalog_path, read_file(catalog_path), assets, templates)


_SRC_KEY = re.compile(rb"""src["']?[ \t]*:(?=[ \t\r\n"'])""")  # a literal first: a fast scan of a large guide
_SRC_PLAIN = re.compile(rb"""src["']?[ \t]*:[ \t]+(["']?)([A-Za-z0-9][A-Za-z0-9_./-]{0,199})\1[ \t]*(?=[,}#\r\n]|\Z)""")
_BEFORE_KEY = frozenset(b"{, \t\r\n")


def image_sources(guide: bytes) -> list[str] | None:
    """The asset files a guide's image blocks name (their ``src``): what its documents use of its ``assets/``
    folder. ``None`` (then the whole folder is read, within its bounds) when a ``src`` is written in a way this
    quick scan does not follow (a block scalar, an escape). A scan of the bytes, not a parse: a key must never
    wait on parsing a large guide, and naming a file more than the guide uses only hashes one more file."""
    keys, found = 0, []
    for key in _SRC_KEY.finditer(guide):
        begin = key.start()
        quoted = begin > 0 and guide[begin - 1] in b"\"'"
        before = begin - 1 - quoted
        if before >= 0 and guide[before] not in _BEFORE_KEY:
            continue  # part of a longer word ("imgsrc:"), not the key src
        keys += 1
        value = _SRC_PLAIN.match(guide, begin)
        if value is not None:
            found.append(value.group(2).decode("ascii"))
    return found if len(found) == keys else None
