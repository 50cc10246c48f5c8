"""``guidegen watch``: rebuild documents as their guide, catalogs, templates, brand or assets change."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.options import (brand_option, document_selection, load_brand_file, parse_params, print_options,
                                   print_variants, templates_option)
from generator.render.formats import FORMATS

if TYPE_CHECKING:
    from watchfiles import Change
    from watchfiles._rust_notify import RustNotify


@click.command("watch")
@document_selection
@print_options
@brand_option
@templates_option
def watch(guides: tuple[str, ...], content: Path, languages: tuple[str, ...], formats: tuple[str, ...],
          papers: tuple[str, ...], output: Path, params: tuple[str, ...], strict: bool, timeout: float,
          large_print: bool, duplex: bool, booklet: bool, bleed: str, marks: bool, pdf_a: bool,
          brand_file: Path | None, templates_dir: Path | None) -> None:
    """Build, then rebuild exactly the documents whose inputs change, in one warm process.

    One line per document rebuilt; content errors as file:line:col lines, and the
    watch goes on. Ctrl-C stops it.
    """
    import watchfiles

    from generator.produce.batch import BuildRequest
    from generator.produce.outputs import check_output_folder
    from generator.produce.watch import watch as run, watched_paths

    check_output_folder(output, content)
    request = BuildRequest(
        content=content, output=output, guides=guides, languages=languages, formats=formats or FORMATS,
        variants=tuple(print_variants(papers, large_print=large_print, duplex=duplex, booklet=booklet, bleed=bleed,
                                      marks=marks, pdf_a=pdf_a)),
        params=parse_params(params), strict=strict, timeout=timeout, workers=1, templates_dir=templates_dir,
        brand=load_brand_file(brand_file))
    with _stop_on_interrupt() as stopped, _watcher(watched_paths(request)) as notify:
        run(request, _batches(notify, stopped, watchfiles.DefaultFilter(ignore_paths=[str(output.resolve())])),
            stop=stopped.is_set)
    click.echo("stopped watching", err=True)
    sys.exit(0)


@contextmanager
def _watcher(paths: list[Path]) -> Iterator[RustNotify]:
    """watchfiles' watcher, started at once: changes made during the first build are not lost.

    (``watchfiles.watch`` would start it only when first asked for changes, after the first build.)
    """
    from watchfiles._rust_notify import RustNotify  # watchfiles' documented Rust backend

    with RustNotify([str(path) for path in paths], False, False, 300, True, False) as notify:
        yield notify


def _batches(notify: RustNotify, stopped: threading.Event, keep: Callable[[Change, str], bool]) -> Iterator[set[Path]]:
    """Batches of changed paths, as ``watchfiles.watch`` groups them (1.6 s at most, 50 ms of quiet)."""
    from watchfiles import Change

    while True:
        raw = notify.watch(1600, 50, 5000, stopped)
        if raw in ("stop", "signal"):
            return
        if raw == "timeout":
            continue
        changed = {Path(path) for change, path in raw if keep(Change(change), path)}
        if changed:
            yield changed


@contextmanager
def _stop_on_interrupt() -> Iterator[threading.Event]:
    """First Ctrl-C: stop watching (a document being built is finished first). Second: stop at once."""
    stopped = threading.Event()

    def on_interrupt(signum: int, frame: object) -> None:
        if stopped.is_set():
            raise KeyboardInterrupt
        stopped.set()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGINT, previous)
