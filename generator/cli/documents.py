"""Commands that make documents: ``build`` (a batch), ``render`` (one, for one reader), ``print``."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from generator.cli.options import (brand_option, content_option, document_selection, load_brand_file, parse_params,
                                   parse_shard, print_options, print_variants, templates_option)
from generator.errors import GuidegenError
from generator.render.formats import FORMATS, PAPERS


@click.command()
@document_selection
@click.option("-j", "--jobs", "workers", type=click.IntRange(min=1), metavar="N",
              help="Worker processes. Default: one per CPU core.")
@click.option("--force", is_flag=True, help="Rebuild every document, even those that are up to date.")
@click.option("--shard", "shard_text", metavar="K/N",
              help="Build only the K-th of N deterministic slices of the job list (for CI matrices).")
@click.option("--list-jobs", is_flag=True, help="Print the jobs as JSON lines and exit without building.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary.")
@click.option("-v", "--verbose", is_flag=True, help="One line per document, also for those that are up to date.")
@click.option("--require-reviewed", is_flag=True,
              help="Refuse to build when a document has safety-relevant strings (checklist, warnings) that no "
                   "recorded review covers (see 'guidegen i18n review').")
@print_options
@brand_option
@templates_option
def build(guides: tuple[str, ...], content: Path, languages: tuple[str, ...], formats: tuple[str, ...],
          papers: tuple[str, ...], output: Path, params: tuple[str, ...], strict: bool, timeout: float,
          workers: int | None, force: bool, shard_text: str | None, list_jobs: bool, quiet: bool, verbose: bool,
          require_reviewed: bool, large_print: bool, duplex: bool, booklet: bool, bleed: str, marks: bool, pdf_a: bool,
          brand_file: Path | None, templates_dir: Path | None) -> None:
    """Build PDFs: every guide, language and format unless narrowed down.

    Documents whose inputs have not changed since the last build are skipped
    (see --force); the rest are built in parallel worker processes.
    """
    from generator.produce.batch import BuildRequest, plan_build, run_build
    from generator.produce.progress import Reporter

    request = BuildRequest(
        content=content, output=output, guides=guides, languages=languages, formats=formats or FORMATS,
        variants=tuple(print_variants(papers, large_print=large_print, duplex=duplex, booklet=booklet, bleed=bleed,
                                      marks=marks, pdf_a=pdf_a)),
        params=parse_params(params), strict=strict, timeout=timeout, workers=workers, force=force,
        shard=parse_shard(shard_text), templates_dir=templates_dir, brand=load_brand_file(brand_file))
    plan = plan_build(request)
    for problem in plan.problems:
        click.echo(f"error: {problem}", err=True)
    if plan.errors and not plan.jobs:
        raise GuidegenError("\n".join(plan.errors))
    for message in plan.errors:
        click.echo(f"error: {message}", err=True)
    if require_reviewed:
        from generator.produce.review_flow import unreviewed_documents

        refused = unreviewed_documents(plan.library, [(job.guide, job.language, job.format) for job in plan.jobs])
        if refused:
            raise GuidegenError("refused (--require-reviewed), nothing built:\n" + "\n".join(refused)
                                + "\nprint the review sheet with 'guidegen i18n review --lang TAG', record the "
                                  "signed review with 'guidegen i18n reviewed'")
    if list_jobs:
        for job in plan.jobs:
            click.echo(job.to_json(output))
        sys.exit(1 if plan.failed else 0)
    reporter = Reporter.choose(len(plan.jobs), quiet, verbose)
    reporter.failed_elsewhere(plan.failed)
    with graceful_interrupt() as interrupted:
        _, not_started = run_build(request, plan, reporter, stop=interrupted.is_set)
    click.echo(reporter.finish(not_started if interrupted.is_set() else 0))
    if interrupted.is_set():
        sys.exit(130)
    if reporter.failed:
        sys.exit(1)


@click.command()
@click.argument("guide")
@content_option
@click.option("-l", "--lang", "language", metavar="TAG",
              help="Language (BCP 47). Default: from LC_ALL, LC_MESSAGES or LANG, else the guide's source language.")
@click.option("-f", "--format", "format_", type=click.Choice(FORMATS), default="handout", show_default=True)
@click.option("--paper", type=click.Choice(list(PAPERS)), default="a4", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF file to write. Default: <guide>-<format>.<language>.pdf in the current folder.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Override a guide parameter.")
@click.option("--strict", is_flag=True, help="Fail if any string is not translated.")
@print_options
@brand_option
@templates_option
def render(guide: str, content: Path, language: str | None, format_: str, paper: str, output: Path | None,
           params: tuple[str, ...], strict: bool, large_print: bool, duplex: bool, booklet: bool, bleed: str,
           marks: bool, pdf_a: bool, brand_file: Path | None, templates_dir: Path | None) -> None:
    """Make one document for one reader, in their language."""
    from generator.produce.progress import Reporter
    from generator.produce.single import DocumentRequest, render_document

    options = print_variants(
        (paper,), large_print=large_print, duplex=duplex, booklet=booklet, bleed=bleed, marks=marks, pdf_a=pdf_a
    )[0]
    request = DocumentRequest(content=content, guide=guide, language=language, format=format_, options=options,
                              params=parse_params(params), strict=strict, templates_dir=templates_dir,
                              brand=load_brand_file(brand_file))
    result = render_document(request, output)
    Reporter(1, "lines").result(result)
    if not result.ok:
        sys.exit(1)


@click.command("print")
@click.argument("guide")
@content_option
@click.option("-l", "--lang", "language", metavar="TAG",
              help="Language (BCP 47). Default: from LC_ALL, LC_MESSAGES or LANG, else the guide's source language.")
@click.option("-f", "--format", "format_", type=click.Choice(FORMATS), default="handout", show_default=True)
@click.option("--copies", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--printer", metavar="NAME", help="CUPS printer. Default: the system's default printer.")
@click.option("--paper", type=click.Choice(list(PAPERS)), default="a4", show_default=True)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Where documents are built (and reused when up to date).")
@click.option("--allow-many", is_flag=True, help="Allow more than 100 copies.")
@print_options
@brand_option
@templates_option
def print_(guide: str, content: Path, language: str | None, format_: str, copies: int, printer: str | None,
           paper: str, output: Path, allow_many: bool, large_print: bool, duplex: bool, booklet: bool, bleed: str,
           marks: bool, pdf_a: bool, brand_file: Path | None, templates_dir: Path | None) -> None:
    """Print a guide for a visitor: build it if it is not up to date, then send it to a CUPS printer."""
    from generator.produce.single import DocumentRequest, current_document
    from generator.desk.printing import check_copies, send_to_printer, sides_for
    from generator.errors import display_path

    check_copies(copies, allow_many)  # before anything is built
    options = print_variants(
        (paper,), large_print=large_print, duplex=duplex, booklet=booklet, bleed=bleed, marks=marks, pdf_a=pdf_a
    )[0]
    request = DocumentRequest(content=content, guide=guide, language=language, format=format_, options=options,
                              templates_dir=templates_dir, brand=load_brand_file(brand_file))
    job, path, built = current_document(request, output)
    click.echo(f"{'built  ' if built else 'current'} {display_path(path)}")
    sent = send_to_printer(
        path,
        copies=copies,
        printer=printer,
        paper=paper,
        sides=sides_for(job.options.duplex, job.options.booklet),
        title=f"{job.label}",
        allow_many=allow_many,
    )
    click.echo(f"printing {copies} cop{'y' if copies == 1 else 'ies'} on {sent.printer}: job {sent.id}")


@contextmanager
def graceful_interrupt() -> Iterator[threading.Event]:
    """First Ctrl-C: finish the current document, then stop. Second: stop at once.

    A KeyboardInterrupt raised at a random point can land inside a library's
    finalizer and print a traceback; letting the current document finish keeps
    output clean and every written PDF whole.
    """
    interrupted = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return

    def on_interrupt(signum: int, frame: object) -> None:
        if interrupted.is_set():
            raise KeyboardInterrupt
        interrupted.set()
        click.echo("interrupted: finishing the current document (Ctrl-C again to stop now)", err=True)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


@click.command()
@content_option
@click.option("--paper", type=click.Choice(list(PAPERS)), default="a4", show_default=True,
              help="Paper size; other sizes than A4 get the paper in the file name.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Output folder; the card goes to OUTPUT/language-card.pdf.")
@click.option("--force", is_flag=True, help="Build the card even when it is up to date.")
@templates_option
def card(content: Path, paper: str, output: Path, force: bool, templates_dir: Path | None) -> None:
    """The language card: one page naming, each in itself, every language with a complete guide.

    A visitor who shares no language with the staff points at theirs.
    """
    from generator.produce.card_build import build_card
    from generator.produce.outputs import check_output_folder
    from generator.cli.options import templates_for
    from generator.errors import display_path
    from generator.i18n.library import load_library

    check_output_folder(output, content)
    result = build_card(load_library(content), output, templates_for(templates_dir, content), paper=paper,
                        force=force)
    for line in result.untranslated:
        click.echo(f"warning: not translated, printed in English: {line}", err=True)
    state = "built  " if result.built else "current"
    click.echo(f"{state} {display_path(result.path)} ({len(result.languages)} languages: "
               f"{', '.join(result.languages)})")
