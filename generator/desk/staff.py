"""What staff do: print a document or the language card (a POST from the staff view).

Every print is a POST with the session's CSRF token and an Origin of this desk
(checked for the whole app in ``app.py``), a copy count within ``MAX_COPIES``
and a printer CUPS lists."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, request

from generator.desk.card_pages import CARD_URL
from generator.desk.printing import MAX_COPIES, send_to_printer
from generator.desk.state import current, isolated, log
from generator.errors import GuidegenError
from generator.i18n.ui_strings import UI_SOURCE_LANGUAGE

staff = Blueprint("staff", __name__)


@staff.post("/<tag>/<guide>/<format_>/print")
def print_document(tag: str, guide: str, format_: str) -> str:
    desk = current()
    job = desk.checked_job(tag, guide, format_)
    copies, printer = _print_form()
    return _print(desk.document(job), job.label, job.language, copies, printer,
                  format=format_, doc_url=f"/{job.language}/{guide}/{format_}")


@staff.post(f"{CARD_URL}/print")
def print_card() -> str:
    copies, printer = _print_form()
    return _print(current().card(), "language card", UI_SOURCE_LANGUAGE, copies, printer,
                  format="card", doc_url=CARD_URL)


def _print_form() -> tuple[int, str]:
    """The copies and printer of a print form, or 400."""
    try:
        copies = int(request.form.get("copies", "1"))
    except ValueError:
        abort(400)
    printer = request.form.get("printer", "")
    if not 1 <= copies <= MAX_COPIES or printer not in current().status.current()["names"]:
        abort(400)
    return copies, printer


def _print(pdf: Path, label: str, language: str, copies: int, printer: str, **context: str) -> str:
    """Send ``pdf`` to CUPS and say how it went, in ``language`` (paths never shown)."""
    desk = current()
    try:
        sent = send_to_printer(pdf, copies=copies, printer=printer, paper=desk.paper, title=label)
    except GuidegenError as error:
        log.error("cannot print %s: %s", label, error)
        reason = str(error).replace(str(desk.out_dir), "…")
        return desk.page("printed.html.j2", language, ok=False, reason=isolated(reason), **context)
    return desk.page("printed.html.j2", language, ok=True, printer=isolated(sent.printer), job=isolated(sent.id),
                     **context)
