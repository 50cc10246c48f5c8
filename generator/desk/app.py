"""``guidegen serve``: the language desk page, a small Flask app.

Desk staff open it on a counter PC; the visitor picks their language from large
buttons labelled in that language, sees the guides in it (the page itself turns
into that language and direction), previews a document and downloads it. The
staff view (signed in at ``/staff/login`` with the staff PIN, ``staff_login.py``)
adds the printer status and print forms; in kiosk mode a visitor may print one
copy of a document they preview.

The page is meant to run on a PC where staff also browse the web, so:

- only what guidegen built or can build is served: every part of a URL is
  checked against the library before it becomes a job, and only ``Job.output``
  turns a job into a path;
- printing is a POST with Flask-WTF's per-session CSRF token and an Origin (or
  Referer) of this very desk, from a staff session (or a kiosk's one copy);
  copies are capped per job and per minute (``access.py``, ``limits.py``);
- only the allowed host names are answered (no DNS rebinding);
- every template is autoescaped;
- error pages say what went wrong, never where (paths and tracebacks go to the log);
- documents are laid out in worker processes with a time limit (``RenderPool``),
  each behind its own lock, and a failure is remembered until its inputs change.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from generator.desk.access import DeskAccess, StaffPin
from generator.desk.card_pages import card
from generator.desk.limits import COPIES_PER_MINUTE
from generator.desk.live import live
from generator.desk.previews import sweep_temporaries
from generator.desk.printing import MAX_COPIES
from generator.desk.staff import staff
from generator.desk.staff_login import staff_login
from generator.desk.state import EXTENSION, RENDER_WAIT, DeskState, current
from generator.desk.visitor import visitor
from generator.i18n.ui_strings import UI_SOURCE_LANGUAGE
from generator.produce.ondemand import OnDemand
from generator.produce.renderpool import RenderPool
from generator.produce.worker_loop import BuildSettings
from generator.render.brand import LoadedBrand
from generator.render.templates import Templates

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")
MAX_FORM_BYTES = 16_384  # Flask refuses larger forms
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
    render_wait: float = RENDER_WAIT  # seconds a request waits for a layout before it is answered "preparing"
    staff_pin: StaffPin | None = None  # None: no staff view, and nothing printed except in kiosk mode
    kiosk: bool = False  # visitors may print one copy of a document they preview
    max_copies: int = MAX_COPIES  # per print job
    max_copies_per_minute: int = COPIES_PER_MINUTE  # for the whole desk, staff and kiosk together
    clock: Callable[[], float] = time.monotonic  # for staff sessions and the limits (tests set their own)


def allowed_hosts(bound: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The host names the desk answers to: the loopback names, the address it listens on, and ``extra``."""
    names = [*LOOPBACK_HOSTS, *([] if bound in WILDCARD_ADDRESSES else [bound]), *extra]
    return tuple(dict.fromkeys(_bare_host(name) for name in names))


def close_desk(app: Flask) -> None:
    """Stop a desk's work: no document is started any more, and its workers exit (bounded waits)."""
    app.extensions[EXTENSION].documents.close()
    app.extensions["guidegen.pool"].close(wait=True)


class _DeskFlask(Flask):
    def select_jinja_autoescape(self, filename: str | None) -> bool:
        return True  # every desk template (*.html.j2 is not on Flask's own list)


def create_app(config: DeskConfig) -> Flask:
    """The desk app: its blueprints (visitor, live, card, staff, staff login) behind the host, origin and CSRF
    checks."""
    content_dir, out_dir = config.content_dir.resolve(), config.out_dir.resolve()  # once, whatever the cwd later
    template_dirs = [folder.resolve() for folder in config.templates.dirs]
    templates = Templates(template_dirs[:-1], content_dir)
    settings = BuildSettings(
        content_dir=content_dir,
        guides=(),
        out_dir=out_dir,
        template_dirs=tuple(template_dirs[:-1]),
        timeout=config.timeout,
        brand=config.brand.path.resolve() if config.brand else None,
    )
    pool = RenderPool(settings, config.render_workers)
    sweep_temporaries(out_dir)  # a desk killed while drawing a page left its temporary image
    web_templates = [folder / "web" for folder in template_dirs]
    desk = DeskState(
        content_dir,
        out_dir,
        templates,
        OnDemand(content_dir, out_dir, templates, config.brand, pool=pool),
        web_templates,
        DeskAccess.of(config.staff_pin, config.clock, max_copies=config.max_copies,
                      per_minute=config.max_copies_per_minute, kiosk=config.kiosk),
        paper=config.paper,
        brand=config.brand,
        render_wait=config.render_wait,
    )
    app = _DeskFlask(__name__, template_folder=str(web_templates[-1]), static_folder=None)
    app.jinja_loader.searchpath = [str(folder) for folder in web_templates]  # type: ignore[union-attr]
    app.secret_key = config.secret
    app.config.update(SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True,
                      MAX_CONTENT_LENGTH=MAX_FORM_BYTES, WTF_CSRF_TIME_LIMIT=None, PROPAGATE_EXCEPTIONS=False)
    app.extensions["guidegen.pool"] = pool
    app.extensions[EXTENSION] = desk
    _guard(app, {_bare_host(name) for name in config.allowed_hosts})
    for blueprint in (visitor, live, card, staff, staff_login):
        app.register_blueprint(blueprint)
    _error_pages(app)
    return app


def _guard(app: Flask, hosts: set[str]) -> None:
    """Checks before any route: our own host names, a POST from this desk's own pages, a CSRF token."""

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


def _error_pages(app: Flask) -> None:
    def error_page(code: int) -> tuple[str, int]:
        """A short page in the language of the address when it names one (English otherwise)."""
        desk = current()
        tag = (request.view_args or {}).get("tag")
        language = tag if isinstance(tag, str) and tag in desk.documents.library.languages else UI_SOURCE_LANGUAGE
        return desk.page("error.html.j2", language, code=code), code

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


def _bare_host(value: str) -> str:
    """``Host`` header or name → the host name alone, lower case, without port or IPv6 brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else ""
    if value.count(":") == 1:
        return value.partition(":")[0]
    return value


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
