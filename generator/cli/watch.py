"""``guidegen watch``: rebuild documents as their guide, catalogs, templates, brand or assets change."""

from __future__ import annotations

import itertools
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from generator.cli.options import (brand_option, document_selection, load_brand_file, parse_params, print_options,
                                   print_variants, templates_option)
from generator.render.formats import FORMATS



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
    with _stop_on_interrupt() as stopped:
        run(request, _batches(watched_paths(request), output, stopped), stop=stopped.is_set)
    click.echo("stopped watching", err=True)
    sys.exit(0)


def _batches(paths: list[Path], output: Path, stopped: threading.Event) -> Iterator[set[Path]]:
    """Batches of changed paths, grouped as watchfiles does (1.6 s at most, 50 ms of quiet), our own output
    left out, until ``stopped`` is set.

    The watcher is started before this generator is first asked for a batch (before the first build), so
    changes made during the first build are not lost: ``watchfiles.watch`` starts its watcher only when first
    asked, so it is asked once here, and with ``yield_on_timeout`` that returns within ``rust_timeout``.
    """
    import watchfiles

    changes = watchfiles.watch(*paths, watch_filter=watchfiles.DefaultFilter(ignore_paths=[str(output.resolve())]),
                               debounce=1600, step=50, stop_event=stopped, rust_timeout=500, yield_on_timeout=True,
                               raise_interrupt=False)
    first = next(changes, set())  # the watcher runs from here on

    def batches() -> Iterator[set[Path]]:
        for changed in itertools.chain([first], changes):
            if changed:  # an empty set: rust_timeout passed with no change
                yield {Path(path) for _, path in changed}

    return batches()


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
