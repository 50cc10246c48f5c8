"""Printing a document or the language card: a POST from the staff view, or a kiosk's one copy.

Every print is a POST with the session's CSRF token and an Origin of this desk
(checked for the whole app in ``app.py``). Staff (a live staff session,
``staff_login.py``) choose a printer CUPS lists and up to ``max_copies``; in
kiosk mode a visitor prints one copy on the default printer, and may choose
nothing. Anyone else is refused (403), and so is everyone once the desk has
printed its copies of the minute (429 with ``Retry-After``)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from flask import Blueprint, Response, abort, request

from generator.desk.card_pages import CARD_URL
from generator.desk.limits import retry_after
from generator.desk.printing import send_to_printer
from generator.desk.state import current, isolated, log, staff_view, unavailable
from generator.errors import GuidegenError
from generator.i18n.ui_strings import UI_SOURCE_LANGUAGE

staff = Blueprint("staff", __name__)


@staff.post("/<tag>/<guide>/<format_>/print")
def print_document(tag: str, guide: str, format_: str) -> str:
    desk = current()
    job = desk.checked_job(tag, guide, format_)
    copies, printer = _print_form(job.language)
    return _print(desk.document(job), job.label, job.language, copies, printer,
                  format=format_, doc_url=f"/{job.language}/{guide}/{format_}")


@staff.post(f"{CARD_URL}/print")
def print_card() -> str:
    copies, printer = _print_form(UI_SOURCE_LANGUAGE)
    return _print(current().card(), "language card", UI_SOURCE_LANGUAGE, copies, printer,
                  format="card", doc_url=CARD_URL)


def _print_form(language: str) -> tuple[int, str]:
    """The copies and printer of a print form: staff choose both, a kiosk visitor neither (one copy on the
    default printer). 403 for anyone else or a kiosk form asking for more, 400 for a form that makes no sense."""
    desk = current()
    if staff_view():
        try:
            copies = int(request.form.get("copies", "1"))
        except ValueError:
            abort(400)
        printer = request.form.get("printer", "")
        if copies < 1 or printer not in desk.status.current()["names"]:
            abort(400)
        if copies > desk.access.max_copies:
            _refuse(400, language, "copies-per-job")
        return copies, printer
    if not desk.access.kiosk or request.form.get("copies", "1") != "1" or "printer" in request.form:
        abort(403)
    printer = desk.status.current()["default"]
    if printer is None:
        unavailable()
    return 1, printer


def _refuse(code: int, language: str, reason: str, wait: float | None = None) -> NoReturn:
    """An error page saying why (``reason``: a key of error.html.j2), with ``Retry-After`` when ``wait``."""
    page = current().page("error.html.j2", language, code=code, reason=reason)
    headers = {} if wait is None else {"Retry-After": str(retry_after(wait))}
    abort(Response(page, code, headers))


def _print(pdf: Path, label: str, language: str, copies: int, printer: str, **context: str) -> str:
    """Send ``pdf`` to CUPS and say how it went, in ``language`` (paths never shown); counted in the copies of
    the minute, and refused (429) past them."""
    desk = current()
    wait = desk.access.copies.take(copies)
    if wait:
        log.warning("not printing %s: the desk's copies of the minute are used up", label)
        _refuse(429, language, "copies-per-minute", wait)
    try:
        sent = send_to_printer(pdf, copies=copies, printer=printer, paper=desk.paper, title=label, allow_many=True)
    except GuidegenError as error:
        desk.access.copies.give_back(copies)
        log.error("cannot print %s: %s", label, error)
        reason = str(error).replace(str(desk.out_dir), "…")
        return desk.page("printed.html.j2", language, ok=False, reason=isolated(reason), **context)
    return desk.page("printed.html.j2", language, ok=True, printer=isolated(sent.printer), job=isolated(sent.id),
                     **context)
