"""``guidegen i18n``: the translator's workflow (extract, init, update, status)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.options import Decorator, loaded_library, templates_for
from generator.errors import GuidegenError, display_path


def register(main: click.Group, content_option: Decorator, templates_option: Decorator) -> click.Group:
    """Attach the ``i18n`` group to the main command (options shared with it); the group, for ``review``'s
    commands (``cli/review_commands.py``)."""

    @main.group()
    def i18n() -> None:
        """Translation catalogs: extract, init, update, status, todo, review, reviewed."""

    @i18n.command()
    @content_option
    @templates_option
    def extract(content: Path, templates_dir: Path | None) -> None:
        """Write the .pot template of every guide and of the template strings."""
        from generator.i18n.catalogs import catalog_bytes
        from generator.i18n.workflow import POT_NAME, guide_template, ui_template
        from generator.produce.outputs import write_atomic

        library = loaded_library(content)
        for source in library.guides.values():
            path = source.folder / "locales" / POT_NAME
            write_atomic(path, catalog_bytes(guide_template(source)))
            click.echo(f"wrote {display_path(path)}")
        templates = templates_for(templates_dir, content)
        path = templates.writable_catalog_dir / POT_NAME
        write_atomic(path, catalog_bytes(ui_template(templates.dirs)))
        click.echo(f"wrote {display_path(path)}")

    @i18n.command()
    @click.option("-l", "--lang", "language", required=True, metavar="TAG", help="Language to start, e.g. fr or zh-TW.")
    @content_option
    @templates_option
    def init(language: str, content: Path, templates_dir: Path | None) -> None:
        """Start catalogs for a new language (every guide, and the template strings if missing)."""
        from generator.i18n.catalogs import catalog_bytes
        from generator.i18n.workflow import guide_template, new_catalog, ui_template
        from generator.content.languages import canonical_tag, match_language
        from generator.produce.outputs import write_atomic
        from generator.i18n.ui_strings import ui_catalog_paths

        tag = canonical_tag(language)
        library = loaded_library(content)
        for source in library.guides.values():
            path = source.folder / "locales" / f"{tag}.po"
            if tag == source.guide.source_language:
                click.echo(f"skipped {source.id}: {tag} is its source language")
            elif path.exists():
                click.echo(f"skipped {display_path(path)}: exists (use 'guidegen i18n update')")
            else:
                write_atomic(path, catalog_bytes(new_catalog(guide_template(source), tag)))
                click.echo(f"wrote {display_path(path)}")
        templates = templates_for(templates_dir, content)
        if match_language(tag, ["en", *ui_catalog_paths(templates.catalog_dirs)]) is None:
            path = templates.writable_catalog_dir / f"{tag}.po"
            write_atomic(path, catalog_bytes(new_catalog(ui_template(templates.dirs), tag)))
            click.echo(f"wrote {display_path(path)}")

    @i18n.command()
    @content_option
    @templates_option
    def update(content: Path, templates_dir: Path | None) -> None:
        """Merge changed sources into every catalog: changed → fuzzy, removed → obsolete, new → untranslated."""
        from generator.i18n.catalogs import catalog_bytes, keep_untouched, read_catalog
        from generator.i18n.workflow import guide_template, merge, translation_memory, ui_template
        from generator.produce.outputs import write_atomic
        from generator.i18n.ui_strings import ui_catalog_paths

        library = loaded_library(content)
        targets = []
        for source in library.guides.values():
            template = guide_template(source)
            targets += [(template, path, tag) for tag, path in source.catalog_paths.items()
                        if tag != source.guide.source_language]
        templates = templates_for(templates_dir, content)
        ui_template_catalog = ui_template(templates.dirs)
        # Only the catalogs this project owns; the bundled ones belong to the installed tool.
        targets += [(ui_template_catalog, path, tag)
                    for tag, path in ui_catalog_paths([templates.writable_catalog_dir]).items()]
        olds = {path: read_catalog(path, tag, keep_obsolete=True) for _, path, tag in targets}
        ui_catalogs = ui_catalog_paths(templates.catalog_dirs)

        def memory(tag: str) -> dict[str, tuple[str, str]]:
            """What is translated into ``tag`` anywhere: the guides' catalogs, then the template strings."""
            sources = [(display_path(path), olds[path]) for _, path, other in targets if other == tag]
            if tag in ui_catalogs:
                sources.append((display_path(ui_catalogs[tag]), read_catalog(ui_catalogs[tag], tag)))
            return translation_memory(sources)

        for template, path, tag in targets:
            merged, summary = merge(template, olds[path], memory(tag))
            before = path.read_bytes()
            data = keep_untouched(before.decode("utf-8"), catalog_bytes(merged).decode("utf-8")).encode("utf-8")
            if data == before:
                click.echo(f"unchanged {display_path(path)}")
                continue
            write_atomic(path, data)
            remembered = f" ({summary.remembered} from translation memory, fuzzy)" if summary.remembered else ""
            click.echo(f"updated {display_path(path)}: {summary.new} new{remembered}, {summary.changed} changed "
                       f"(fuzzy), {summary.obsolete} obsolete")

    @i18n.command()
    @click.argument("guides", nargs=-1)
    @click.option("-l", "--lang", "languages", multiple=True, metavar="TAG", help="Only this language (repeatable).")
    @content_option
    @templates_option
    def todo(guides: tuple[str, ...], languages: tuple[str, ...], content: Path, templates_dir: Path | None) -> None:
        """List every untranslated, fuzzy and invalid string as file:line: id: source. Exit 1 if there is any."""
        lines = _todo_lines(content, templates_dir, languages, guides)
        for line in lines:
            click.echo(line)
        click.echo(f"{len(lines)} string(s) to translate or review", err=True)
        if lines:
            sys.exit(1)

    @i18n.command()
    @content_option
    @templates_option
    @click.option("--min-percent", type=click.FloatRange(0, 100), default=None,
                  help="Exit 1 when any catalog is less translated than this.")
    def status(content: Path, templates_dir: Path | None, min_percent: float | None) -> None:
        """Translated / fuzzy / untranslated strings per guide and language, and how much is reviewed."""
        from generator.i18n.completeness import completeness, ui_completeness
        from generator.i18n.ui_strings import ui_catalog_paths

        library = loaded_library(content)
        rows = []
        for source in library.guides.values():
            for tag in source.languages:
                rows.append((source.id, tag, completeness(source, tag)))
        templates = templates_for(templates_dir, content)
        for tag, path in sorted(ui_catalog_paths(templates.catalog_dirs).items()):
            rows.append(("(templates)", tag, ui_completeness(templates.dirs, path, tag)))
        click.echo(f"{'guide':<20} {'language':<10} {'translated':>10} {'fuzzy':>6} {'untranslated':>13} {'done':>6}"
                   f" {'reviewed':>9}")
        below = []
        for guide, tag, done in rows:
            click.echo(f"{guide:<20} {tag:<10} {done.translated:>10} {done.fuzzy:>6} {done.untranslated:>13} "
                       f"{done.percent:>5.1f}% {done.reviewed_percent:>8.1f}%")
            if min_percent is not None and done.percent < min_percent:
                below.append(f"{guide} {tag}")
        if below:
            click.echo(f"below {min_percent:g}%: {', '.join(below)}", err=True)
            sys.exit(1)

    return i18n


def _todo_lines(content: Path, templates_dir: Path | None, languages: tuple[str, ...],
                guides: tuple[str, ...]) -> list[str]:
    """Every untranslated, fuzzy and invalid entry of the catalogs asked for, one line each."""
    from generator.content.languages import match_language
    from generator.i18n.catalogs import read_catalog
    from generator.i18n.todo import catalog_todos
    from generator.i18n.ui_strings import ui_catalog_paths
    from generator.i18n.catalogs import string_ids
    from generator.i18n.workflow import ui_template

    from generator.content.messages import iter_messages
    from generator.content.phones import guide_regions, phone_regions

    library = loaded_library(content)
    unknown = sorted(set(guides) - set(library.guides))
    if unknown:
        raise GuidegenError(f"no guide {', '.join(unknown)} in {display_path(content)}")

    def wanted(tag: str) -> bool:
        return not languages or any(match_language(requested, [tag]) for requested in languages)

    lines: list[str] = []
    for source in library.guides.values():
        if guides and source.id not in guides:
            continue
        strings = [(m.source, m.context) for m in iter_messages(source.guide)]
        for tag, path in sorted(source.catalog_paths.items()):
            if tag != source.guide.source_language and wanted(tag):
                lines += map(str, catalog_todos(path, source.catalog(tag), strings,  # type: ignore[arg-type]
                                                guide_regions(source.guide, tag)))
    templates = templates_for(templates_dir, content)
    template_strings = [(msgid, None) for msgid in string_ids(ui_template(templates.dirs))]
    for tag, path in sorted(ui_catalog_paths(templates.catalog_dirs).items()):
        if wanted(tag):
            lines += map(str, catalog_todos(path, read_catalog(path, tag), template_strings, phone_regions([tag])))
    return lines
