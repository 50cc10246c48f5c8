"""HTML → PDF with WeasyPrint, behind a fetcher that reads only the template folders.

WeasyPrint is imported here and only here, lazily: commands that do not render
(``--help``, ``check``, ``languages``) never pay its import time.
"""

from __future__ import annotations

import gc
import logging
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.errors import GuidegenError

MAX_DATA_URL = 256_000


@dataclass
class Layout:
    """A laid-out document: its page count and the WeasyPrint document to write."""

    document: Any
    pages: int
    overflow: float  # content height past the first page, as a fraction of a page


class FetchRefused(GuidegenError):
    pass


def _fetcher_class() -> type:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class TemplateFetcher(URLFetcher):
        """Serves files from the template folders and small ``data:`` URLs; refuses everything else."""

        def __init__(self, base_dir: Path, search_dirs: list[Path]):
            super().__init__(fail_on_errors=True, allowed_protocols=("file", "data"))
            self.base_dir = base_dir.resolve()
            self.search_dirs = [d.resolve() for d in search_dirs]
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            try:
                return self._fetch(url)
            except FetchRefused as refusal:
                self.refused.append(str(refusal))
                raise FatalURLFetchingError(str(refusal)) from None

        def _fetch(self, url: str) -> Any:
            if url.startswith("data:"):
                if len(url) > MAX_DATA_URL:
                    raise FetchRefused(f"refused a data: URL of {len(url):,} characters")
                return super().fetch(url)
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise FetchRefused(f"refused to fetch {url}: only the template folders are readable")
            relative = self._relative(unquote(parts.path), url)
            for folder in self.search_dirs:
                candidate = (folder / relative).resolve()
                if candidate.is_relative_to(folder) and candidate.is_file():
                    content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, candidate.read_bytes(), {"Content-Type": content_type})
            raise FetchRefused(f"refused to fetch {url}: not a file in the template folders")

        def _relative(self, path: str, url: str) -> PurePosixPath:
            resolved = Path(path).resolve()
            if not resolved.is_relative_to(self.base_dir):
                raise FetchRefused(f"refused to fetch {url}: outside the template folders")
            return PurePosixPath(resolved.relative_to(self.base_dir).as_posix())

    return TemplateFetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


def import_weasyprint() -> Any:
    """Import WeasyPrint, turning a missing system library into a one-line diagnosis."""
    try:
        import weasyprint
    except OSError as error:  # cffi could not load Pango, HarfBuzz, fontconfig…
        raise GuidegenError(
            f"WeasyPrint cannot load a system library ({error}); on Debian: "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0") from None
    return weasyprint


class Renderer:
    """Lays out and writes PDFs; one instance serves many documents in a process."""

    def __init__(self, template_dirs: list[Path]):
        self.template_dirs = template_dirs
        self.warnings: list[str] = []

    def layout(self, html: str) -> Layout:
        HTML = import_weasyprint().HTML
        from weasyprint.urls import FatalURLFetchingError

        fetcher = _fetcher_class()(self.template_dirs[-1], self.template_dirs)
        with _weasyprint_warnings() as warnings:
            try:
                document = HTML(string=html, base_url=self.template_dirs[-1].resolve().as_uri() + "/",
                                url_fetcher=fetcher).render()
            except FatalURLFetchingError:
                raise GuidegenError("; ".join(fetcher.refused) or "a resource could not be fetched") from None
        self.warnings = warnings
        return Layout(document, len(document.pages), _overflow(document))

    def write(self, layout: Layout) -> bytes:
        data = layout.document.write_pdf()
        del layout.document
        gc.collect()
        return data


def _overflow(document: Any) -> float:
    """How far the content runs past the first page, in pages (0 when it fits)."""
    pages = document.pages
    if len(pages) <= 1:
        return 0.0
    last = pages[-1]._page_box
    content_bottom = max((_content_bottom(child) for child in last.children
                          if type(child).__name__ != "MarginBox"), default=0.0)
    body_height = last.height - last.margin_top - last.margin_bottom
    used = max(0.0, content_bottom - last.content_box_y())
    return (len(pages) - 2) + (used / body_height if body_height else 1.0)


def _content_bottom(box: Any) -> float:
    bottom = box.position_y + box.margin_height() if hasattr(box, "margin_height") else 0.0
    for child in getattr(box, "children", []) or []:
        if type(child).__name__ == "MarginBox":
            continue
        bottom = max(bottom, _content_bottom(child))
    return bottom
