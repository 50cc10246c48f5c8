"""``guidegen i18n review`` (print the review sheet) and ``guidegen i18n reviewed`` (record a review)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.options import Decorator, loaded_library
from generator.errors import GuidegenError, display_path
from generator.render.formats import DEFAULT_PAPER, PAPERS

if TYPE_CHECKING:
    from generator.i18n.library import Library


def _day(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint="--date") from None


def register(i18n: click.Group, content_option: Decorator, templates_option: Decorator) -> None:
    """Attach ``review`` and ``reviewed`` to the ``i18n`` group."""
    from generator.cli.options import templates_for

    @i18n.command()
    @click.argument("guides", nargs=-1)
    @click.option("-l", "--lang", "language", required=True, metavar="TAG", help="The translation to review.")
    @click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("build/review"),
                  show_default=True, help="Folder of the sheet: OUTPUT/review-<language>.pdf.")
    @click.option("--paper", type=click.Choice(list(PAPERS)), default=DEFAULT_PAPER, show_default=True)
    @content_option
    @templates_option
    def review(guides: tuple[str, ...], language: str, output: Path, paper: str, content: Path,
               templates_dir: Path | None) -> None:
        """Print the bilingual review sheet of a language: every string beside its source, a box to tick,
        safety-relevant strings marked, and a sign-off block."""
        from generator.produce.review_flow import write_review_sheet

        library = loaded_library(content)
        path, sections = write_review_sheet(library, templates_for(templates_dir, content),
                                            _language(library, language), guides, output, paper)
        rows = [row for section in sections for row in section.rows]
        click.echo(f"wrote {display_path(path)}: {len(rows)} strings, {sum(r.safety for r in rows)} safety-relevant, "
                   f"{sum(r.reviewed for r in rows)} already reviewed")

    @i18n.command()
    @click.argument("guides", nargs=-1)
    @click.option("-l", "--lang", "language", required=True, metavar="TAG", help="The translation reviewed.")
    @click.option("--by", "reviewer", required=True, metavar="NAME", help="The reviewer, as signed on the sheet.")
    @click.option("--all", "all_strings", is_flag=True, help="Every string of the sheet (see --except).")
    @click.option("--id", "ids", multiple=True, metavar="ID", help="A string that was ticked (repeatable).")
    @click.option("--except", "excepted", multiple=True, metavar="ID",
                  help="With --all: a string that was not ticked (repeatable).")
    @click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Day of the review. Default: today.")
    @content_option
    @templates_option
    def reviewed(guides: tuple[str, ...], language: str, reviewer: str, all_strings: bool, ids: tuple[str, ...],
                 excepted: tuple[str, ...], date_text: str | None, content: Path, templates_dir: Path | None) -> None:
        """Record a signed review sheet: mark the ticked strings reviewed in the catalogs.

        A mark holds for the source and translation as they are now; it lapses when either changes.
        """
        from generator.produce.review_flow import record_review

        if all_strings == bool(ids):
            raise click.UsageError(
                "give either --all (with --except for strings not ticked) or --id for each ticked string"
            )
        if excepted and not all_strings:
            raise click.UsageError("--except goes with --all")
        library = loaded_library(content)
        done = record_review(
            library,
            templates_for(templates_dir, content),
            _language(library, language),
            guides,
            ids=ids,
            all_strings=all_strings,
            excepted=excepted,
            reviewer=reviewer,
            day=_day(date_text),
        )
        for path, count in done.marked.items():
            click.echo(f"marked {count} string(s) reviewed in {display_path(path)}")
        for note in done.notes:
            click.echo(f"note: {note}", err=True)
        for line in done.skipped:
            click.echo(f"not marked (translate or review it first): {line}", err=True)
        if done.skipped and not all_strings:
            sys.exit(1)


def _language(library: Library, requested: str) -> str:
    """The library's language that ``requested`` reaches (CLDR matching), or an error listing them."""
    from generator.content.languages import match_language

    found = match_language(requested, library.languages)
    if found is None:
        raise GuidegenError(f"no catalog of '{requested}' (languages: {', '.join(library.languages)})")
    return found
