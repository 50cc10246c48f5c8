"""One document for one reader: ``guidegen render`` (written where asked) and ``guidegen print`` (kept in the
output folder and reused while it is up to date)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.produce.jobs import Job, JobResult, describe_languages
from generator.errors import ContentError, GuidegenError
from generator.render.formats import PrintOptions

if TYPE_CHECKING:
    from generator.i18n.library import GuideSource
    from generator.render.brand import LoadedBrand
    from generator.render.templates import Templates


@dataclass(frozen=True, kw_only=True)
class DocumentRequest:
    """What `guidegen render` or `guidegen print` was asked for."""

    content: Path
    guide: str
    language: str | None = None  # none: the environment's language, else the guide's source language
    format: str = "handout"
    options: PrintOptions = PrintOptions()
    params: dict[str, str] = field(default_factory=dict)
    strict: bool = False
    templates_dir: Path | None = None
    brand: LoadedBrand | None = None

    @property
    def templates(self) -> Templates:
        from generator.render.templates import Templates

        return Templates([self.templates_dir] if self.templates_dir else [], self.content)


def reader_language(source: GuideSource, language: str | None) -> str:
    """The guide's language closest to ``language``, else to the environment's, else its source language."""
    from generator.content.languages import language_from_environment

    requested = language or language_from_environment(os.environ) or source.guide.source_language
    found = source.resolve_language(requested)
    if found is None:
        origin = "" if language else " (from the environment; choose another with --lang)"
        raise GuidegenError(f"{source.id}: no '{requested}' version{origin}; available: "
                            f"{describe_languages(source.languages)}")
    return found


def render_document(request: DocumentRequest, output: Path | None = None) -> JobResult:
    """Make the document and write it to ``output`` (default: ``<guide>-<format>[-variant].<language>.pdf``)."""
    from generator.produce.builder import Builder
    from generator.i18n.library import load_library

    library = load_library(request.content, [request.guide])
    if library.problems:
        raise ContentError(library.problems)
    language = reader_language(library.get(request.guide), request.language)
    options = request.options.for_format(request.format)
    variant = f"-{options.variant}" if options.variant else ""
    target = output or Path(f"{request.guide}-{request.format}{variant}.{language}.pdf")
    builder = Builder(library, target.parent, request.templates, params=request.params, strict=request.strict,
                      brand=request.brand)
    return builder.build(Job(request.guide, language, request.format, options), target.resolve())


def current_document(request: DocumentRequest, out_dir: Path) -> tuple[Job, Path, bool]:
    """The document in ``out_dir``, built first unless it is up to date: its job, path, and whether it was built."""
    from generator.produce.ondemand import OnDemand
    from generator.produce.outputs import check_output_folder

    check_output_folder(out_dir, request.content)
    desk = OnDemand(request.content, out_dir, request.templates, request.brand, params=request.params)
    language = reader_language(desk.library.get(request.guide), request.language)
    job = Job(request.guide, language, request.format, request.options.for_format(request.format))
    path, built = desk.document(job)
    return job, path, built is not None
