"""Building documents: render each job, verify, write atomically.

A build is a list of independent jobs (``jobs``). One failing job is reported
and the others still run.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from generator.content import snapshot
from generator.render.booklet import impose_booklet
from generator.render.brand import LoadedBrand
from generator.produce.availability import also_available
from generator.produce.cache import Fingerprints, fingerprint_options
from generator.i18n.catalogs import read_catalog
from generator.content.loader import load_guide
from generator.errors import GuidegenError, OutputError, display_path
from generator.fonts.stacks import CJK_FLOOR_PT, LATIN_FLOOR_PT, is_cjk
from generator.fonts.coverage import find_printed_gaps
from generator.produce.fitting import Fit, largest_fitting
from generator.produce.jobs import Job, JobResult
from generator.content.model import Record
from generator.content.languages import direction
from generator.i18n.library import Library
from generator.i18n.localize import Fallback, LocalizedGuide, localize
from generator.i18n.usability import INVALID
from generator.produce.outputs import write_atomic
from generator.render.html import DocumentOptions, RenderedHtml, Templates, render_html
from generator.render.record import RecordLines, least as least_record, stretched as stretched_record
from generator.i18n.ui_strings import load_ui_strings

if TYPE_CHECKING:
    from generator.render.pdf import Layout
    from generator.content.snapshot import DocumentInputs, Folder

ALSO_CLASS = "also-available"  # the handout's closing line naming the other languages (handout.html.j2)
CHECKLIST_START_PT = 14.0  # the first size tried: most checklists fit at once
CHECKLIST_TOP_PT = 18.0  # a short checklist grows up to the large-print body size
LARGE_CHECKLIST_START_PT = 20.0
LARGE_PRINT_FLOOR_PT = 18.0  # large print never goes below 18 pt
_KEPT_PARSES = 16  # parsed guides and catalogs kept by a Builder
T = TypeVar("T")


class _TimeUp(Exception):
    pass


@contextmanager
def time_limit(seconds: float, label: str) -> Iterator[None]:
    """Stop a render that runs away (pathological content) after ``seconds``.

    Uses SIGALRM, so it applies in the main thread of a POSIX process, where the
    CLI runs; elsewhere it does nothing.
    """
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimeUp:
        raise GuidegenError(f"{label}: stopped after {seconds:g} s (time limit per document; "
                            "is some content pathologically long?)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_glyphs(rendered: RenderedHtml) -> None:
    """Fail before rendering if any printed character is missing from the language's fonts."""
    gaps = find_printed_gaps(rendered.printed)
    if gaps:
        raise GuidegenError(f"{len(gaps)} character(s) would print as boxes: " + "; ".join(map(str, gaps[:10])))


def check_on_page(layout: Layout, printed: list[tuple[str, str, str]]) -> None:
    """Fail a document with text past the edge of the page, naming the strings it comes from."""
    if not layout.off_page:
        return
    names: list[str] = []
    for text in layout.off_page:
        name = _string_of(text, printed)
        if name not in names:
            names.append(name)
    raise GuidegenError(f"text runs off the page (a word too long for the line?): {'; '.join(names[:10])}")


def _string_of(text: str, printed: list[tuple[str, str, str]]) -> str:
    """The id of the printed string a piece of a line comes from, else the piece itself, shortened."""
    piece = "".join(text.split())
    shown = piece if len(piece) <= 24 else piece[:20] + "…"
    if piece:
        for name, source, _ in printed:
            if piece in "".join(source.split()):
                return f"{name} ('{shown}')"
    return f"'{shown}'"


def _refuse_invalid(fallbacks: list[Fallback], catalog: Path) -> None:
    """A translation that is there but wrong fails the document; only missing or fuzzy ones fall back."""
    invalid = [f for f in fallbacks if f.reason in INVALID]
    if invalid:
        raise GuidegenError("; ".join(f"{display_path(catalog)}:{f.line}: {f.context}: translation {f.detail}"
                                      for f in invalid))


class Builder:
    """Renders jobs of one library in this process, reusing templates and the renderer."""

    def __init__(self, library: Library, out_dir: Path, templates: Templates, *,
                 params: Mapping[str, str] | None = None, strict: bool = False, timeout: float = 120.0,
                 brand: LoadedBrand | None = None):
        from generator.render.pdf import Renderer  # imports WeasyPrint: only when building

        self.library = library
        self.out_dir = out_dir
        self.templates = templates
        self.params = dict(params or {})
        self.strict = strict
        self.timeout = timeout
        self.brand = brand
        self.renderer = Renderer(templates.dirs)
        self.key_options = fingerprint_options(self.params, strict, brand)
        self._printed: list[tuple[str, str, str]] = []  # of the last document laid out
        self._parses: dict[tuple[object, ...], object] = {}

    def run(self, jobs: list[Job], report: Callable[[JobResult], None],
            stop: Callable[[], bool] = lambda: False) -> list[JobResult]:
        """Build jobs in order; ``stop()`` is asked between documents (a graceful Ctrl-C)."""
        results = []
        for job in jobs:
            if stop():
                break
            result = self.build(job)
            report(result)
            results.append(result)
        return results

    def build(self, job: Job, path: Path | None = None) -> JobResult:
        """Build one document to ``path`` (default: its place in the output folder)."""
        result = JobResult(job)
        started = time.perf_counter()
        try:
            source = self.library.get(job.guide)
            path = path or job.output(self.out_dir)
            inputs = snapshot.read_inputs(source.folder, source.loaded.path.name, job.language, self.templates.read())
            with time_limit(self.timeout, job.label):
                data = self.render(inputs, job, result)
            written = write_atomic(path, data)
            result.path = path
            result.stamp = {"size": written.st_size, "mtime_ns": written.st_mtime_ns}
        except OutputError as error:
            result.error, result.transient = str(error), True
        except GuidegenError as error:
            result.error = str(error)
        result.seconds = time.perf_counter() - started
        return result

    def render(self, inputs: DocumentInputs, job: Job, result: JobResult) -> bytes:
        """The PDF of ``job`` made from ``inputs`` alone; ``result.key`` becomes the key of those inputs."""
        also = also_available(self.library, job.guide, job.language) if job.format == "handout" else ()
        localized = self._localized(inputs, job, result, also)
        ui = load_ui_strings(job.language, self.templates.catalog_dirs, inputs.templates)
        result.fallbacks = localized.fallbacks
        _refuse_invalid(localized.fallbacks, inputs.catalog_path)
        options = DocumentOptions(job.format, job.options, self.params)
        html = partial(render_html, localized, options, self.templates, ui=ui, assets_dir=inputs.assets,
                       subset_fonts=True, brand=self.brand, files=inputs.templates, also_available=also)
        if job.format == "checklist":
            layout = self._fit_checklist(html, localized.language, options, result, inputs,
                                         localized.guide.checklist.record)
        else:
            rendered = html()
            check_glyphs(rendered)
            layout = self._layout(rendered, inputs)
            from generator.render.pdf import only_on_last_page

            if also and only_on_last_page(layout, ALSO_CLASS):  # no page just for "Also available in"
                html = partial(html, also_available=())
                layout = self._layout(html(), inputs)  # not a warning: the author has nothing to fix
            if job.options.duplex and layout.pages % 2:
                layout = self._layout(html(duplex_pad=True), inputs)
        result.ui_missing = list(ui.missing)
        result.warnings += self.renderer.warnings
        if self.strict and (result.fallbacks or result.ui_missing):
            raise GuidegenError(
                f"{len(result.fallbacks) + len(result.ui_missing)} string(s) not translated (--strict): "
                + ", ".join([f.context for f in result.fallbacks] + result.ui_missing)
            )
        check_on_page(layout, self._printed)
        result.pages = layout.pages
        data = self.renderer.write(layout, archival=job.options.pdf_a)
        if job.options.booklet:
            data, result.sheets = impose_booklet(data, job.paper, right_to_left=direction(job.language) == "rtl")
        return data

    def _localized(self, inputs: DocumentInputs, job: Job, result: JobResult,
                   also: tuple[str, ...] = ()) -> LocalizedGuide:
        """The guide parsed from the snapshot's bytes, in the job's language; sets ``result.key``
        (``also``: the other languages a handout names)."""
        guide = self._parsed(("guide", inputs.guide_path, inputs.guide, inputs.assets.digest),
                             lambda: load_guide(inputs.guide_path, inputs.guide, inputs.assets)[0])
        # A new Fingerprints per document: a long-running desk must see font files that changed.
        keys = Fingerprints(None, self.templates, self.key_options)
        result.key = keys.key_of(job, inputs, guide.source_language, also)
        catalog = None
        if job.language != guide.source_language:
            if inputs.catalog is None:
                raise GuidegenError(f"{display_path(inputs.catalog_path)}: no such catalog (removed?)")
            data = inputs.catalog
            catalog = self._parsed(("catalog", inputs.catalog_path, job.language, data),
                                   lambda: read_catalog(inputs.catalog_path, job.language, data))
        return localize(guide, job.language, catalog)

    def _parsed(self, key: tuple[object, ...], parse: Callable[[], T]) -> T:
        """What ``parse`` makes of some bytes, kept for the next documents made from the same bytes
        (a guide's handout and checklist, its variants); keyed by the bytes themselves."""
        if key not in self._parses:
            if len(self._parses) >= _KEPT_PARSES:
                self._parses.pop(next(iter(self._parses)))
            self._parses[key] = parse()
        return cast(T, self._parses[key])

    def _layout(self, rendered: RenderedHtml, inputs: DocumentInputs) -> Layout:
        self._printed = rendered.printed
        folders: list[Path | Folder] = [inputs.assets, *([self.brand.files()] if self.brand else [])]
        return self.renderer.layout(rendered.html, folders, rendered.resources, inputs.templates)

    def _fit_checklist(self, html: Callable[..., RenderedHtml], language: str, options: DocumentOptions,
                       result: JobResult, inputs: DocumentInputs, record: Record | None) -> Layout:
        """Lay out the checklist on one page: the largest type that fits (from the floor up to the large-print
        size), with its record's write-in lines at their least; then the same in two columns; else fail,
        saying by how much it is over. The record's lines then take the room that is left. A record that
        leaves no room for the check items at the floor is left out (``result.record_left_out``): the
        checks come first."""
        large = options.print.large_print
        start = LARGE_CHECKLIST_START_PT if large else CHECKLIST_START_PT
        floor = LARGE_PRINT_FLOOR_PT if large else (CJK_FLOOR_PT if is_cjk(language) else LATIN_FLOOR_PT)
        top = LARGE_CHECKLIST_START_PT if large else CHECKLIST_TOP_PT
        checked = False

        made: dict[tuple[float, int, bool], Layout] = {}  # layouts with the record at its least, or none

        def lay_out(size: float, columns: int, shown: Record | None, lines: RecordLines | None = None) -> Layout:
            key = (size, columns, shown is None)
            if lines is None and key in made:
                return made[key]
            layout = _lay_out(size, columns, shown, lines)
            if lines is None:
                made[key] = layout
            return layout

        def _lay_out(size: float, columns: int, shown: Record | None, lines: RecordLines | None) -> Layout:
            nonlocal checked
            rendered = html(font_size_pt=size, columns=columns,
                            record=lines or (least_record(shown, size) if shown else None))
            if not checked:
                check_glyphs(rendered)
                checked = True
            return self._layout(rendered, inputs)

        overflow = float("inf")
        for with_record in ([record, None] if record else [None]):
            if with_record is None and record is not None:
                probe = lay_out(floor, 2, None)  # kept for the search below
                if probe.pages > 1:  # not even without the record, at the floor in two columns
                    overflow = min(overflow, probe.overflow)
                    break
            one_column: Fit | None = None
            for columns in (1, 2):
                fit = largest_fitting(partial(_at_size, lay_out, columns, with_record),
                                      start, floor, top, columns, guide=one_column, more_columns_next=columns == 1)
                if fit.size is None or fit.layout is None:
                    overflow = min(overflow, fit.overflow)
                    one_column = fit  # two columns start where its heights say
                    continue
                result.font_size, result.columns = fit.size, columns
                result.record_left_out = record is not None and with_record is None
                if with_record is None:
                    return fit.layout
                more = stretched_record(with_record, fit.size, fit.layout.free_pt)
                if more == least_record(with_record, fit.size):
                    return fit.layout
                layout = lay_out(fit.size, columns, with_record, more)
                return layout if layout.pages == 1 else lay_out(fit.size, columns, with_record)
        raise GuidegenError(
            f"checklist does not fit on one page even at {floor:g} pt in two columns: "
            f"{overflow:.0%} of a page too much; shorten or remove items")


def _at_size(lay_out: Callable[[float, int, Record | None], Layout], columns: int, record: Record | None,
             size: float) -> Layout:
    """``lay_out`` at ``size`` with the columns and record fixed (what the type-size search varies)."""
    return lay_out(size, columns, record)
