"""Documents made on demand, for ``print`` and ``serve``.

A document is built only if it is not up to date, with the same cache key and
manifest as ``guidegen build``, so the desk reuses what a batch already made.
Each document has its own lock: two requests for one document build it once,
requests for different documents never wait for each other. A document that
failed is remembered by its cache key and not tried again until one of its
inputs changes (an edited guide gets a new key).

By default the document is built in this process (``guidegen print``); the desk
passes a ``RenderPool``, whose worker processes apply the time limit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.produce.cache import Fingerprints, Manifest, fingerprint_options
from generator.errors import GuidegenError
from generator.i18n.library import Library, load_library

if TYPE_CHECKING:
    from generator.render.brand import LoadedBrand
    from generator.produce.builder import Builder
    from generator.produce.jobs import Job, JobResult
    from generator.produce.renderpool import RenderPool
    from generator.render.templates import Templates

MAX_REMEMBERED_FAILURES = 1000


@dataclass
class OnDemand:
    content_dir: Path
    out_dir: Path
    templates: Templates
    brand: LoadedBrand | None = None
    params: dict[str, str] = field(default_factory=dict)
    pool: RenderPool | None = None  # None: build in this process, one document at a time
    _library: Library | None = field(default=None, init=False, repr=False)
    _builder: Builder | None = field(default=None, init=False, repr=False)
    _stamp: tuple[Any, ...] = field(default=(), init=False, repr=False)
    _checked: float = field(default=-1.0, init=False, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _documents: dict[Path, threading.Lock] = field(default_factory=dict, init=False, repr=False)
    _render: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _manifest: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _failures: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    @property
    def library(self) -> Library:
        """The content folder, loaded again when one of its files changed (a long-running server sees edits).

        The folder is looked at no more than once a second: one request asks several times.
        """
        with self._guard:
            if self._library is not None and time.monotonic() - self._checked < 1.0:
                return self._library
            self._checked = time.monotonic()
            stamp = tuple(sorted((str(p), p.stat().st_mtime_ns) for p in self.content_dir.rglob("*") if p.is_file()))
            if self._library is None or stamp != self._stamp:
                self._library = load_library(self.content_dir)
                self._builder = None
                self._stamp = stamp
                if self.pool is not None:
                    self.pool.renew()
            return self._library

    def key(self, job: Job) -> str:
        """The cache key of ``job``: a hash of everything that shapes its bytes."""
        options = fingerprint_options(self.params, False, self.brand)
        return Fingerprints(self.library, self.templates, options).key(job)

    def document(self, job: Job) -> tuple[Path, JobResult | None]:
        """The PDF of ``job``, built first if it is missing or out of date; the result when it was built."""
        path = job.output(self.out_dir)
        with self._lock_for(path):
            key = self.key(job)
            with self._manifest:
                if Manifest(self.out_dir).fresh(path, key) is not None:
                    return path, None
            known = self._failures.get(key)
            if known is not None:
                raise GuidegenError(known)
            result = self._build(job)
            if not result.ok:
                if not result.transient:  # a full disk or a dead worker is tried again next time
                    self._remember_failure(key, f"{job.label}: {result.error}")
                raise GuidegenError(f"{job.label}: {result.error}")
            with self._manifest:
                manifest = Manifest(self.out_dir)  # read again: other documents may have been recorded meanwhile
                manifest.record(result)  # the key of what was rendered, which may be newer than ``key``
                manifest.save()
            return path, result

    def _lock_for(self, path: Path) -> threading.Lock:
        with self._guard:
            return self._documents.setdefault(path, threading.Lock())

    def _remember_failure(self, key: str, message: str) -> None:
        with self._guard:
            if len(self._failures) >= MAX_REMEMBERED_FAILURES:
                self._failures.pop(next(iter(self._failures)))
            self._failures[key] = message

    def _build(self, job: Job) -> JobResult:
        if self.pool is not None:
            return self.pool.build(job)
        with self._render:  # in this process, one layout at a time: WeasyPrint is not made for threads
            if self._builder is None:
                from generator.produce.builder import Builder

                self._builder = Builder(
                    self.library, self.out_dir, self.templates, params=self.params, brand=self.brand, timeout=0
                )
            return self._builder.build(job)

    def card(self, paper: str) -> Path:
        """The language card of the library on ``paper``, built first when it is missing or out of date.

        With a pool (the desk), laid out in a worker, under its deadline; otherwise in this process. One
        card at a time, and never beside a manifest write of this process."""
        from generator.produce.card_build import build_card

        library = self.library  # loaded again if the content changed (which renews the pool's workers)
        with self._render, self._manifest:
            if self.pool is not None:
                return self.pool.card(paper)
            return build_card(library, self.out_dir, self.templates, paper=paper).path
