"""Commands that look at a library without making documents: ``check``, ``languages``, ``doctor``, ``schema``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.options import content_option, templates_for, templates_option
from generator.errors import ContentError


@click.command()
@content_option
@templates_option
@click.option(
    "--strict", is_flag=True, help="Plain-language hints (long sentences and lists, chained steps) are errors."
)
def check(content: Path, templates_dir: Path | None, strict: bool) -> None:
    """Validate all content and translations without writing PDFs; hint at plain language."""
    from generator.produce.checks import check_library
    from generator.i18n.library import load_library

    library = load_library(content)
    report = check_library(library, templates_for(templates_dir, content))
    (report.errors if strict else report.warnings).extend(report.hints)
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    for problem in report.errors:
        click.echo(f"error: {problem}", err=True)
    guides = len(library.guides) + len(library.broken)
    click.echo(f"checked {guides} guide(s): {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    if report.errors:
        sys.exit(1)


@click.command()
@content_option
def languages(content: Path) -> None:
    """List the languages guides are available in, with names and completeness."""
    from generator.i18n.completeness import completeness
    from generator.content.languages import english_name, native_name
    from generator.i18n.library import load_library

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


@click.command()
def doctor() -> None:
    """Show what guidegen found on this machine: WeasyPrint, Pango, HarfBuzz subsetter, fonts."""
    from generator.cli.doctor import diagnose

    ok = True
    for line, good in diagnose():
        click.echo(("ok       " if good else "PROBLEM  ") + line)
        ok = ok and good
    if not ok:
        sys.exit(1)


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it to this file (e.g. CONTENT/guide.schema.json) instead of printing it.")
def schema(output: Path | None) -> None:
    """The JSON Schema of guide.yaml, for editors that validate and complete as you type."""
    from generator.content.schema import guide_schema_json

    if output is None:
        click.echo(guide_schema_json(), nl=False)
        return
    from generator.produce.outputs import write_atomic
    from generator.errors import display_path

    write_atomic(output, guide_schema_json().encode("utf-8"))
    click.echo(f"wrote {display_path(output)}")


@click.command()
@click.argument("guide")
@click.option("-l", "--lang", "language", required=True, metavar="TAG", help="The guide's source language, e.g. en.")
@content_option
@click.option("--title", metavar="TEXT", help="The guide's title (a placeholder otherwise).")
def new(guide: str, language: str, content: Path, title: str | None) -> None:
    """Start a guide: a commented guide.yaml using every block type, and the schema for editors."""
    from generator.produce.outputs import write_atomic
    from generator.content.scaffold import GUIDE_FILE, SCHEMA_FILE, starter_guide
    from generator.content.schema import guide_schema_json
    from generator.errors import GuidegenError, display_path

    text = starter_guide(guide, language, content, title)
    path = content / guide / GUIDE_FILE
    if path.exists():
        raise GuidegenError(f"{display_path(path)} exists already; choose another id or edit that guide")
    write_atomic(path, text.encode("utf-8"))
    click.echo(f"wrote {display_path(path)}")
    schema = content / SCHEMA_FILE
    if not schema.exists():
        write_atomic(schema, guide_schema_json().encode("utf-8"))
        click.echo(f"wrote {display_path(schema)} (editors validate the guide as you type)")
    click.echo(f"next: replace the <placeholders>, then guidegen check --content {display_path(content)}")
