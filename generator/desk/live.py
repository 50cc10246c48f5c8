"""Live reload for ``guidegen serve``: a document's version, and the content errors that stop it.

A preview page carries the version of its document (its cache key: the hash of
everything that shapes its bytes) and ``desk.js`` asks ``…/version`` every two
seconds; a different answer (an edited guide, catalog, template or asset)
reloads the page. A guide or catalog that does not load has no document: its
version is a hash of its problems, which the page shows as ``file:line:col``
lines, named relative to the content folder (never where the folder is).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort

from generator.content.languages import is_valid_tag
from generator.desk.state import DeskState, current
from generator.render.formats import FORMATS
from generator.produce.jobs import Job
from generator.produce.ondemand import OnDemand
from generator.errors import ContentError, GuidegenError, Problem

VERSION_INTERVAL_S = 2  # how often desk.js asks (documented here; the script has its own constant)


@dataclass(frozen=True)
class Live:
    """What a page needs to reload itself: where to ask, and the version it shows."""

    url: str
    version: str


def shown(problem: Problem, content_dir: Path) -> str:
    """``guide/guide.yaml:12:3: message``: the file named from the content folder, the folder itself never."""
    try:
        name = Path(problem.file).resolve().relative_to(content_dir).as_posix()
    except (ValueError, OSError):
        name = Path(problem.file).name
    text = str(Problem(name, problem.line, problem.column, problem.message))
    return text.replace(str(content_dir), "…")


def guide_problems(desk: OnDemand, content_dir: Path, guide: str, language: str) -> list[str]:
    """The problems that stop ``guide`` in ``language``: its own file's (a guide that did not load), or its
    catalog's (one that does not parse); empty when there are none."""
    library = desk.library
    folder = (content_dir / guide).resolve()
    found: list[Problem] = []
    if guide in library.broken:
        found = [problem for problem in library.problems if _inside(problem.file, folder)]
    source = library.guides.get(guide)
    if source is not None and language in source.languages:
        try:
            source.catalog(language)
        except ContentError as error:
            found += error.problems
    return [shown(problem, content_dir) for problem in sorted(set(found))]


def problems_version(problems: list[str]) -> str:
    return "problems-" + hashlib.sha256("\n".join(problems).encode()).hexdigest()[:32]


def document_version(desk: OnDemand, job: Job) -> str:
    """The cache key of the document as its inputs are now ("unavailable" when they cannot be read)."""
    try:
        return desk.key(job)
    except (GuidegenError, OSError):
        return "unavailable"


def _inside(file: str, folder: Path) -> bool:
    try:
        return Path(file).resolve().is_relative_to(folder)
    except OSError:
        return False


def version_url(tag: str, guide: str, format_: str) -> str:
    return f"/{tag}/{guide}/{format_}/version"


def problems_of(desk: DeskState, tag: str, guide: str, format_: str) -> list[str]:
    """The content errors that stop this document (a guide or catalog that does not load), if any.

    A guide that did not load is not in the library: its address is checked against the folders
    that failed, a well-formed language tag and a known format instead."""
    broken = guide in desk.documents.library.broken
    if broken and not (is_valid_tag(tag) and format_ in FORMATS):
        abort(404)
    if not broken:
        desk.checked_job(tag, guide, format_)
    return guide_problems(desk.documents, desk.content_dir, guide, tag)


live = Blueprint("live", __name__)


@live.get("/<tag>/<guide>/<format_>/version")
def version(tag: str, guide: str, format_: str) -> Response:
    """What the preview page shows, as a short text: the document's key, or a hash of its errors."""
    desk = current()
    problems = problems_of(desk, tag, guide, format_)
    text = problems_version(problems) if problems else document_version(desk.documents,
                                                                        desk.checked_job(tag, guide, format_))
    return Response(text, mimetype="text/plain", headers={"Cache-Control": "no-store"})
