"""``guidegen serve``: the language desk page, a small Flask app.

Desk staff open it on a counter PC; the visitor picks their language from large
buttons labelled in that language, sees the guides in it (the page itself turns
into that language and direction), previews a document, downloads it, or
prints it on a CUPS printer.

Only what guidegen built or can build is served: every part of a URL is checked
against the library (language, guide, format, page number) before it becomes a
job, and only ``Job.output`` turns a job into a path. Printing is a POST with a
CSRF token, copies are capped, and the server binds to loopback unless told
otherwise.
"""

from __future__ import annotations

import hmac
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, render_template, request, send_file, session
from markupsafe import Markup

from generator.brand import LoadedBrand
from generator.jobs import Job
from generator.errors import GuidegenError
from generator.formats import FORMATS, PrintOptions
from generator.languages import direction, english_name, native_name
from generator.ondemand import OnDemand
from generator.previews import page_image
from generator.printing import MAX_COPIES, default_printer, printers, send_to_printer
from generator.templates import Templates
from generator.ui import UI_SOURCE_LANGUAGE, UiStrings, load_ui_strings

PREVIEW_DPI = 60
THUMBNAIL_DPI = 24
STATIC_FILES = {"desk.css": "text/css", "desk.js": "text/javascript"}
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass
class DeskConfig:
    content_dir: Path
    out_dir: Path
    templates: Templates
    brand: LoadedBrand | None = None
    paper: str = "a4"
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))


def create_app(config: DeskConfig) -> Flask:
    desk = OnDemand(config.content_dir, config.out_dir, config.templates, config.brand)
    web_templates = [folder / "web" for folder in config.templates.dirs]
    app = Flask(__name__, template_folder=str(web_templates[-1]), static_folder=None)
    app.jinja_loader.searchpath = [str(folder) for folder in web_templates]  # type: ignore[union-attr]
    app.secret_key = config.secret
    app.config.update(SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True, MAX_CONTENT_LENGTH=16_384)

    def ui(language: str) -> UiStrings:
        return load_ui_strings(language, config.templates.catalog_dirs)

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
        return Job(guide, language, format_, PrintOptions(config.paper).for_format(format_))

    def document(job: Job) -> Path:
        try:
            return desk.document(job)[0]
        except GuidegenError as error:
            abort(Response(f"This document cannot be made: {error}", status=500, mimetype="text/plain"))

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return str(session["csrf"])

    def page(template: str, language: str, **context: Any) -> str:
        return render_template(template, lang=language, dir=direction(language), _=ui(language),
                               brand=config.brand.brand if config.brand else None, csrf_token=csrf_token, **context)

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
        return page("home.html.j2", UI_SOURCE_LANGUAGE, languages=shown, query=query, invitations=invitations)

    @app.get("/<tag>/")
    def language(tag: str) -> str:
        language = checked_language(tag)
        guides = [{"id": source.id, "title": _title(source, language)}
                  for source in desk.library.guides.values() if language in source.languages]
        return page("language.html.j2", language, language_name=native_name(language), guides=guides,
                    formats=FORMATS, printers=_printers(), max_copies=MAX_COPIES)

    @app.get("/<tag>/<guide>/<format_>.pdf")
    def download(tag: str, guide: str, format_: str) -> Response:
        job = checked_job(tag, guide, format_)
        return send_file(document(job), mimetype="application/pdf", as_attachment=True,
                         download_name=f"{guide}-{format_}.{job.language}.pdf")

    @app.get("/<tag>/<guide>/<format_>/")
    def preview(tag: str, guide: str, format_: str) -> str:
        job = checked_job(tag, guide, format_)
        pages = _page_count(document(job))
        return page("preview.html.j2", job.language, guide=guide, format=format_, pages=pages,
                    title=_title(desk.library.get(guide), job.language), printers=_printers(), max_copies=MAX_COPIES)

    @app.get("/<tag>/<guide>/<format_>/page-<int:number>.png")
    def page_png(tag: str, guide: str, format_: str, number: int) -> Response:
        job = checked_job(tag, guide, format_)
        pdf = document(job)
        if not 1 <= number <= _page_count(pdf):
            abort(404)
        dpi = THUMBNAIL_DPI if request.args.get("size") == "thumb" else PREVIEW_DPI
        return send_file(page_image(pdf, config.out_dir, number, dpi), mimetype="image/png", max_age=60)

    @app.post("/<tag>/<guide>/<format_>/print")
    def print_document(tag: str, guide: str, format_: str) -> str:
        job = checked_job(tag, guide, format_)
        if not hmac.compare_digest(request.form.get("csrf", ""), str(session.get("csrf", ""))):
            abort(403)
        try:
            copies = int(request.form.get("copies", "1"))
        except ValueError:
            abort(400)
        available = _printers()
        printer = request.form.get("printer", "")
        if not 1 <= copies <= MAX_COPIES or printer not in available["names"]:
            abort(400)
        try:
            sent = send_to_printer(document(job), copies=copies, printer=printer, paper=config.paper,
                                   title=job.label)
        except GuidegenError as error:
            return page("printed.html.j2", job.language, guide=guide, format=format_, ok=False, reason=str(error))
        return page("printed.html.j2", job.language, guide=guide, format=format_, ok=True, printer=sent.printer,
                    job=sent.id)

    @app.get("/static/<name>")
    def static_file(name: str) -> Response:
        if name not in STATIC_FILES:
            abort(404)
        for folder in web_templates:
            if (folder / name).is_file():
                return send_file(folder / name, mimetype=STATIC_FILES[name], max_age=300)
        abort(404)

    @app.errorhandler(404)
    def not_found(error: Exception) -> tuple[str, int]:
        return page("error.html.j2", UI_SOURCE_LANGUAGE, message="Not found"), 404

    return app


def _page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def _folded(text: str) -> str:
    """Text for matching a search: case and accents ignored (español finds Español and espanol)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _title(source: Any, language: str) -> Markup:
    from generator.inline import plain_text

    guide = source.localized(language).guide
    return Markup.escape(plain_text(guide.title, guide.params))


def _printers() -> dict[str, Any]:
    """The CUPS printers and the default one; empty when printing is not set up."""
    try:
        names = printers()
        default = default_printer()
    except GuidegenError:
        return {"names": [], "default": None}
    return {"names": names, "default": default if default in names else (names[0] if names else None)}
