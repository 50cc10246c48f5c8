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
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.content.assets import AssetProblem, check_image
from generator.errors import GuidegenError
from generator.content.snapshot import Folder, TemplateFiles
from generator.render import engine_patches
from generator.render.engine_patches import page_box
from generator.render.patch_tagging import mark_running_artifacts

MAX_DATA_URL = 256_000
# PDF/A-3u written by WeasyPrint carries pdfaid in its XMP; this adds that it is PDF/UA-1 too.
PDFUA_XMP_URL = "file:///guidegen-generated/pdfua.xmp"
PDFUA_XMP = (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
             b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'
             b'</rdf:RDF>')


@dataclass
class Layout:
    """A laid-out document: its page count and the WeasyPrint document to write."""

    document: Any
    pages: int
    overflow: float  # content height past the first page, as a fraction of a page
    free_pt: float = 0.0  # room left under the content of the first page, in points
    body_pt: float = 0.0  # height of the first page's content box, in points
    refused: list[str] = field(default_factory=list)  # the fetcher's refusals, also those made while drawing
    off_page: list[str] = field(default_factory=list)  # text of lines that run past the page's content box


class FetchRefused(GuidegenError):
    pass


def _fetcher_class() -> type:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class TemplateFetcher(URLFetcher):
        """Serves the template folders' and assets' files as read in a snapshot, and small ``data:`` URLs;
        refuses everything else. Nothing is read from disk here."""

        def __init__(self, templates: TemplateFiles, assets: list[Folder], generated: dict[str, bytes]):
            super().__init__(fail_on_errors=True, allowed_protocols=("file", "data"))
            self.generated = generated
            self.templates = templates
            self.base_dir = templates.dirs[-1]
            self.assets = assets
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            try:
                return self._fetch(url)
            except FetchRefused as refusal:
                self.refused.append(str(refusal))
                raise FatalURLFetchingError(str(refusal)) from None

        def stylesheet_source(self, url: str) -> bytes | None:
            """The bytes of a template folder's file at ``url`` (a linked stylesheet), else ``None``."""
            if url in self.generated or url.startswith("data:"):
                return None
            try:
                _, data, image = self._local_file(url)
            except FetchRefused:
                return None  # refused again, and recorded, when WeasyPrint fetches it
            return None if image else data

        def _fetch(self, url: str) -> Any:
            if url in self.generated:  # made by guidegen for this document (subset fonts)
                return URLFetcherResponse(url, self.generated[url], {"Content-Type": "font/otf"})
            if url.startswith("data:"):
                if len(url) > MAX_DATA_URL:
                    raise FetchRefused(f"refused a data: URL of {len(url):,} characters")
                return super().fetch(url)
            return self._response(url, *self._local_file(url))

        def _local_file(self, url: str) -> tuple[Path, bytes, bool]:
            """The file a ``file:`` URL names in the assets folders (an image) or the template folders: its path,
            bytes, and whether it is an asset; FetchRefused for anything else."""
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise FetchRefused(f"refused to fetch {url}: only the template and assets folders are readable")
            path = Path(unquote(parts.path)).resolve()
            for folder in self.assets:
                data = folder.get(path)
                if data is not None:
                    return path, data, True
            found = self.templates.find(self._relative(path, url).as_posix())
            if found is not None:
                return found[0], found[1], False
            raise FetchRefused(f"refused to fetch {url}: not a file in the template or assets folders")

        def _response(self, url: str, path: Path, data: bytes, image: bool) -> Any:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if image or content_type.startswith("image/"):
                try:
                    info = check_image(data)
                except AssetProblem as problem:
                    raise FetchRefused(f"refused image {url}: it {problem}") from None
                return URLFetcherResponse(url, data, {"Content-Type": info.mime})
            return URLFetcherResponse(url, data, {"Content-Type": content_type})

        def _relative(self, resolved: Path, url: str) -> PurePosixPath:
            if not resolved.is_relative_to(self.base_dir):
                raise FetchRefused(f"refused to fetch {url}: outside the template and assets folders")
            return PurePosixPath(resolved.relative_to(self.base_dir).as_posix())

    return TemplateFetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        (self.errors if record.levelno >= logging.ERROR else self.messages).append(record.getMessage())


@contextmanager
def _weasyprint_log() -> Iterator[_Collect]:
    """WeasyPrint's warnings and errors while the block runs (it logs them, it does not raise)."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield handler
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
    engine_patches.install()  # refuses a WeasyPrint the patches were not written for
    return weasyprint


class Renderer:
    """Lays out and writes PDFs; one instance serves many documents in a process."""

    def __init__(self, template_dirs: list[Path]):
        self.template_dirs = template_dirs
        self.warnings: list[str] = []

    def warm_up(self, samples: dict[str, tuple[str, tuple[str, ...]]]) -> None:
        """Import WeasyPrint and lay out one line per language (``tag: (text, font families)``), so that
        fontconfig, Pango and the fonts are set up; processes forked afterwards start warm."""
        from html import escape

        HTML = import_weasyprint().HTML
        lines = "".join(
            f'<p lang="{escape(tag)}" style="font-family: {", ".join(repr(f) for f in families)}">{escape(text)}</p>'
            for tag, (text, families) in samples.items())
        HTML(string=f"<!doctype html><html><body>{lines}</body></html>").render()

    def layout(self, html: str, asset_dirs: list[Path | Folder] | None = None,
               generated: dict[str, bytes] | None = None, files: TemplateFiles | None = None) -> Layout:
        """Lay out ``html``; it may fetch files of the template folders (``files``, a snapshot of them;
        read now when not given) and of ``asset_dirs`` (folders read now, or snapshots), and the
        ``generated`` files by their exact URL."""
        HTML = import_weasyprint().HTML
        from weasyprint.urls import FatalURLFetchingError

        generated = {**(generated or {}), PDFUA_XMP_URL: PDFUA_XMP}
        files = files or TemplateFiles.read(self.template_dirs)
        assets = [Folder.read(d) if isinstance(d, Path) else d for d in asset_dirs or []]
        fetcher = _fetcher_class()(files, assets, generated)
        with _weasyprint_log() as log:
            try:
                document = HTML(string=html, base_url=files.dirs[-1].as_uri() + "/",
                                url_fetcher=fetcher).render()
            except FatalURLFetchingError:
                raise GuidegenError("; ".join(fetcher.refused) or "a resource could not be fetched") from None
        self.warnings = log.messages + log.errors
        layout = Layout(document, len(document.pages), _overflow(document), *_room_pt(document),
                        fetcher.refused, off_page(document))
        _fail_on_refusals(layout)
        return layout

    def write(self, layout: Layout, archival: bool = False) -> bytes:
        """The PDF bytes: tagged PDF/UA-1, or with ``archival`` PDF/A-3u that is tagged too.

        WeasyPrint only logs what makes a tagged PDF inaccessible (no document
        language, an image without alt text); here that fails the document.
        Images inside SVG are fetched only now, while drawing.
        """
        options: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}
        if archival:
            options = {"pdf_variant": "pdf/a-3u", "pdf_tags": True, "xmp_metadata": [PDFUA_XMP_URL]}
        with _weasyprint_log() as log:
            mark_running_artifacts(layout.document)
            data = layout.document.write_pdf(**options)
        self.warnings += log.messages
        del layout.document
        _collect_garbage()
        _fail_on_refusals(layout)
        if log.errors:
            raise GuidegenError("not accessible as tagged PDF: " + "; ".join(dict.fromkeys(log.errors)))
        return data


_frozen = False


def _collect_garbage() -> None:
    """Free a document's boxes now: without it a worker grows to 600 MB over a batch.

    A full collection walks every object, WeasyPrint's modules and caches
    included (30 ms a document). After the first document those survivors are
    frozen out of the collector's view, so later collections walk only the
    garbage of one document.
    """
    global _frozen
    gc.collect()
    if not _frozen:
        gc.freeze()
        _frozen = True


def _fail_on_refusals(layout: Layout) -> None:
    """WeasyPrint logs and skips some failed fetches (images inside SVG); a refusal fails the document."""
    if layout.refused:
        raise GuidegenError("; ".join(dict.fromkeys(layout.refused)))


def _overflow(document: Any) -> float:
    """How much content runs past the first page, in pages (0 when it fits)."""
    over = 0.0
    for page in document.pages[1:]:
        box = page_box(page)
        content_bottom = max((_content_bottom(child) for child in box.children
                              if type(child).__name__ != "MarginBox"), default=0.0)
        body_height = box.height  # the page's content box
        used = max(0.0, content_bottom - box.content_box_y())
        over += min(1.0, used / body_height) if body_height else 1.0
    return over


def _room_pt(document: Any) -> tuple[float, float]:
    """The room between the end of the first page's content and its bottom margin, and the height of its
    content box, in points. The end is that of the last line or box in reading order, so in two columns it
    is the room left at the foot of the last column."""
    box = page_box(document.pages[0])
    end = _end_of(box) or box.content_box_y()
    return max(0.0, box.content_box_y() + box.height - end) * 0.75, box.height * 0.75  # CSS px → pt


def _end_of(box: Any) -> float | None:
    """The bottom of the last line or box without children inside ``box``, in reading order."""
    children = [child for child in getattr(box, "children", None) or []
                if type(child).__name__ not in ("MarginBox", "AbsolutePlaceholder")]
    if not children or type(box).__name__ == "LineBox":
        return box.position_y + box.margin_height() if hasattr(box, "margin_height") else None
    for child in reversed(children):
        end = _end_of(child)
        if end is not None:
            return end
    return None


def _content_bottom(box: Any) -> float:
    bottom = box.position_y + box.margin_height() if hasattr(box, "margin_height") else 0.0
    for child in getattr(box, "children", []) or []:
        if type(child).__name__ == "MarginBox":
            continue
        bottom = max(bottom, _content_bottom(child))
    return bottom


def only_on_last_page(layout: Layout, css_class: str) -> bool:
    """Whether the last page of a document of several holds nothing but text inside elements of ``css_class``
    (a closing line that spilled over onto a page of its own)."""
    if layout.pages < 2:
        return False
    page = page_box(layout.document.pages[-1])
    texts: list[bool] = []  # per text box: inside such an element?

    def walk(box: Any, inside: bool) -> None:
        element = getattr(box, "element", None)
        classes = element.get("class", "").split() if element is not None and hasattr(element, "get") else []
        inside = inside or css_class in classes
        if type(box).__name__ == "TextBox" and box.text.strip():
            texts.append(inside)
        for child in getattr(box, "children", None) or []:
            walk(child, inside)

    for child in page.children:
        if type(child).__name__ != "MarginBox":
            walk(child, False)
    return bool(texts) and all(texts)


OFF_PAGE_TOLERANCE_PT = 0.5  # rounding in layout, not text off the page


def off_page(document: Any) -> list[str]:
    """The text of every piece of a line that sticks out of its page's content box, left or right.

    Text in margin boxes (running footers) must stay on the page itself.
    """
    found: list[str] = []
    for page in document.pages:
        box = page_box(page)
        left, right = box.content_box_x(), box.content_box_x() + box.width
        page_left, page_right = box.position_x, box.position_x + box.margin_width()
        for child in box.children:
            if type(child).__name__ == "MarginBox":
                _texts_outside(child, page_left - OFF_PAGE_TOLERANCE_PT, page_right + OFF_PAGE_TOLERANCE_PT, found)
            else:
                _texts_outside(child, left - OFF_PAGE_TOLERANCE_PT, right + OFF_PAGE_TOLERANCE_PT, found)
    return found


def _texts_outside(box: Any, left: float, right: float, found: list[str]) -> None:
    if type(box).__name__ == "TextBox":
        if box.position_x < left or box.position_x + box.width > right:
            found.append(box.text)
        return
    for child in getattr(box, "children", None) or []:
        _texts_outside(child, left, right, found)
