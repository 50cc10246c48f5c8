"""The ``guidegen`` command line. Thin: parse options, call the stages, report."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator import __version__
from generator.errors import ContentError, GuidegenError
from generator.formats import DEFAULT_PAPER, FORMATS, PAPERS

if TYPE_CHECKING:
    from generator.brand import LoadedBrand
    from generator.library import GuideSource
    from generator.jobs import Job, JobResult
    from generator.formats import PrintOptions
    from generator.library import Library

class _Group(click.Group):
    """Turns our errors into one clean message and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ContentError as error:
            for problem in error.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(1)
        except GuidegenError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)


content_option = click.option(
    "--content", type=click.Path(file_okay=False, path_type=Path), default=Path("content"), show_default=True,
    help="Folder with one sub-folder per guide.")
def print_options(command: "click.decorators.FC") -> "click.decorators.FC":
    """The options that shape a document for print, shared by build and render."""
    for option in reversed([
        click.option("--large-print", is_flag=True, help="Body type 18 pt or more, larger headings, more spacing."),
        click.option("--duplex", is_flag=True, help="Pad handouts to an even page count (two-sided printing)."),
        click.option("--booklet", is_flag=True,
                     help="Impose handouts as a saddle-stitched booklet: half-size pages two-up on PAPER sheets."),
        click.option("--bleed", "bleed", metavar="LENGTH", default="0mm",
                     help="Bleed around each page for a print shop, e.g. 3mm."),
        click.option("--marks", is_flag=True, help="Crop and registration marks (use with --bleed)."),
        click.option("--pdf-a", "pdf_a", is_flag=True, help="PDF/A-3u for archiving (still tagged for accessibility)."),
    ]):
        command = option(command)
    return command


def _variants(papers: tuple[str, ...], large_print: bool, duplex: bool, booklet: bool, bleed: str, marks: bool,
              pdf_a: bool) -> list["PrintOptions"]:
    from generator.formats import PrintOptions, parse_bleed

    try:
        bleed_mm = parse_bleed(bleed)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--bleed") from None
    if booklet and (bleed_mm or marks):
        raise click.UsageError("--booklet cannot be combined with --bleed or --marks: a booklet is imposed "
                               "on whole sheets; ask the print shop to trim the folded booklet instead")
    return [PrintOptions(paper, large_print, duplex, booklet, bleed_mm, marks, pdf_a)
            for paper in (papers or (DEFAULT_PAPER,))]


brand_option = click.option(
    "--brand", "brand_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Your organisation's name, logo, accent colour and contact line (a YAML file; see the README).")


def _brand(path: Path | None):  # type: ignore[no-untyped-def]
    from generator.brand import load_brand

    return load_brand(path) if path else None


templates_option = click.option(
    "--templates", "templates_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of templates searched before the bundled ones (override any file by name).")


def _templates(templates_dir: Path | None, content: Path):  # type: ignore[no-untyped-def]
    from generator.templates import Templates

    return Templates([templates_dir] if templates_dir else [], content)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guidegen")
def main() -> None:
    """Printable, localized how-to guides: handouts and one-page checklists as PDF."""


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    index, sep, count = value.partition("/")
    if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise click.BadParameter(f"expected K/N with 1 ≤ K ≤ N, got {value!r}", param_hint="--shard")
    return int(index), int(count)


@main.command()
@click.argument("guides", nargs=-1)
@content_option
@click.option("-l", "--lang", "languages", multiple=True, metavar="TAG",
              help="Language as a BCP 47 tag (zh, zh-Hant, en-GB …), or 'all'. Repeatable. Default: all.")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Document format. Repeatable. Default: both.")
@click.option("--paper", "papers", multiple=True, type=click.Choice(list(PAPERS)),
              help="Paper size. Repeatable. Default: a4. Other sizes get the paper in the file name.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Output folder; documents go to OUTPUT/<language>/<guide>-<format>.pdf.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Override a guide parameter, e.g. --param provider=Acme.")
@click.option("--strict", is_flag=True, help="Fail a document that has any untranslated string.")
@click.option("--timeout", type=click.FloatRange(min=0), default=120, show_default=True,
              help="Seconds one document may take before it is stopped (0: no limit).")
@click.option("-j", "--jobs", "workers", type=click.IntRange(min=1), metavar="N",
              help="Worker processes. Default: one per CPU core.")
@click.option("--force", is_flag=True, help="Rebuild every document, even those that are up to date.")
@click.option("--shard", "shard_text", metavar="K/N",
              help="Build only the K-th of N deterministic slices of the job list (for CI matrices).")
@click.option("--list-jobs", is_flag=True, help="Print the jobs as JSON lines and exit without building.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary.")
@click.option("-v", "--verbose", is_flag=True, help="One line per document, also for those that are up to date.")
@print_options
@brand_option
@templates_option
def build(guides: tuple[str, ...], content: Path, languages: tuple[str, ...], formats: tuple[str, ...],
          papers: tuple[str, ...], output: Path, params: tuple[str, ...], strict: bool, timeout: float,
          workers: int | None, force: bool, shard_text: str | None, list_jobs: bool, quiet: bool, verbose: bool,
          large_print: bool, duplex: bool, booklet: bool, bleed: str, marks: bool, pdf_a: bool,
          brand_file: Path | None, templates_dir: Path | None) -> None:
    """Build PDFs: every guide, language and format unless narrowed down.

    Documents whose inputs have not changed since the last build are skipped
    (see --force); the rest are built in parallel worker processes.
    """
    from generator.jobs import plan_jobs, shard_jobs
    from generator.library import load_library
    from generator.outputs import check_output_folder

    check_output_folder(output, content)
    shard = _shard(shard_text)
    variants = _variants(papers, large_print, duplex, booklet, bleed, marks, pdf_a)
    brand = _brand(brand_file)
    overrides = _parse_params(params)
    library = load_library(content, list(guides) or None)
    for problem in library.problems:
        click.echo(f"error: {problem}", err=True)
    jobs, errors = plan_jobs(library, [g for g in guides if g in library.guides], list(languages),
                             list(formats or FORMATS), variants)
    if errors and not jobs:
        raise GuidegenError("\n".join(errors))
    for message in errors:
        click.echo(f"error: {message}", err=True)
    if shard:
        jobs = shard_jobs(jobs, *shard)
    if list_jobs:
        for job in jobs:
            click.echo(job.to_json(output))
        sys.exit(1 if errors or library.broken else 0)
    _run_build(library, jobs, output, templates_dir, overrides, strict, timeout, workers, force, quiet, verbose,
               len(errors) + len(library.broken), brand)


def _run_build(library: "Library", jobs: list["Job"], output: Path, templates_dir: Path | None,
               overrides: dict[str, str], strict: bool, timeout: float, workers: int | None, force: bool,
               quiet: bool, verbose: bool, failed_before: int, brand: "LoadedBrand | None" = None) -> None:
    """Skip what is up to date, build the rest (in workers when it pays), report, save the manifest."""
    from generator.cache import Fingerprints, Manifest, fingerprint_options
    from generator.errors import display_path
    from generator.progress import Reporter
    from generator.workers import BuildSettings, WorkerPool, default_workers

    templates = _templates(templates_dir, library.content_dir)
    reporter = Reporter.choose(len(jobs), quiet, verbose)
    reporter.failed_elsewhere(failed_before)
    fingerprints = Fingerprints(library, templates, fingerprint_options(overrides, strict, brand))
    manifest = Manifest(output)
    keys: dict["Job", str] = {}
    todo = []
    for job in jobs:
        path = job.output(output)
        keys[job] = fingerprints.key(job)
        entry = None if force else manifest.fresh(path, keys[job])
        if entry is None:
            todo.append(job)
        else:
            reporter.up_to_date(job, entry, display_path(path))

    def record(result: "JobResult") -> None:
        reporter.result(result)
        if result.ok:
            manifest.record(result)  # under the key it was rendered from, not the one computed above
        else:
            manifest.forget(result.job.output(output))

    size = min(workers or default_workers(), len(todo))
    if size > 1:
        todo = manifest.slowest_first(todo, output)
    with _graceful_interrupt() as interrupted:
        try:
            if size > 1:
                settings = BuildSettings(library.content_dir, tuple(sorted({j.guide for j in todo})), output,
                                         tuple(templates.dirs[:-1]), tuple(sorted(overrides.items())), strict, timeout,
                                         brand.path if brand else None)
                results = WorkerPool(settings, size).run(todo, record, stop=interrupted.is_set)
            elif todo:
                from generator.build import Builder

                builder = Builder(library, output, templates, overrides, strict, timeout, brand)
                results = builder.run(todo, record, stop=interrupted.is_set)
            else:
                results = []
        finally:
            manifest.save()
    click.echo(reporter.finish(len(todo) - len(results) if interrupted.is_set() else 0))
    if interrupted.is_set():
        sys.exit(130)
    if reporter.failed:
        sys.exit(1)


@contextmanager
def _graceful_interrupt() -> Iterator[threading.Event]:
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


@main.command()
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
    from generator.build import Builder
    from generator.jobs import Job
    from generator.library import load_library
    from generator.progress import Reporter

    overrides = _parse_params(params)
    options = _variants((paper,), large_print, duplex, booklet, bleed, marks, pdf_a)[0].for_format(format_)
    library = load_library(content, [guide])
    if library.problems:
        raise ContentError(library.problems)
    found = _reader_language(library.get(guide), language)
    variant = f"-{options.variant}" if options.variant else ""
    target = output or Path(f"{guide}-{format_}{variant}.{found}.pdf")
    builder = Builder(library, target.parent, _templates(templates_dir, content), overrides, strict, brand=_brand(brand_file))
    result = builder.build(Job(guide, found, format_, options), target.resolve())
    Reporter(1, "lines").result(result)
    if not result.ok:
        sys.exit(1)


def _reader_language(source: "GuideSource", language: str | None) -> str:
    """The guide's language closest to ``--lang``, else to the environment's, else its source language."""
    import os

    from generator.jobs import describe_languages
    from generator.languages import language_from_environment

    requested = language or language_from_environment(os.environ) or source.guide.source_language
    found = source.resolve_language(requested)
    if found is None:
        origin = "" if language else " (from the environment; choose another with --lang)"
        raise GuidegenError(f"{source.id}: no '{requested}' version{origin}; available: "
                            f"{describe_languages(source.languages)}")
    return found


@main.command("print")
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
    from generator.jobs import Job
    from generator.errors import display_path
    from generator.ondemand import OnDemand
    from generator.outputs import check_output_folder
    from generator.printing import check_copies, send_to_printer, sides_for

    check_copies(copies, allow_many)  # before anything is built
    check_output_folder(output, content)
    options = _variants((paper,), large_print, duplex, booklet, bleed, marks, pdf_a)[0].for_format(format_)
    desk = OnDemand(content, output, _templates(templates_dir, content), _brand(brand_file))
    found = _reader_language(desk.library.get(guide), language)
    job = Job(guide, found, format_, options)
    path, built = desk.document(job)
    click.echo(f"{'built  ' if built else 'current'} {display_path(path)}")
    sent = send_to_printer(path, copies=copies, printer=printer, paper=paper,
                           sides=sides_for(options.duplex, options.booklet), title=f"{job.label}", allow_many=allow_many)
    click.echo(f"printing {copies} cop{'y' if copies == 1 else 'ies'} on {sent.printer}: job {sent.id}")


@main.command()
@content_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default is this PC only; 0.0.0.0 shares the desk page on the network.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--allowed-host", "extra_hosts", multiple=True, metavar="NAME",
              help="A host name the desk answers to besides localhost, 127.0.0.1, ::1 and --host "
                   "(repeatable; e.g. the counter PC's name when --host is 0.0.0.0). Others get 400.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Where documents are built (and reused when up to date).")
@click.option("--paper", type=click.Choice(list(PAPERS)), default="a4", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0), default=120, show_default=True,
              help="Seconds one document may take before it is stopped (0: no limit), as for build.")
@brand_option
@templates_option
def serve(content: Path, host: str, port: int, extra_hosts: tuple[str, ...], output: Path, paper: str,
          timeout: float, brand_file: Path | None, templates_dir: Path | None) -> None:
    """The language desk page: pick a language, preview, download; print from the staff view (?staff)."""
    import logging

    from waitress import serve as run

    from generator.web import DeskConfig, allowed_hosts, create_app, waitress_options

    from generator.outputs import check_output_folder

    check_output_folder(output, content)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    hosts = allowed_hosts(host, extra_hosts)
    app = create_app(DeskConfig(content, output, _templates(templates_dir, content), _brand(brand_file), paper,
                                allowed_hosts=hosts, timeout=timeout))  # folders resolved there, once
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: anyone on the network can open the desk page and print", err=True)
        if not extra_hosts:
            click.echo("warning: only the names " + ", ".join(hosts) + " are answered; add the name the counter "
                       "PCs use with --allowed-host", err=True)
    click.echo(f"guidegen desk page on http://{'localhost' if host == '127.0.0.1' else host}:{port}/ (Ctrl-C stops it)")
    run(app, host=host, port=port, **waitress_options())


@main.command()
@content_option
@templates_option
def check(content: Path, templates_dir: Path | None) -> None:
    """Validate all content and translations without writing PDFs."""
    from generator.checks import check_library
    from generator.library import load_library

    library = load_library(content)
    report = check_library(library, _templates(templates_dir, content))
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    for problem in report.errors:
        click.echo(f"error: {problem}", err=True)
    guides = len(library.guides) + len(library.broken)
    click.echo(f"checked {guides} guide(s): {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    if report.errors:
        sys.exit(1)


@main.command()
@content_option
def languages(content: Path) -> None:
    """List the languages guides are available in, with names and completeness."""
    from generator.checks import completeness
    from generator.languages import english_name, native_name
    from generator.library import load_library

    library = load_library(content)
    for problem in library.problems:
        click.echo(f"error: {problem}", err=True)
    for tag in library.languages:
        done = []
        for source in library.guides.values():
            if tag in source.languages:
                try:
                    done.append(f"{source.id} {completeness(source, tag).percent:.0f}%")
                except ContentError:
                    done.append(f"{source.id} (catalog broken)")
        click.echo(f"{tag:<8} {native_name(tag)}\t{english_name(tag)}\t{', '.join(done)}")
    if library.problems:
        sys.exit(1)


@main.command()
def doctor() -> None:
    """Show what guidegen found on this machine: WeasyPrint, Pango, HarfBuzz subsetter, fonts."""
    from generator.doctor import diagnose

    ok = True
    for line, good in diagnose():
        click.echo(("ok       " if good else "PROBLEM  ") + line)
        ok = ok and good
    if not ok:
        sys.exit(1)


@main.command()
def schema() -> None:
    """Print the JSON Schema of guide.yaml (for editors)."""
    from generator.schema import guide_schema_json

    click.echo(guide_schema_json(), nl=False)


from generator.cli_i18n import register  # noqa: E402

register(main, content_option, templates_option)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise GuidegenError(f"--param expects NAME=VALUE, got {value!r}")
        params[name.strip()] = text
    return params
