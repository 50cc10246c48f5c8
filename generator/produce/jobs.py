"""Jobs: what one build is asked to make (guide × language × format × print options) and how it went.

Kept apart from ``build`` so that planning, listing and skipping up-to-date
documents load none of the rendering stack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.render.formats import PrintOptions
from generator.content.languages import english_name, native_name
from generator.produce.outputs import output_path

if TYPE_CHECKING:
    from generator.i18n.library import Library
    from generator.i18n.localize import Fallback


@dataclass(frozen=True, order=True)
class Job:
    guide: str
    language: str
    format: str
    options: PrintOptions = PrintOptions()

    @property
    def paper(self) -> str:
        return self.options.paper

    @property
    def variant(self) -> str:
        """What sets this document apart from the default one of its format, for its file name."""
        return self.options.variant

    @property
    def label(self) -> str:
        return f"{self.language}/{self.guide}-{self.format}{'-' + self.variant if self.variant else ''}"

    def output(self, out_dir: Path) -> Path:
        return output_path(out_dir, self.guide, self.language, self.format, self.variant)

    def to_json(self, out_dir: Path) -> str:
        """One line of ``build --list-jobs``."""
        import json

        return json.dumps({"guide": self.guide, "language": self.language, "format": self.format,
                           **self.options.as_dict(), "output": str(self.output(out_dir))}, ensure_ascii=False)


@dataclass
class JobResult:
    job: Job
    path: Path | None = None
    pages: int = 0
    error: str = ""
    fallbacks: list[Fallback] = field(default_factory=list)
    ui_missing: list[str] = field(default_factory=list)
    font_size: float | None = None
    warnings: list[str] = field(default_factory=list)  # logged by WeasyPrint
    seconds: float = 0.0  # how long it took, to schedule the slowest first next time
    columns: int = 1  # a checklist that only fits in two
    record_left_out: bool = False  # a checklist whose record found no room on its one page
    sheets: int = 0  # of an imposed booklet
    key: str = ""  # the cache key of the inputs it was rendered from (see snapshot, cache)
    transient: bool = False  # failed for a reason outside the content (a full disk, a dead worker): try again
    stamp: dict[str, int] | None = None  # size and mtime_ns of the file as written

    @property
    def ok(self) -> bool:
        return not self.error


def describe_languages(tags: Iterable[str]) -> str:
    return ", ".join(f"{tag} ({native_name(tag)}, {english_name(tag)})" for tag in tags)


def plan_jobs(library: Library, guide_ids: list[str], languages: list[str], formats: list[str],
              variants: list[PrintOptions] | None = None) -> tuple[list[Job], list[str]]:
    """The jobs for a request, and an error per (guide, language) that cannot be served.

    ``languages`` empty or containing ``all`` means every language of each guide.
    """
    jobs: list[Job] = []
    errors: list[str] = []
    for guide_id in guide_ids or sorted(library.guides):
        source = library.get(guide_id)
        if not languages or "all" in languages:
            chosen = source.languages
        else:
            chosen = []
            for requested in languages:
                found = source.resolve_language(requested)
                if found is None:
                    errors.append(
                        f"{guide_id}: no '{requested}' version; available: {describe_languages(source.languages)}"
                    )
                elif found not in chosen:
                    chosen.append(found)
        jobs.extend(Job(guide_id, lang, fmt, options.for_format(fmt)) for lang in chosen for fmt in formats
                    for options in (variants or [PrintOptions()]))
    return jobs, errors


def shard_jobs(jobs: list[Job], index: int, count: int) -> list[Job]:
    """The ``index``-th (1-based) of ``count`` slices: every count-th job, so slices stay balanced."""
    return jobs[index - 1::count]
