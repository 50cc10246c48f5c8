"""Documents made on demand, one at a time, for ``print`` and ``serve``.

A document is built only if it is not up to date, with the same cache key and
manifest as ``guidegen build``, so the desk reuses what a batch already made.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.cache import Fingerprints, Manifest, fingerprint_options
from generator.errors import GuidegenError
from generator.library import Library, load_library

if TYPE_CHECKING:
    from generator.brand import LoadedBrand
    from generator.build import Builder
    from generator.jobs import Job, JobResult
    from generator.templates import Templates


@dataclass
class OnDemand:
    content_dir: Path
    out_dir: Path
    templates: Templates
    brand: LoadedBrand | None = None
    params: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _builder: Builder | None = field(default=None, init=False, repr=False)
    _stamp: tuple[Any, ...] = field(default=(), init=False, repr=False)
    _checked: float = field(default=-1.0, init=False, repr=False)

    @property
    def library(self) -> Library:
        """The content folder, loaded again when one of its files changed (a long-running server sees edits).

        The folder is looked at no more than once a second: one request asks several times.
        """
        if self._builder is not None and time.monotonic() - self._checked < 1.0:
            return self._builder.library
        self._checked = time.monotonic()
        stamp = tuple(sorted((str(p), p.stat().st_mtime_ns) for p in self.content_dir.rglob("*") if p.is_file()))
        if self._builder is None or stamp != self._stamp:
            from generator.build import Builder

            library = load_library(self.content_dir)
            self._builder = Builder(library, self.out_dir, self.templates, self.params, brand=self.brand, timeout=0)
            self._stamp = stamp
        return self._builder.library

    def document(self, job: Job) -> tuple[Path, JobResult | None]:
        """The PDF of ``job``, built first if it is missing or out of date; the result when it was built."""
        with self._lock:  # one layout at a time: WeasyPrint is not made for threads
            library = self.library
            assert self._builder is not None
            path = job.output(self.out_dir)
            key = Fingerprints(library, self.templates.dirs, fingerprint_options(self.params, False, self.brand)).key(job)
            manifest = Manifest(self.out_dir)
            if manifest.fresh(path, key) is not None:
                return path, None
            result = self._builder.build(job)
            if not result.ok:
                raise GuidegenError(f"{job.label}: {result.error}")
            manifest.record(result)  # the key of what was rendered, which may be newer than ``key``
            manifest.save()
            return path, result
