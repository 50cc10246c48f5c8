"""A whole `guidegen build`: plan the jobs of a request, skip what is up to date, build the rest.

The command line turns its options into a ``BuildRequest`` and reports; the
work is here: the library is loaded, jobs are planned (and sharded), each job's
key is compared with the manifest, the rest is built in this process or in
worker processes, and the manifest records what was built under the key it
was rendered from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.produce.jobs import Job, JobResult, plan_jobs, shard_jobs
from generator.produce.outputs import check_output_folder
from generator.errors import Problem, display_path
from generator.render.formats import FORMATS, PrintOptions

if TYPE_CHECKING:
    from generator.produce.renderpool import RenderPool
    from generator.produce.worker_loop import BuildSettings
    from generator.produce.cache import Fingerprints, Manifest
    from generator.produce.progress import Reporter
    from generator.i18n.library import Library
    from generator.render.brand import LoadedBrand
    from generator.render.templates import Templates


@dataclass(frozen=True, kw_only=True)
class BuildRequest:
    """What `guidegen build` was asked for."""

    content: Path
    output: Path
    guides: tuple[str, ...] = ()  # none: every guide
    languages: tuple[str, ...] = ()  # none, or "all": every language of each guide
    formats: tuple[str, ...] = FORMATS
    variants: tuple[PrintOptions, ...] = (PrintOptions(),)
    params: dict[str, str] = field(default_factory=dict)
    strict: bool = False
    timeout: float = 120.0
    workers: int | None = None  # none: one per core
    force: bool = False
    shard: tuple[int, int] | None = None  # (K, N): the K-th of N slices
    templates_dir: Path | None = None
    brand: LoadedBrand | None = None


@dataclass
class BuildPlan:
    """The jobs of a request, and what could not be planned (broken guides, languages a guide lacks)."""

    library: Library
    jobs: list[Job]
    problems: list[Problem]  # of guides that failed to load
    errors: list[str]  # (guide, language) pairs that cannot be served

    @property
    def failed(self) -> int:
        return len(self.errors) + len(self.library.broken)


def plan_build(request: BuildRequest) -> BuildPlan:
    """Load the library and list the jobs; refuses an output folder inside the content folder."""
    from generator.i18n.library import load_library

    check_output_folder(request.output, request.content)
    library = load_library(request.content, list(request.guides) or None)
    jobs, errors = plan_jobs(library, [g for g in request.guides if g in library.guides], list(request.languages),
                             list(request.formats), list(request.variants))
    if request.shard:
        jobs = shard_jobs(jobs, *request.shard)
    return BuildPlan(library, jobs, list(library.problems), errors)


def templates_of(request: BuildRequest) -> Templates:
    from generator.render.templates import Templates

    return Templates([request.templates_dir] if request.templates_dir else [], request.content)


def worker_settings(request: BuildRequest, content_dir: Path, guides: tuple[str, ...]) -> BuildSettings:
    """What a worker process needs to build the request's documents of ``guides`` (none: every guide)."""
    from generator.produce.worker_loop import BuildSettings

    templates = templates_of(request)
    return BuildSettings(content_dir=content_dir, guides=guides, out_dir=request.output,
                         template_dirs=tuple(templates.dirs[:-1]), params=tuple(sorted(request.params.items())),
                         strict=request.strict, timeout=request.timeout,
                         brand=request.brand.path if request.brand else None)


def run_build(request: BuildRequest, plan: BuildPlan, reporter: Reporter,
              stop: Callable[[], bool] = lambda: False,
              pool: RenderPool | None = None) -> tuple[list[JobResult], int]:
    """Build what is not up to date; the results, and how many jobs were not started (``stop()`` said so).

    ``pool``: workers kept warm by the caller (``guidegen watch``), given one document at a time; they
    must have loaded this plan's library.
    """
    from generator.produce.cache import Fingerprints, Manifest, fingerprint_options
    from generator.produce.workers import WorkerPool, default_workers

    templates = templates_of(request)
    fingerprints = Fingerprints(plan.library, templates,
                                fingerprint_options(request.params, request.strict, request.brand))
    manifest = Manifest(request.output)
    completeness_keys = _recall_completeness(plan.library, fingerprints, manifest)
    todo = []
    for job in plan.jobs:
        path = job.output(request.output)
        entry = None if request.force else manifest.fresh(path, fingerprints.key(job))
        if entry is None:
            todo.append(job)
        else:
            reporter.up_to_date(job, display_path(path))

    def record(result: JobResult) -> None:
        reporter.result(result)
        if result.ok:
            manifest.record(result)  # under the key it was rendered from, not the one computed above
        else:
            manifest.forget(result.job.output(request.output))

    size = min(request.workers or default_workers(), len(todo))
    if size > 1:
        todo = manifest.slowest_first(todo, request.output)
    try:
        if pool is not None:
            results = []
            for job in todo:
                if stop():
                    break
                results.append(pool.build(job))
                record(results[-1])
        elif size > 1:
            settings = worker_settings(request, plan.library.content_dir, tuple(sorted({j.guide for j in todo})))
            results = WorkerPool(settings, size).run(todo, record, stop=stop)
        elif todo:
            from generator.produce.builder import Builder

            builder = Builder(plan.library, request.output, templates, params=request.params,
                              strict=request.strict, timeout=request.timeout, brand=request.brand)
            results = builder.run(todo, record, stop=stop)
        else:
            results = []
    finally:
        _remember_completeness(plan.library, completeness_keys, manifest)
        manifest.save()
    return results, len(todo) - len(results)


def _recall_completeness(library: Library, fingerprints: Fingerprints,
                         manifest: Manifest) -> dict[tuple[str, str], str]:
    """Which languages each guide is complete in, as an earlier build into this folder worked out from the
    same inputs (otherwise every catalog of the library is read to key the handouts); the completeness key
    of each (guide, language)."""
    from generator.produce.availability import tell_completeness

    keys = {}
    for name, source in library.guides.items():
        for language in source.languages:
            keys[name, language] = fingerprints.completeness_key(name, language)
            known = manifest.complete.get(keys[name, language])
            if known is not None:
                tell_completeness(source, language, known)
    return keys


def _remember_completeness(library: Library, keys: dict[tuple[str, str], str], manifest: Manifest) -> None:
    """Record what this build worked out, under the keys of the inputs it was worked out from."""
    from generator.produce.availability import known_completeness

    for name, source in library.guides.items():
        for language, complete in known_completeness(source).items():
            if (name, language) in keys:
                manifest.learn_completeness(keys[name, language], complete)
