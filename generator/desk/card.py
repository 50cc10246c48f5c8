"""The language card on the desk: preview, download and print, like a guide's documents.

``/card/`` previews it, ``/card.pdf`` downloads it, ``/card/page-1.png`` draws
it and ``POST /card/print`` prints it (staff view; the same CSRF token, Origin
check and copy limit as every print form). The card is built on demand with
the same cache as ``guidegen card`` (``OnDemand.card``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, request, send_file

from generator.produce.availability import card_languages
from generator.produce.ondemand import OnDemand
from generator.desk.previews import page_image
from generator.desk.printing import MAX_COPIES, send_to_printer
from generator.errors import GuidegenError
from generator.i18n.template_strings import UI_SOURCE_LANGUAGE

CARD_URL = "/card"
log = logging.getLogger("guidegen.serve")


def card_offered(desk: OnDemand) -> bool:
    """Whether the library has a language with a complete guide (so a card to offer)."""
    return not desk.library.problems and bool(card_languages(desk.library))


def add_card_routes(app: Flask, desk: OnDemand, *, paper: str, out_dir: Path, page: Callable[..., str],
                    printers: Callable[[], dict[str, Any]], staff: Callable[[], bool], dpi: Callable[[], int],
                    isolated: Callable[[str], str]) -> None:
    """The card's pages; ``page`` renders a desk template, ``printers`` the printer status (staff view)."""

    def card() -> Path:
        try:
            return desk.card(paper)
        except GuidegenError as error:
            log.error("cannot make the language card: %s", error)
            abort(503)

    @app.get(f"{CARD_URL}/")
    def card_preview() -> str:
        card()
        return page("preview.html.j2", UI_SOURCE_LANGUAGE, format="card", title="", pages=1,
                    doc_url=CARD_URL, printers=printers() if staff() else None, max_copies=MAX_COPIES)

    @app.get(f"{CARD_URL}.pdf")
    def card_download() -> Response:
        path = card()
        return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=path.name)

    @app.get(f"{CARD_URL}/page-<int:number>.png")
    def card_png(number: int) -> Response:
        if number != 1:
            abort(404)
        try:
            image = page_image(card(), out_dir, 1, dpi())
        except GuidegenError as error:
            log.error("cannot draw the language card: %s", error)
            abort(503)
        return send_file(image, mimetype="image/png", max_age=60)

    @app.post(f"{CARD_URL}/print")
    def card_print() -> str:
        try:
            copies = int(request.form.get("copies", "1"))
        except ValueError:
            abort(400)
        available = printers()
        printer = request.form.get("printer", "")
        if not 1 <= copies <= MAX_COPIES or printer not in available["names"]:
            abort(400)
        context = {"format": "card", "doc_url": CARD_URL}
        try:
            sent = send_to_printer(card(), copies=copies, printer=printer, paper=paper, title="language card")
        except GuidegenError as error:
            log.error("cannot print the language card: %s", error)
            reason = str(error).replace(str(out_dir), "…")
            return page("printed.html.j2", UI_SOURCE_LANGUAGE, ok=False, reason=isolated(reason), **context)
        return page("printed.html.j2", UI_SOURCE_LANGUAGE, ok=True, printer=isolated(sent.printer),
                    job=isolated(sent.id), **context)

