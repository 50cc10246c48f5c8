"""``guidegen serve``: the language desk page."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import brand_option, content_option, load_brand_file, templates_for, templates_option
from generator.render.formats import PAPERS


@click.command()
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
@click.option("--staff-pin-file", "pin_file", type=click.Path(path_type=Path), metavar="FILE",
              help="A file holding the staff PIN or passphrase (one line). Without it, the environment variable "
                   "GUIDEGEN_STAFF_PIN; with neither, there is no staff view and staff cannot print.")
@click.option("--max-copies", type=click.IntRange(1, 10_000), default=100, show_default=True,
              help="Copies one print job may ask for.")
@click.option("--max-copies-per-minute", type=click.IntRange(1, 100_000), default=200, show_default=True,
              help="Copies the whole desk prints in a minute; past it, prints are refused (429) for a while.")
@click.option("--kiosk", is_flag=True,
              help="Visitors may print one copy of a document they preview, on the default printer.")
@brand_option
@templates_option
def serve(content: Path, host: str, port: int, extra_hosts: tuple[str, ...], output: Path, paper: str,
          timeout: float, pin_file: Path | None, max_copies: int, max_copies_per_minute: int, kiosk: bool,
          brand_file: Path | None, templates_dir: Path | None) -> None:
    """The language desk page: pick a language, preview, download; staff sign in at /staff/login to print."""
    import logging
    import os

    from generator.desk.access import PIN_ENV, staff_pin
    from generator.desk.app import DeskConfig, allowed_hosts, close_desk, create_app
    from generator.desk.serving import desk_server
    from generator.produce.outputs import check_output_folder

    pin = staff_pin(pin_file, dict(os.environ))
    if pin_file is not None and PIN_ENV in os.environ:
        click.echo(f"note: {PIN_ENV} is ignored: --staff-pin-file gives the staff PIN", err=True)
    os.environ.pop(PIN_ENV, None)  # nothing the desk starts (lp, workers) inherits the PIN
    check_output_folder(output, content)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    hosts = allowed_hosts(host, extra_hosts)
    app = create_app(
        DeskConfig(
            content,
            output,
            templates_for(templates_dir, content),
            load_brand_file(brand_file),
            paper,
            allowed_hosts=hosts,
            timeout=timeout,
            staff_pin=pin,
            kiosk=kiosk,
            max_copies=max_copies,
            max_copies_per_minute=max_copies_per_minute,
        )
    )  # folders resolved there, once
    if pin is None:
        click.echo(f"note: no staff PIN (--staff-pin-file FILE or {PIN_ENV}): no staff view, staff cannot print"
                   + ("; visitors may print one copy (--kiosk)" if kiosk else ""), err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: anyone on the network can open the desk page and print", err=True)
        if not extra_hosts:
            click.echo("warning: only the names " + ", ".join(hosts) + " are answered; add the name the counter "
                       "PCs use with --allowed-host", err=True)
    click.echo(f"guidegen desk page on http://{'localhost' if host == '127.0.0.1' else host}:{port}/ (Ctrl-C stops it)")
    try:
        desk_server(app, host=host, port=port).run()
    finally:
        close_desk(app)  # no worker outlives the desk
