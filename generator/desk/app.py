"""``guidegen serve``: the language desk page, a small Flask app.

Desk staff open it on a counter PC; the visitor picks their language from large
buttons labelled in that language, sees the guides in it (the page itself turns
into that language and direction), previews a document and downloads it. The
staff view (``?staff`` on any page) adds the printer status and print forms.

The page is meant to run on a PC where staff also browse the web, so:

- only what guidegen built or can build is served: every part of a URL is
  checked against the library before it becomes a job, and only ``Job.output``
  turns a job into a path;
- printing is a POST with Flask-WTF's per-session CSRF token and an Origin (or
  Referer) of this very desk; copies are capped;
- only the allowed host names are answered (no DNS rebinding);
- every template is autoescaped;
- error pages say what went wrong, never where (paths and tracebacks go to the log);
- documents are laid out in worker processes with a time limit (``RenderPool``),
  each behind its own lock, and a failure is remembered until its inputs change.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, render_template, request, send_file
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.exceptions import HTTPException

from generator.render.brand import LoadedBrand
from generator.desk.printers import PrinterStatus
from generator.errors import GuidegenError
from generator.render.formats import FORMATS, PrintOptions
from generator.produce.jobs import Job
from generator.content.languages import direction, english_name, is_valid_tag, native_name
from generator.content.numerals import localize_digits
from generator.produce.ondemand import OnDemand
from generator.desk.card import add_card_routes, card_offered
from generator.desk.live import Live, document_version, guide_problems, problems_version
from generator.desk.previews import page_image
from generator.desk.printing import MAX_COPIES, send_to_printer
from generator.produce.renderpool import RenderPool
from generator.render.templates import Templates
from generator.i18n.template_strings import UI_SOURCE_LANGUAGE, UiStrings, load_ui_strings, ui_catalog_paths
from generator.produce.workers import BuildSettings

PREVIEW_DPI = 60
THUMBNAIL_DPI = 24
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")
MAX_FORM_BYTES = 16_384  # Flask refuses larger forms
MAX_BODY_BYTES = 65_536  # waitress refuses larger bodies before reading them
STATIC_FILES = {"desk.css": "text/css", "desk.js": "text/javascript"}
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" with our own print form
    "Referrer-Policy": "same-origin",
}
log = logging.getLogger("guidegen.serve")


@dataclass
class DeskConfig:
    content_dir: Path
    out_dir: Path
    templates: Templates
    brand: LoadedBrand | None = None
    paper: str = "a4"
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    timeout: float = 120.0  # seconds one document may take, as ``build --timeout`` (0: no limit)
    render_workers: int = 2


def allowed_hosts(bound: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The host names the desk answers to: the loopback names, the address it listens on, and ``extra``."""
    names = [*LOOPBACK_HOSTS, *([] if bound in WILDCARD_ADDRESSES else [bound]), *extra]
    return tuple(dict.fromkeys(_bare_host(name) for name in names))


def waitress_options() -> dict[str, Any]:
    """How ``guidegen serve`` runs waitress (the tests start it the same way)."""
    return {"threads": 8, "ident": "guidegen", "max_request_body_size": MAX_BODY_BYTES,
            "max_request_header_size": 65_536, "expose_tracebacks": False}


class _DeskFlask(Flask):
    def select_jinja_autoescape(self, filename: str) -> bool:
        return True  # every desk template (*.html.j2 is not on Flask's own list)


def create_app(config: DeskConfig) -> Flask:
    content_dir, out_dir = config.content_dir.resolve(), config.out_dir.resolve()  # once, whatever the cwd later
    template_dirs = [folder.resolve() for folder in config.templates.dirs]
    templates = Templates(template_dirs[:-1], content_dir)
    settings = BuildSettings(content_dir=content_dir, guides=(), out_dir=out_dir, template_dirs=tuple(template_dirs[:-1]),
                             timeout=config.timeout, brand=config.brand.path.resolve() if config.brand else None)
    pool = RenderPool(settings, config.render_workers)
    desk = OnDemand(content_dir, out_dir, templates, config.brand, pool=pool)
    status = PrinterStatus()
    hosts = {_bare_host(name) for name in config.allowed_hosts}
    web_templates = [folder / "web" for folder in template_dirs]
    app = _DeskFlask(__name__, template_folder=str(web_templates[-1]), static_folder=None)
    app.jinja_loader.searchpath = [str(folder) for folder in web_templates]  # type: ignore[union-attr]
    app.secret_key = config.secret
    app.config.update(SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True,
                      MAX_CONTENT_LENGTH=MAX_FORM_BYTES, WTF_CSRF_TIME_LIMIT=None, PROPAGATE_EXCEPTIONS=False)
    app.extensions["guidegen.pool"] = pool

    def ui(language: str) -> UiStrings:
        return load_ui_strings(language, templates.catalog_dirs)

    def language_entry(tag: str) -> dict[str, str]:
        return {"tag": tag, "native": native_name(tag), "english": english_name(tag), "dir": direction(tag),
                "search": _folded(" ".join((native_name(tag), english_name(tag), tag)))}

    def checked_language(tag: str) -> str:
        if tag not in desk.library.languages:
            abort(404)
        return tag

    def checked_job(tag: str, guide: str, format_: str) -> Job:
        language = checked_language(tag)
        source = desk.library.guides.get(guide)
        if source is None or language not in source.languages or format_ not in FORMATS:
            abort(404)
        return Job(guide, language, format_, PrintOptions(paper=config.paper).for_format(format_))

    def document(job: Job) -> Path:
        try:
            return desk.document(job)[0]
        except GuidegenError as error:
            log.error("cannot make %s: %s", job.label, error)
            abort(503)

    def staff() -> bool:
        return "staff" in request.args

    def page(template: str, language: str, **context: Any) -> str:
        return render_template(template, lang=language, dir=direction(language), _=ui(language),
                               digits=lambda number: localize_digits(str(number), language),
                               brand=config.brand.brand if config.brand else None, csrf_token=generate_csrf,
                               staff=staff(), view="?staff" if staff() else "", live=g.get("live"), **context)

    def problems_of(tag: str, guide: str, format_: str) -> list[str]:
        """The content errors that stop this document (a guide or catalog that does not load), if any.

        A guide that did not load is not in the library: its address is checked against the folders
        that failed, a well-formed language tag and a known format instead."""
        broken = guide in desk.library.broken
        if broken and not (is_valid_tag(tag) and format_ in FORMATS):
            abort(404)
        if not broken:
            checked_job(tag, guide, format_)
        return guide_problems(desk, content_dir, guide, tag)

    def version_url(tag: str, guide: str, format_: str) -> str:
        return f"/{tag}/{guide}/{format_}/version"

    @app.before_request
    def known_host() -> None:
        """Answer only to our own names: a page elsewhere cannot reach us through DNS rebinding."""
        if _bare_host(request.headers.get("Host", "")) not in hosts:
            abort(400)

    @app.before_request
    def same_origin() -> None:
        """A POST must come from a page of this desk: its Origin (or else its Referer) says so."""
        if request.method != "POST":
            return
        origin = request.headers.get("Origin") or _origin_of(request.headers.get("Referer", ""))
        if origin is None or origin.lower() != request.host_url.rstrip("/").lower():
            abort(403)

    CSRFProtect(app)  # after the checks above: a foreign host or origin is refused first

    @app.after_request
    def secure(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/")
    def home() -> str:
        query = request.args.get("q", "")
        languages = [language_entry(tag) for tag in desk.library.languages]
        shown = [entry for entry in languages if _folded(query) in entry["search"]] if query else languages
        invitations = [(tag, ui(tag)("Choose your language"), direction(tag)) for tag in desk.library.languages]
        return page("home.html.j2", UI_SOURCE_LANGUAGE, languages=shown, query=query, invitations=invitations,
                    card=card_offered(desk), printers=status.current() if staff() else None, max_copies=MAX_COPIES)

    @app.get("/<tag>/")
    def language(tag: str) -> str:
        language = checked_language(tag)
        guides = [{"id": source.id, "title": _title(source, language)}
                  for source in desk.library.guides.values() if language in source.languages]
        return page("language.html.j2", language, language_name=native_name(language), guides=guides,
                    formats=FORMATS, printers=status.current() if staff() else None, max_copies=MAX_COPIES)

    @app.get("/<tag>/<guide>/<format_>.pdf")
    def download(tag: str, guide: str, format_: str) -> Response:
        job = checked_job(tag, guide, format_)
        return send_file(document(job), mimetype="application/pdf", as_attachment=True,
                         download_name=f"{guide}-{format_}.{job.language}.pdf")

    @app.get("/<tag>/<guide>/<format_>/")
    def preview(tag: str, guide: str, format_: str) -> str | tuple[str, int]:
        problems = problems_of(tag, guide, format_)
        if problems:
            log.error("%s cannot be made: the guide has errors:\n%s", f"{tag}/{guide}-{format_}", "\n".join(problems))
            g.live = Live(version_url(tag, guide, format_), problems_version(problems))
            spoken = tag in desk.library.languages or tag in ui_catalog_paths(templates.catalog_dirs)
            language = tag if spoken else UI_SOURCE_LANGUAGE  # a guide that does not load has no languages
            return page("problems.html.j2", language, problems=problems), 503
        job = checked_job(tag, guide, format_)
        g.live = Live(version_url(tag, guide, format_), document_version(desk, job))  # also on a 503 page
        pages = _page_count(document(job))
        return page("preview.html.j2", job.language, guide=guide, format=format_, pages=pages,
                    doc_url=f"/{job.language}/{guide}/{format_}",
                    title=_title(desk.library.get(guide), job.language),
                    printers=status.current() if staff() else None, max_copies=MAX_COPIES)

    @app.get("/<tag>/<guide>/<format_>/version")
    def version(tag: str, guide: str, format_: str) -> Response:
        """What the preview page shows, as a short text: the document's key, or a hash of its errors."""
        problems = problems_of(tag, guide, format_)
        text = problems_version(problems) if problems else document_version(desk, checked_job(tag, guide, format_))
        return Response(text, mimetype="text/plain", headers={"Cache-Control": "no-store"})

    @app.get("/<tag>/<guide>/<format_>/page-<int:number>.png")
    def page_png(tag: str, guide: str, format_: str, number: int) -> Response:
        job = checked_job(tag, guide, format_)
        pdf = document(job)
        if not 1 <= number <= _page_count(pdf):
            abort(404)
        try:
            image = page_image(pdf, out_dir, number, image_dpi())
        except GuidegenError as error:
            log.error("cannot draw page %d of %s: %s", number, job.label, error)
            abort(503)
        return send_file(image, mimetype="image/png", max_age=60)

    @app.post("/<tag>/<guide>/<format_>/print")
    def print_document(tag: str, guide: str, format_: str) -> str:
        job = checked_job(tag, guide, format_)
        try:
            copies = int(request.form.get("copies", "1"))
        except ValueError:
            abort(400)
        available = status.current()
        printer = request.form.get("printer", "")
        if not 1 <= copies <= MAX_COPIES or printer not in available["names"]:
            abort(400)
        try:
            sent = send_to_printer(document(job), copies=copies, printer=printer, paper=config.paper,
                                   title=job.label)
        except GuidegenError as error:
            log.error("cannot print %s: %s", job.label, error)
            reason = str(error).replace(str(out_dir), "…")
            return page("printed.html.j2", job.language, doc_url=f"/{job.language}/{guide}/{format_}",
                        format=format_, ok=False,
                        reason=_isolated(reason))
        return page("printed.html.j2", job.language, doc_url=f"/{job.language}/{guide}/{format_}",
                    format=format_, ok=True,
                    printer=_isolated(sent.printer), job=_isolated(sent.id))

    def image_dpi() -> int:
        return THUMBNAIL_DPI if request.args.get("size") == "thumb" else PREVIEW_DPI

    add_card_routes(app, desk, paper=config.paper, out_dir=out_dir, page=page, printers=status.current, staff=staff,
                    dpi=image_dpi, isolated=_isolated)

    @app.get("/static/<name>")
    def static_file(name: str) -> Response:
        if name not in STATIC_FILES:
            abort(404)
        for folder in web_templates:
            if (folder / name).is_file():
                return send_file(folder / name, mimetype=STATIC_FILES[name], max_age=300)
        abort(404)

    def error_page(code: int) -> tuple[str, int]:
        """A short page in the language of the address when it names one (English otherwise)."""
        tag = (request.view_args or {}).get("tag")
        language = tag if isinstance(tag, str) and tag in desk.library.languages else UI_SOURCE_LANGUAGE
        return page("error.html.j2", language, code=code), code

    @app.errorhandler(CSRFError)
    def forged(error: CSRFError) -> tuple[str, int]:
        return error_page(403)  # a missing, empty or foreign token: not allowed, whatever the form says

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return error_page(error.code or 500)

    @app.errorhandler(Exception)
    def crashed(error: Exception) -> tuple[str, int]:
        log.exception("error on %s %s", request.method, request.path)
        return error_page(500)

    return app


def _bare_host(value: str) -> str:
    """``Host`` header or name → the host name alone, lower case, without port or IPv6 brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else ""
    if value.count(":") == 1:
        return value.partition(":")[0]
    return value


def _isolated(text: str) -> str:
    """Text put into a sentence of any direction (a Latin printer name in Arabic): first-strong isolated."""
    return f"\u2068{text}\u2069"


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def _folded(text: str) -> str:
    """Text for matching a search: case and accents ignored (español finds Español and espanol)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _title(source: Any, language: str) -> str:
    """The guide's title as plain text (the templates escape it)."""
    from generator.render.inline import plain_text

    guide = source.localized(language).guide
    return plain_text(guide.title, guide.params)
