"""The ``guidegen`` command line. Thin: each command parses its options, calls the stages, reports."""

from __future__ import annotations

import sys

import click

from generator import __version__
from generator.cli import desk, documents, i18n, library, review_commands, watch
from generator.cli.options import content_option, templates_option
from generator.errors import ContentError, GuidegenError


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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guidegen")
def main() -> None:
    """Printable, localized how-to guides: handouts and one-page checklists as PDF."""


for command in (documents.build, documents.render, documents.print_, documents.card, desk.serve, library.check,
                library.languages, library.doctor, library.schema, library.new, watch.watch):
    main.add_command(command)
review_commands.register(i18n.register(main, content_option, templates_option), content_option, templates_option)
