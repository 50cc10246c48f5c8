"""Options shared by several commands, and turning their text into values."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from generator.errors import GuidegenError
from generator.render.formats import DEFAULT_PAPER

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]  # a click option, shared by commands

if TYPE_CHECKING:
    from generator.i18n.library import Library
    from generator.render.brand import LoadedBrand
    from generator.render.formats import PrintOptions
    from generator.render.templates import Templates

content_option = click.option(
    "--content", type=click.Path(file_okay=False, path_type=Path), default=Path("content"), show_default=True,
    help="Folder with one sub-folder per guide.")

brand_option = click.option(
    "--brand", "brand_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Your organisation's name, logo, accent colour and contact line (a YAML file; see the README).")

templates_option = click.option(
    "--templates", "templates_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of templates searched before the bundled ones (override any file by name).")


def document_selection(command: click.decorators.FC) -> click.decorators.FC:
    """Which documents, and how strictly (build and watch): guides, languages, formats, papers, the output
    folder, parameters, --strict and --timeout."""
    from generator.render.formats import FORMATS, PAPERS

    for option in reversed([
        click.argument("guides", nargs=-1),
        content_option,
        click.option("-l", "--lang", "languages", multiple=True, metavar="TAG",
                     help="Language as a BCP 47 tag (zh, zh-Hant, en-GB …), or 'all'. Repeatable. Default: all."),
        click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
                     help="Document format. Repeatable. Default: both."),
        click.option("--paper", "papers", multiple=True, type=click.Choice(list(PAPERS)),
                     help="Paper size. Repeatable. Default: a4. Other sizes get the paper in the file name."),
        click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
                     show_default=True,
                     help="Output folder; documents go to OUTPUT/<language>/<guide>-<format>.pdf."),
        click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
                     help="Override a guide parameter, e.g. --param provider=Acme."),
        click.option("--strict", is_flag=True, help="Fail a document that has any untranslated string."),
        click.option("--timeout", type=click.FloatRange(min=0), default=120, show_default=True,
                     help="Seconds one document may take before it is stopped (0: no limit)."),
    ]):
        command = option(command)
    return command


def print_options(command: click.decorators.FC) -> click.decorators.FC:
    """The options that shape a document for print, shared by build, render and print."""
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


def print_variants(papers: tuple[str, ...], *, large_print: bool, duplex: bool, booklet: bool, bleed: str,
                   marks: bool, pdf_a: bool) -> list[PrintOptions]:
    """The print options of each paper asked for (the default paper when none)."""
    from generator.render.formats import PrintOptions, parse_bleed

    try:
        bleed_mm = parse_bleed(bleed)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--bleed") from None
    if booklet and (bleed_mm or marks):
        raise click.UsageError("--booklet cannot be combined with --bleed or --marks: a booklet is imposed "
                               "on whole sheets; ask the print shop to trim the folded booklet instead")
    return [PrintOptions(paper=paper, large_print=large_print, duplex=duplex, booklet=booklet, bleed_mm=bleed_mm,
                         marks=marks, pdf_a=pdf_a)
            for paper in (papers or (DEFAULT_PAPER,))]


def load_brand_file(path: Path | None) -> LoadedBrand | None:
    from generator.render.brand import load_brand

    return load_brand(path) if path else None


def loaded_library(content: Path) -> Library:
    """The library of ``content``; its problems (``file:line: message``) as a ContentError."""
    from generator.errors import ContentError
    from generator.i18n.library import load_library

    library = load_library(content)
    if library.problems:
        raise ContentError(library.problems)
    return library


def templates_for(templates_dir: Path | None, content: Path) -> Templates:
    from generator.render.templates import Templates

    return Templates([templates_dir] if templates_dir else [], content)


def parse_shard(value: str | None) -> tuple[int, int] | None:
    """``K/N`` → (K, N)."""
    if value is None:
        return None
    index, sep, count = value.partition("/")
    if not (sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise click.BadParameter(f"expected K/N with 1 ≤ K ≤ N, got {value!r}", param_hint="--shard")
    return int(index), int(count)


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    """``--param NAME=VALUE`` options as a mapping."""
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise GuidegenError(f"--param expects NAME=VALUE, got {value!r}")
        params[name.strip()] = text
    return params
