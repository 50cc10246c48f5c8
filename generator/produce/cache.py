"""Incremental builds: a document is rebuilt only when something that shapes its bytes changed.

A job's key is a hash of everything that goes into its PDF: the guide file, the
catalog of its language, the files of its assets folder that the guide uses (images, and the
images its SVGs name), every file of the template folders (CSS and
template-string catalogs included), the brand file and logo, the font files of
its stacks, the options, ``SOURCE_DATE_EPOCH``, and the code and versions of
guidegen, WeasyPrint and the PDF libraries under it. The files are hashed as
read into a snapshot (``snapshot``), and a document is rendered from that same
snapshot, so the key recorded is always the key of what was rendered. A key alone hashes files
remembered by ``stat`` (``content.digests``), so asking again reads only what changed. The
manifest in the output folder maps each PDF to the key it was built from and to the size and
mtime it was written with, so a PDF edited or deleted by hand is rebuilt too. Builds running at the same time into
one folder merge their records under a lock; a damaged manifest is a warning
and a full rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import __version__
from generator.content.bounded import Refused, read_regular
from generator.errors import GuidegenError
from generator.fonts.fontconfig import FontconfigMissing, family_faces
from generator.fonts.stacks import font_stack
from generator.produce.outputs import write_atomic
from generator.content.snapshot import DocumentInputs, TemplateFiles, read_inputs

if TYPE_CHECKING:
    from generator.render.brand import LoadedBrand
    from generator.produce.jobs import Job, JobResult
    from generator.i18n.library import Library
    from generator.render.templates import Templates

MANIFEST_NAME = ".guidegen-cache.json"
MAX_MANIFEST_BYTES = 64_000_000  # about 200 bytes a document: far more documents than any library has
_MANIFEST_VERSION = 1
_PACKAGE = Path(__file__).resolve().parents[1]  # all of guidegen's code, every subpackage
_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "tinyhtml5", "pillow", "jinja2", "babel",
              "phonenumbers")  # its numbering plans decide which translations print


def tree_digest(folder: Path, pattern: str = "*") -> str:
    """Hash of the files below ``folder`` matching ``pattern``: names and bytes (empty when it does not exist)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@cache
def code_digest() -> str:
    """guidegen's own code and the versions of the libraries that write the bytes (fixed for a process)."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(tree_digest(_PACKAGE, "*.py").encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.hexdigest()


def fonts_digest(family: str) -> str:
    """The files fontconfig has for a family, with their sizes and modification times."""
    try:
        files = sorted({face.file for face in family_faces(family)})
    except FontconfigMissing:
        return "no-fc-list"
    digest = hashlib.sha256(family.encode())
    for name in files:
        try:
            stat = os.stat(name)
        except OSError:
            continue
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def fingerprint_options(params: dict[str, str], strict: bool, brand: LoadedBrand | None) -> dict[str, Any]:
    """The build options that shape documents, as every command keys them (so they share the cache)."""
    return {"params": params, "strict": strict, "brand": brand_digest(brand)}


def brand_digest(brand: LoadedBrand | None) -> str:
    """The brand file and the logo it names, as they were read when the brand was loaded."""
    if brand is None:
        return "-"
    logo = hashlib.sha256(brand.logo_data).hexdigest() if brand.logo_data is not None else "-"
    return hashlib.sha256(brand.data).hexdigest() + logo


class Fingerprints:
    """Job keys: the hash of a document's inputs as read into a snapshot (``snapshot.DocumentInputs``).

    ``key(job)`` reads the inputs itself, each file once per instance (the
    template folders once, a guide's files once per language): for deciding what
    is up to date. ``key_of(job, inputs)`` hashes a snapshot read elsewhere, the
    one a document was rendered from. Make a new instance per build: a
    long-running process (``guidegen serve``) must see files that changed since.
    """

    def __init__(self, library: Library | None, templates: Templates, options: dict[str, Any]):
        self.library = library
        self.templates = templates
        self.options = options  # build options that shape documents (params, strict, …)
        self._fonts: dict[str, str] = {}
        self._inputs: dict[tuple[str, str], DocumentInputs] = {}

    @cached_property
    def _templates(self) -> TemplateFiles:
        return self.templates.read(contents=False)  # a key needs the files' digests only

    def inputs(self, job: Job) -> DocumentInputs:
        """The inputs of ``job``, read once per instance (a guide's file and assets once for all its languages)."""
        assert self.library is not None
        if (job.guide, job.language) not in self._inputs:
            source = self.library.get(job.guide)
            earlier = next((inputs for (guide, _), inputs in self._inputs.items() if guide == job.guide), None)
            self._inputs[job.guide, job.language] = read_inputs(source.folder, source.loaded.path.name,
                                                                job.language, self._templates, earlier,
                                                                contents=False)
        return self._inputs[job.guide, job.language]

    def key(self, job: Job) -> str:
        from generator.produce.availability import also_available

        assert self.library is not None
        also = also_available(self.library, job.guide, job.language) if job.format == "handout" else ()
        return self.key_of(job, self.inputs(job), also=also)

    def key_of(self, job: Job, inputs: DocumentInputs, source_language: str | None = None,
               also: tuple[str, ...] = ()) -> str:
        """The key of ``job`` made from ``inputs``; ``source_language`` is the guide's (default: from the library);
        ``also``: the other languages a handout names (complete translations elsewhere), printed in their fonts."""
        if source_language is None:
            assert self.library is not None
            source_language = self.library.get(job.guide).guide.source_language
        digest = hashlib.sha256(code_digest().encode())
        digest.update(inputs.templates.digest.encode())
        digest.update(json.dumps(self.options, sort_keys=True).encode())
        digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
        digest.update(json.dumps([job.guide, job.language, job.format, job.options.as_dict()]).encode())
        digest.update(hashlib.sha256(inputs.guide).digest())
        digest.update(hashlib.sha256(inputs.catalog).digest() if inputs.catalog is not None else b"-")
        digest.update(inputs.assets.digest.encode())
        digest.update(json.dumps(also).encode())
        for language in (job.language, source_language, *also):  # untranslated text uses the source's fonts
            digest.update(self.fonts_key(language).encode())
        return digest.hexdigest()

    def completeness_key(self, guide: str, language: str) -> str:
        """What decides whether ``guide`` is complete in ``language``: the guide file, the language's catalog,
        its fonts (a translation that would print boxes does not count) and guidegen's code."""
        from generator.produce.jobs import Job

        inputs = self.inputs(Job(guide, language, "handout"))
        digest = hashlib.sha256(f"complete\0{code_digest()}\0{guide}\0{language}\0".encode())
        digest.update(hashlib.sha256(inputs.guide).digest())
        digest.update(hashlib.sha256(inputs.catalog).digest() if inputs.catalog is not None else b"-")
        digest.update(self.fonts_key(language).encode())
        return digest.hexdigest()

    def fonts_key(self, language: str) -> str:
        """The font files of a language's stack, as fontconfig has them now (each family looked up once)."""
        for family in font_stack(language):
            if family not in self._fonts:
                self._fonts[family] = fonts_digest(family)
        return "".join(self._fonts[family] for family in font_stack(language))


class ManifestDamaged(ValueError):
    """The manifest file exists but is not one this version wrote."""


_ENTRY_TYPES: dict[str, tuple[type, ...]] = {
    "key": (str,), "size": (int,), "mtime_ns": (int,), "pages": (int,), "font_size": (int, float, type(None)),
    "seconds": (int, float),
}


KEPT_COMPLETENESS = 256  # completeness answers kept in the manifest (the newest; edits of catalogs add more)


def _checked_completeness(data: dict[str, Any]) -> dict[str, bool]:
    """The manifest's completeness answers (completeness key → complete); ManifestDamaged when malformed."""
    complete = data.get("complete", {})
    if not isinstance(complete, dict) or not all(isinstance(v, bool) for v in complete.values()):
        raise ManifestDamaged("'complete' is not an object of true and false")
    return complete


def _checked(data: Any) -> dict[str, dict[str, Any]]:
    """The documents of a manifest's data; ManifestDamaged when any part has the wrong shape or type."""
    if not isinstance(data, dict):
        raise ManifestDamaged("not a JSON object")
    if data.get("version") != _MANIFEST_VERSION:
        raise ManifestDamaged(f"unknown version {data.get('version')!r}")
    _checked_completeness(data)
    documents = data.get("documents")
    if not isinstance(documents, dict):
        raise ManifestDamaged("'documents' is not an object")
    for name, entry in documents.items():
        if not isinstance(entry, dict):
            raise ManifestDamaged(f"the entry of {name!r} is not an object")
        for field, types in _ENTRY_TYPES.items():
            value = entry.get(field)
            if field in ("key", "size", "mtime_ns") and field not in entry:
                raise ManifestDamaged(f"the entry of {name!r} has no {field!r}")
            if field in entry and (not isinstance(value, types) or isinstance(value, bool)):
                raise ManifestDamaged(f"{name!r}: {field!r} is a {type(value).__name__}")
    return documents


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` itself (``flock`` on the directory: no lock file is left).

    Serialises manifest updates of concurrent builds into one output folder. Where
    ``fcntl`` is missing (Windows) nothing is locked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _stamp(stat: os.stat_result) -> dict[str, int]:
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


class Manifest:
    """What the output folder holds: per PDF, the key it was built from and its file stamp.

    ``save`` merges this run's records into the manifest on disk under a lock, so
    builds running at the same time into one folder keep each other's work. A
    damaged manifest is a warning and an empty one: everything is rebuilt.
    """

    def __init__(self, out_dir: Path, warn: Callable[[str], None] | None = None):
        self.path = out_dir / MANIFEST_NAME
        self.out_dir = out_dir
        self._warn = warn or _warn
        self._warned: set[str] = set()
        self.complete: dict[str, bool] = {}  # completeness key → whether the guide is complete in that language
        self._learned: dict[str, bool] = {}
        self.entries: dict[str, dict[str, Any]] = self._load()
        self._recorded: dict[str, dict[str, Any]] = {}
        self._forgotten: set[str] = set()

    @property
    def changed(self) -> bool:
        return bool(self._recorded or self._forgotten or self._learned)

    def _load(self) -> dict[str, dict[str, Any]]:
        """The manifest on disk (its documents; its completeness answers go to ``self.complete``); empty when
        it is missing, with a warning when it is damaged."""
        try:
            text = read_regular(self.path, MAX_MANIFEST_BYTES).decode("utf-8")
        except FileNotFoundError:
            return {}
        except Refused as refused:
            return self._damaged(f"the file {refused}")
        except (OSError, UnicodeDecodeError) as error:
            return self._damaged(error.strerror if isinstance(error, OSError) and error.strerror else str(error))
        try:
            data = json.loads(text)
            documents = _checked(data)
        except RecursionError:
            return self._damaged("nested too deeply")
        except ValueError as error:  # invalid JSON, or ManifestDamaged
            return self._damaged(str(error))
        self.complete = {**_checked_completeness(data), **self._learned}
        return documents

    def learn_completeness(self, key: str, complete: bool) -> None:
        """Remember whether a guide is complete in a language, under its ``Fingerprints.completeness_key``: a build
        with nothing to do then reads no catalog to name a handout's other languages."""
        if self.complete.get(key) is not complete:
            self.complete[key] = self._learned[key] = complete

    def _damaged(self, why: str) -> dict[str, dict[str, Any]]:
        message = f"{self.path}: damaged build record ({why}); ignoring it: every document is rebuilt"
        if message not in self._warned:
            self._warned.add(message)
            self._warn(message)
        return {}

    def _name(self, path: Path) -> str:
        return path.resolve().relative_to(self.out_dir.resolve()).as_posix()

    def fresh(self, path: Path, key: str) -> dict[str, Any] | None:
        """The entry of ``path`` if it was built from ``key`` and is untouched since."""
        entry = self.entries.get(self._name(path))
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        if entry.get("size") != stat.st_size or entry.get("mtime_ns") != stat.st_mtime_ns:
            return None
        return entry

    def record(self, result: JobResult) -> None:
        """Remember a document built by this run, under the key it was rendered from (``result.key``)."""
        assert result.path is not None and result.key
        self.record_file(result.path, result.key, result.stamp, pages=result.pages, font_size=result.font_size,
                         seconds=result.seconds)

    def record_file(self, path: Path, key: str, stamp: dict[str, int] | None = None, *, pages: int,
                    font_size: float | None = None, seconds: float = 0.0) -> None:
        """Remember a file built by this run (a document, or the language card) under ``key``."""
        name = self._name(path)
        self.entries[name] = self._recorded[name] = {
            "key": key, **(stamp or _stamp(path.stat())), "pages": pages, "font_size": font_size,
            "seconds": round(seconds, 3),
        }
        self._forgotten.discard(name)

    def slowest_first(self, jobs: list[Job], out_dir: Path) -> list[Job]:
        """Jobs ordered by how long they took last time (handouts first when unknown).

        Workers then end together instead of one finishing a long document alone.
        """
        def cost(job: Job) -> float:
            entry = self.entries.get(self._name(job.output(out_dir)))
            seconds = entry.get("seconds") if isinstance(entry, dict) else None
            return seconds if isinstance(seconds, (int, float)) else (1.0 if job.format == "handout" else 0.5)

        return sorted(jobs, key=cost, reverse=True)

    def forget(self, path: Path) -> None:
        """Drop the record of a document this run failed to build (nothing to do when there is none)."""
        name = self._name(path)
        self._recorded.pop(name, None)
        if self.entries.pop(name, None) is not None:
            self._forgotten.add(name)

    def save(self) -> None:
        """Merge this run's records into the manifest on disk, under a lock on the output folder.

        A record is kept only while its file is still the one this run wrote: when
        another build replaced the PDF since, that build's record stands.
        Failing to save is a warning (the next build rebuilds), never an error.
        """
        if not self.changed:
            return
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            with _folder_lock(self.out_dir):
                merged = self._load()
                for name in self._forgotten:
                    merged.pop(name, None)
                for name, entry in self._recorded.items():
                    if self._on_disk(name, entry):
                        merged[name] = entry
                complete = list(self.complete.items())[-KEPT_COMPLETENESS:]
                data = {"version": _MANIFEST_VERSION, "documents": dict(sorted(merged.items())),
                        **({"complete": dict(complete)} if complete else {})}
                write_atomic(self.path, (json.dumps(data, indent=1) + "\n").encode())
        except (OSError, GuidegenError) as error:
            self._warn(f"{self.path}: cannot save the build record ({getattr(error, 'strerror', None) or error}); "
                       "the next build rebuilds what this one made")
            return
        self.entries = merged
        self._recorded.clear()
        self._forgotten.clear()
        self._learned.clear()

    def _on_disk(self, name: str, entry: dict[str, Any]) -> bool:
        try:
            return _stamp((self.out_dir / name).stat()) == {k: entry[k] for k in ("size", "mtime_ns")}
        except OSError:
            return False


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)
