"""What a visitor sees: the languages, the guides in one, a document's preview, its pages and its PDF."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, request, send_file

from generator.desk.card_pages import card_offered
from generator.desk.live import Live, document_version, problems_of, problems_version, version_url
from generator.desk.previews import page_image
from generator.desk.state import current, folded, image_dpi, log, page_count, staff_view, title, unavailable
from generator.content.languages import direction, native_name
from generator.errors import GuidegenError
from generator.i18n.ui_strings import UI_SOURCE_LANGUAGE, ui_catalog_paths
from generator.render.formats import FORMATS

visitor = Blueprint("visitor", __name__)
STATIC_FILES = {"desk.css": "text/css", "desk.js": "text/javascript"}


@visitor.get("/")
def home() -> str:
    desk = current()
    query = request.args.get("q", "")
    languages = [desk.language_entry(tag) for tag in desk.documents.library.languages]
    shown = [entry for entry in languages if folded(query) in entry["search"]] if query else languages
    invitations = [(tag, desk.ui(tag)("Choose your language"), direction(tag))
                   for tag in desk.documents.library.languages]
    return desk.page("home.html.j2", UI_SOURCE_LANGUAGE, languages=shown, query=query, invitations=invitations,
                     card=card_offered(desk.documents), printers=desk.printers())


@visitor.get("/<tag>/")
def language(tag: str) -> str:
    desk = current()
    language = desk.checked_language(tag)
    guides, broken = [], []
    for source in desk.documents.library.guides.values():
        if language not in source.languages:
            continue
        try:
            guides.append({"id": source.id, "title": title(source, language)})
        except GuidegenError as error:  # a broken catalog hides its own guide, not the whole page
            log.error("%s is not listed in %s: %s", source.id, language, error)
            broken.append(source.id)
    return desk.page("language.html.j2", language, language_name=native_name(language), guides=guides,
                     formats=FORMATS, printers=desk.printers(), broken=broken if staff_view() else [])


@visitor.get("/<tag>/<guide>/<format_>.pdf")
def download(tag: str, guide: str, format_: str) -> Response:
    desk = current()
    job = desk.checked_job(tag, guide, format_)
    return send_file(desk.document(job), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{guide}-{format_}.{job.language}.pdf")


@visitor.get("/<tag>/<guide>/<format_>/")
def preview(tag: str, guide: str, format_: str) -> str | tuple[str, int]:
    desk = current()
    problems = problems_of(desk, tag, guide, format_)
    if problems:
        log.error("%s cannot be made: the guide has errors:\n%s", f"{tag}/{guide}-{format_}", "\n".join(problems))
        g.live = Live(version_url(tag, guide, format_), problems_version(problems))
        spoken = tag in desk.documents.library.languages or tag in ui_catalog_paths(desk.templates.catalog_dirs)
        language = tag if spoken else UI_SOURCE_LANGUAGE  # a guide that does not load has no languages
        return desk.page("problems.html.j2", language, problems=problems), 503
    job = desk.checked_job(tag, guide, format_)
    g.live = Live(version_url(tag, guide, format_), document_version(desk.documents, job))  # also on a 503 page
    pages = page_count(desk.document(job))
    return desk.page("preview.html.j2", job.language, guide=guide, format=format_, pages=pages,
                     doc_url=f"/{job.language}/{guide}/{format_}",
                     title=title(desk.documents.library.get(guide), job.language), printers=desk.printers())


@visitor.get("/<tag>/<guide>/<format_>/page-<int:number>.png")
def page_png(tag: str, guide: str, format_: str, number: int) -> Response:
    desk = current()
    job = desk.checked_job(tag, guide, format_)
    pdf = desk.document(job)
    if not 1 <= number <= page_count(pdf):
        abort(404)
    try:
        image = page_image(pdf, desk.out_dir, number, image_dpi())
    except GuidegenError as error:
        log.error("cannot draw page %d of %s: %s", number, job.label, error)
        unavailable()
    return send_file(image, mimetype="image/png", max_age=60)


@visitor.get("/static/<name>")
def static_file(name: str) -> Response:
    if name not in STATIC_FILES:
        abort(404)
    for folder in current().web_templates:
        if (folder / name).is_file():
            return send_file(folder / name, mimetype=STATIC_FILES[name], max_age=300)
    abort(404)
