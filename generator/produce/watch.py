"""``guidegen watch``: a warm process that rebuilds the documents whose inputs changed.

Each batch of file changes runs the same plan as ``guidegen build`` (``batch``):
the library is loaded again, every job gets its cache key from a fresh snapshot
of its inputs, and the manifest skips the documents that are still up to date,
so exactly the documents whose guide, catalog, assets, templates or brand
changed are built again. They are built by one worker process kept for the
whole session (a ``RenderPool`` of one, forked from the warm fork server): it
loads the library again after each change and keeps WeasyPrint, the fonts and
its caches warm. The parent bounds its wait on each document as ``build`` does:
a worker that does not answer by the deadline is killed and a fresh one goes on.

Content errors are printed as ``file:line:col: message`` and the watch goes on;
a document that failed is not tried again until one of its inputs changes.

The loop takes its change batches as an iterable (the command line passes
``watchfiles.watch``; tests pass a list), so it can be driven without real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.produce.batch import BuildPlan, BuildRequest, plan_build, run_build, templates_of, worker_settings
from generator.produce.cache import Fingerprints, brand_digest, fingerprint_options
from generator.produce.jobs import Job, JobResult
from generator.produce.progress import Reporter, describe
from generator.errors import ContentError, GuidegenError, display_path
from generator.render.templates import BUNDLED_TEMPLATES

if TYPE_CHECKING:
    from generator.produce.renderpool import RenderPool

Say = Callable[[str, bool], None]  # a line, and whether it is an error (stderr)


def _echo(text: str, err: bool = False) -> None:
    click.echo(text, err=err)


def _now() -> str:
    return time.strftime("%H:%M:%S")


class WatchReporter(Reporter):
    """One line per document built or failed, with the time of day and how long it took; silent on the
    documents that are up to date."""

    def __init__(self, say: Say, now: Callable[[], str] = _now):
        super().__init__(0, "lines")
        self.say = say
        self.now = now

    def up_to_date(self, job: Job, path: str) -> None:
        self.skipped += 1

    def result(self, result: JobResult) -> None:
        if result.ok:
            self.built += 1
            assert result.path is not None
            self.say(f"{self.now()} built   {display_path(result.path)} ({describe(result)}) "
                     f"in {result.seconds:.2f} s", False)
            self._warnings(result)
        else:
            self.failed += 1
            self.say(f"{self.now()} failed  {result.job.label}: {result.error}", True)

    def _line(self, text: str, err: bool = False) -> None:
        self.say(text, err)


def watched_paths(request: BuildRequest) -> list[Path]:
    """What ``watch`` looks at: the content folder, the template folders, the brand file and its logo."""
    paths = [request.content, *([request.templates_dir] if request.templates_dir else []), BUNDLED_TEMPLATES]
    if request.brand is not None:
        paths.append(request.brand.path)
        if request.brand.brand.logo:
            paths.append(request.brand.folder / request.brand.brand.logo)
    found: list[Path] = []
    for path in paths:
        resolved = path.resolve()
        if resolved.exists() and resolved not in found:
            found.append(resolved)
    return found


class Watch:
    """The state kept between batches: the warm worker, the brand as last read, the failures remembered."""

    def __init__(self, request: BuildRequest, say: Say = _echo, now: Callable[[], str] = _now,
                 stop: Callable[[], bool] = lambda: False):
        self.request = replace(request, workers=1, force=False)  # one warm process; the manifest decides
        self.say = say
        self.now = now
        self.stop = stop  # asked between documents: Ctrl-C finishes the document being laid out, then stops
        self.pool: RenderPool | None = None
        self._failed: dict[Path, str] = {}  # output → the key of the inputs it failed with

    def warm_up(self) -> None:
        """When the first pass had nothing to build, start the worker now (it loads the library), so that the
        first edit does not wait for it."""
        if self.pool is not None:
            self.pool.prestart()

    def close(self) -> None:
        """Let the worker exit, and wait for it (bounded)."""
        if self.pool is not None:
            self.pool.close(wait=True)
            self.pool = None

    def output_changed_only(self, changed: set[Path]) -> bool:
        """True when every changed path is inside the output folder (our own writes)."""
        out = self.request.output.resolve()
        return bool(changed) and all(path.resolve().is_relative_to(out) for path in changed)

    def once(self) -> WatchReporter:
        """Bring every document of the request up to date; problems are reported, never raised."""
        reporter = WatchReporter(self.say, self.now)
        try:
            self._reload_brand()
            plan = plan_build(self.request)
        except ContentError as error:
            for problem in error.problems:
                self.say(str(problem), True)
            return reporter
        except GuidegenError as error:
            self.say(f"error: {error}", True)
            return reporter
        for problem in plan.problems:
            self.say(str(problem), True)  # file:line:col: message, as editors read it
        for message in plan.errors:
            self.say(f"error: {message}", True)
        reporter.failed_elsewhere(plan.failed)
        keys = self._keys(plan)
        retry = [job for job in plan.jobs if self._failed.get(job.output(self.request.output)) != keys.get(job)]
        results, _ = run_build(self.request, replace(plan, jobs=retry), reporter,
                               stop=self.stop, pool=self._pool(plan))
        for result in results:
            path = result.job.output(self.request.output)
            if result.ok:
                self._failed.pop(path, None)
            elif result.job in keys:
                self._failed[path] = keys[result.job]
        return reporter

    def _keys(self, plan: BuildPlan) -> dict[Job, str]:
        """The key of each job's inputs as they are now: a failed document is tried again only when it changed."""
        fingerprints = Fingerprints(plan.library, templates_of(self.request),
                                    fingerprint_options(self.request.params, self.request.strict, self.request.brand))
        keys = {}
        for job in plan.jobs:
            try:
                keys[job] = fingerprints.key(job)
            except GuidegenError:
                continue
        return keys

    def _reload_brand(self) -> None:
        """Read the brand file again; a changed brand needs a builder of its own."""
        brand = self.request.brand
        if brand is None:
            return
        from generator.render.brand import load_brand

        fresh = load_brand(brand.path)
        if brand_digest(fresh) != brand_digest(brand):
            self.request = replace(self.request, brand=fresh)
            self.close()  # the worker loaded the old brand

    def _pool(self, plan: BuildPlan) -> RenderPool:
        """The warm worker, told to load the library again (it changed, or may have: this is a new batch)."""
        if self.pool is None:
            from generator.produce.renderpool import RenderPool

            self.pool = RenderPool(worker_settings(self.request, plan.library.content_dir, self.request.guides), 1)
        else:
            self.pool.reload()
        return self.pool


def watch(request: BuildRequest, changes: Iterable[set[Path]], say: Say = _echo,
          stop: Callable[[], bool] = lambda: False, now: Callable[[], str] = _now) -> Watch:
    """Build what is out of date, then again after each batch of changed paths, until ``changes`` ends
    or ``stop()`` is true. Returns the state (its builder, for tests)."""
    state = Watch(request, say, now, stop)
    try:
        first = state.once()
        if not (first.built or first.failed):
            state.warm_up()
        say(f"{first.built} built, {first.skipped} up to date, {first.failed} failed; "
            "watching for changes (Ctrl-C stops)", False)
        for changed in changes:
            if stop():
                break
            if state.output_changed_only(changed):
                continue
            state.once()
    finally:
        state.close()
    return state
