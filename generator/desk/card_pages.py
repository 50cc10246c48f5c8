"""The language card on the desk: preview, download and print, like a guide's documents.

``/card/`` previews it, ``/card.pdf`` downloads it, ``/card/page-1.png`` draws
it and ``POST /card/print`` prints it (``staff.py``: the same CSRF token, Origin
check and copy limit as every print form). The card is built on demand with
the same cache as ``guidegen card`` (``OnDemand.card``), in a desk worker.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file

from generator.desk.previews import page_image
from generator.desk.state import current, image_dpi, log, unavailable
from generator.errors import GuidegenError
from generator.i18n.ui_strings import UI_SOURCE_LANGUAGE
from generator.produce.availability import card_languages
from generator.produce.ondemand import OnDemand

CARD_URL = "/card"
card = Blueprint("card", __name__)


def card_offered(documents: OnDemand) -> bool:
    """Whether the library has a language with a complete guide (so a card to offer)."""
    return not documents.library.problems and bool(card_languages(documents.library))


@card.get(f"{CARD_URL}/")
def card_preview() -> str:
    desk = current()
    desk.card()
    return desk.page("preview.html.j2", UI_SOURCE_LANGUAGE, format="card", title="", pages=1, doc_url=CARD_URL,
                     printers=desk.printers())


@card.get(f"{CARD_URL}.pdf")
def card_download() -> Response:
    path = current().card()
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=path.name)


@card.get(f"{CARD_URL}/page-<int:number>.png")
def card_png(number: int) -> Response:
    if number != 1:
        abort(404)
    desk = current()
    try:
        image = page_image(desk.card(), desk.out_dir, 1, image_dpi())
    except GuidegenError as error:
        log.error("cannot draw the language card: %s", error)
        unavailable()
    return send_file(image, mimetype="image/png", max_age=60)
