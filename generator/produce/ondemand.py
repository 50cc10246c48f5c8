"""Documents made on demand, for ``print`` and ``serve``.

A document is built only if it is not up to date, with the same cache key and
manifest as ``guidegen build``, so the desk reuses what a batch already made.
Each document has its own lock: two requests for one document build it once,
requests for different documents never wait for each other. A document that
failed is remembered by its cache key and not tried again until one of its
inputs changes (an edited guide gets a new key).

By default the document is built in this process (``guidegen print``); the desk
passes a ``RenderPool``, whose worker processes apply the time limit.

The desk never lets a request wait long for a layout: ``document_within`` starts
the build in the background (one per document, however many ask) and waits for
it at most a few seconds; past that it raises ``Preparing`` and the build goes on,
so the next request finds the document made. At most ``MAX_WAITERS`` requests wait
at once; the others are answered "preparing" at once, so request threads stay free
for pages that need no layout.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from collections.abc import Callable
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
MAX_WAITERS = 4  # requests that may wait for a layout at once (the desk has 8 request threads)
BACKGROUND_BUILDS = 4  # threads that hand documents to the pool; each waits on a worker, bounded by its deadline


class Preparing(Exception):
    """The document is being made and was not ready within the wait: ask again shortly."""


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
    _making: dict[Path, Future[Path]] = field(default_factory=dict, init=False, repr=False)
    _waiters: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(MAX_WAITERS),
                                                 init=False, repr=False)
    _background: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _closed: bool = field(default=False, init=False, repr=False)

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

    def document_within(self, job: Job, seconds: float) -> Path:
        """The PDF of ``job`` if it is up to date, or made within ``seconds``; else ``Preparing`` (the build goes on
        in the background). A failure remembered or met is a ``GuidegenError``, as from ``document``."""
        path = job.output(self.out_dir)
        if self._up_to_date(job, path):
            return path
        return self._within(path, lambda: self.document(job)[0], job.label, seconds)

    def card_within(self, paper: str, seconds: float) -> Path:
        """The language card on ``paper``, as ``card``, but waited for at most ``seconds`` (else ``Preparing``)."""
        from generator.produce.card_build import card_path

        return self._within(card_path(self.out_dir, paper), lambda: self.card(paper), "language card", seconds)

    def _within(self, path: Path, make: Callable[[], Path], label: str, seconds: float) -> Path:
        """``make()``'s answer if it comes within ``seconds``; one background call per ``path`` however many ask."""
        with self._guard:
            if self._closed:
                raise GuidegenError(f"{label}: the desk is stopping")
            future = self._making.get(path)
            if future is None:
                if self._background is None:
                    self._background = ThreadPoolExecutor(BACKGROUND_BUILDS, thread_name_prefix="guidegen-build")
                future = self._background.submit(make)
                self._making[path] = future
                future.add_done_callback(lambda done: self._forget(path, done))
        waits = self._waiters.acquire(blocking=False)
        try:
            return future.result(timeout=seconds if waits else 0)
        except FutureTimeout:
            raise Preparing(label) from None
        finally:
            if waits:
                self._waiters.release()

    def _up_to_date(self, job: Job, path: Path, key: str | None = None) -> bool:
        """Whether the PDF of ``job`` is made from today's inputs (``key``: computed if not given); a failure
        remembered for those inputs is raised."""
        key = key or self.key(job)
        with self._manifest:
            if Manifest(self.out_dir).fresh(path, key) is not None:
                return True
        known = self._failures.get(key)
        if known is not None:
            raise GuidegenError(known)
        return False

    def _forget(self, path: Path, future: Future[Path]) -> None:
        with self._guard:
            if self._making.get(path) is future:
                del self._making[path]

    def close(self) -> None:
        """Stop handing documents to the pool (those in hand end with it: close the pool too)."""
        with self._guard:
            background, self._background, self._closed = self._background, None, True
        if background is not None:
            background.shutdown(wait=False, cancel_futures=True)

    def document(self, job: Job) -> tuple[Path, JobResult | None]:
        """The PDF of ``job``, built first if it is missing or out of date; the result when it was built."""
        path = job.output(self.out_dir)
        with self._lock_for(path):
            key = self.key(job)
            if self._up_to_date(job, path, key):
                return path, None
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
