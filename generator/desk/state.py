"""What every desk page shares: the configuration, the documents made on demand, and the checks that turn a URL
into a job (``current()`` gives it to the blueprints of the running app)."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from flask import Response, abort, current_app, g, render_template, request
from flask_wtf.csrf import generate_csrf

from generator.content.languages import direction, english_name, native_name
from generator.content.numerals import localize_digits
from generator.desk.access import DeskAccess
from generator.desk.printers import PrinterStatus
from generator.errors import GuidegenError
from generator.i18n.ui_strings import UI_SOURCE_LANGUAGE, UiStrings, load_ui_strings
from generator.produce.jobs import Job
from generator.produce.ondemand import OnDemand, Preparing
from generator.render.formats import FORMATS, PrintOptions
from generator.render.templates import Templates

if TYPE_CHECKING:
    from generator.render.brand import LoadedBrand

RENDER_WAIT = 2.0  # seconds a request waits for a layout before it is answered "preparing"
RETRY_AFTER = 2  # seconds a "preparing" answer asks the browser to wait
PREVIEW_DPI = 60
THUMBNAIL_DPI = 24
EXTENSION = "guidegen.desk"
STAFF_COOKIE = "guidegen_staff"  # a staff session's id (access.StaffSessions); the visitor view without it
log = logging.getLogger("guidegen.serve")


@dataclass
class DeskState:
    """One desk: its folders (resolved once, whatever the working folder later), its documents and printers."""

    content_dir: Path
    out_dir: Path
    templates: Templates
    documents: OnDemand
    web_templates: list[Path]
    access: DeskAccess
    paper: str = "a4"
    brand: LoadedBrand | None = None
    status: PrinterStatus = field(default_factory=PrinterStatus)
    render_wait: float = RENDER_WAIT

    def ui(self, language: str) -> UiStrings:
        return load_ui_strings(language, self.templates.catalog_dirs)

    def language_entry(self, tag: str) -> dict[str, str]:
        return {"tag": tag, "native": native_name(tag), "english": english_name(tag), "dir": direction(tag),
                "search": folded(" ".join((native_name(tag), english_name(tag), tag)))}

    def checked_language(self, tag: str) -> str:
        if tag not in self.documents.library.languages:
            abort(404)
        return tag

    def checked_job(self, tag: str, guide: str, format_: str) -> Job:
        """The job a URL names, or 404: every part is checked against the library before it becomes a job."""
        language = self.checked_language(tag)
        source = self.documents.library.guides.get(guide)
        if source is None or language not in source.languages or format_ not in FORMATS:
            abort(404)
        return Job(guide, language, format_, PrintOptions(paper=self.paper).for_format(format_))

    def document(self, job: Job) -> Path:
        """The PDF of ``job``, made if needed; 503 when it cannot be (the reason goes to the log), or "preparing"
        (503 with Retry-After) when it is not made within ``render_wait`` seconds."""
        try:
            return self.documents.document_within(job, self.render_wait)
        except Preparing:
            preparing(job.language)
        except GuidegenError as error:
            log.error("cannot make %s: %s", job.label, error)
            unavailable()

    def card(self) -> Path:
        try:
            return self.documents.card_within(self.paper, self.render_wait)
        except Preparing:
            preparing(UI_SOURCE_LANGUAGE)
        except GuidegenError as error:
            log.error("cannot make the language card: %s", error)
            unavailable()

    def page(self, template: str, language: str, **context: Any) -> str:
        """A desk page in ``language`` (its direction, its template strings and digits)."""
        return render_template(template, lang=language, dir=direction(language), _=self.ui(language),
                               digits=lambda number: localize_digits(str(number), language),
                               brand=self.brand.brand if self.brand else None, csrf_token=generate_csrf,
                               staff=staff_view(), kiosk=self.access.kiosk and not staff_view(),
                               live=g.get("live"), max_copies=self.access.max_copies, **context)

    def printers(self) -> dict[str, Any] | None:
        """The printer status, in the staff view and in kiosk mode only."""
        return self.status.current() if staff_view() or self.access.kiosk else None


def current() -> DeskState:
    """The desk of the app handling this request."""
    state: DeskState = current_app.extensions[EXTENSION]
    return state


def staff_view() -> bool:
    """Whether this request comes with a live staff session, which then counts as used (asked once a request:
    pages and print forms ask, page images and version checks do not, so an open page does not keep it alive)."""
    if "staff" not in g:
        g.staff = current().access.sessions.use(request.cookies.get(STAFF_COOKIE))
    return bool(g.staff)


def image_dpi() -> int:
    return THUMBNAIL_DPI if request.args.get("size") == "thumb" else PREVIEW_DPI


def unavailable() -> NoReturn:
    abort(503)


def preparing(language: str) -> NoReturn:
    """503 with Retry-After: the document is being made. A page asked for by GET comes back by itself."""
    refresh = request.method == "GET" and request.args.get("size") != "thumb"
    page = current().page("preparing.html.j2", language, refresh=RETRY_AFTER if refresh else None)
    abort(Response(page, 503, {"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"}))


def isolated(text: str) -> str:
    """Text put into a sentence of any direction (a Latin printer name in Arabic): first-strong isolated."""
    return f"\u2068{text}\u2069"


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def folded(text: str) -> str:
    """Text for matching a search: case and accents ignored (español finds Español and espanol)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def title(source: Any, language: str) -> str:
    """The guide's title as plain text (the templates escape it)."""
    from generator.render.inline import plain_text

    guide = source.localized(language).guide
    return plain_text(guide.title, guide.params)
