"""Staff sign in and out: ``/staff/login`` (the staff PIN) and ``/staff/logout`` (one tap, on every staff page).

Both are forms with the session's CSRF token, like every form of the desk. A right PIN starts a staff session
(``access.StaffSessions``) in a cookie that scripts cannot read (HttpOnly), that no other site's page sends
(SameSite=Strict) and that holds only a random id. Wrong PINs are counted for the whole desk
(``limits.PinThrottle``): past the limit the login answers 429 with ``Retry-After`` and checks nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, g, redirect, request, url_for
from werkzeug.wrappers import Response as Redirect

from generator.desk.access import PIN_ENV
from generator.desk.limits import retry_after
from generator.desk.state import STAFF_COOKIE, current, isolated, log
from generator.i18n.ui_strings import UI_SOURCE_LANGUAGE

LOGIN_URL = "/staff/login"
LOGOUT_URL = "/staff/logout"
PIN_FILE_OPTION = "--staff-pin-file FILE"
staff_login = Blueprint("staff_login", __name__)


@staff_login.get(LOGIN_URL)
def login_form() -> tuple[str, int]:
    return _login_page(locked=current().access.throttle.refused_for() > 0), 200


@staff_login.post(LOGIN_URL)
def login() -> Redirect | tuple[str, int, dict[str, str]] | tuple[str, int]:
    access = current().access
    if access.pin is None:
        return _login_page(), 403
    wait = access.throttle.begin()
    if wait:
        log.warning("staff login refused: too many wrong PINs")
        return _login_page(locked=True), 429, {"Retry-After": str(retry_after(wait))}
    right = False
    try:
        right = access.pin.matches(request.form.get("pin", ""))
    finally:
        access.throttle.done(right)
    if not right:
        log.warning("a wrong staff PIN was given")
        return _login_page(wrong=True), 403
    response = redirect(_next_page(), 303)
    response.set_cookie(STAFF_COOKIE, access.sessions.start(), httponly=True, samesite="Strict", path="/")
    return response


@staff_login.post(LOGOUT_URL)
def logout() -> Redirect:
    current().access.sessions.end(request.cookies.get(STAFF_COOKIE))
    g.staff = False
    response = redirect("/", 303)
    response.delete_cookie(STAFF_COOKIE, path="/", httponly=True, samesite="Strict")
    return response


@staff_login.after_app_request
def forget_an_ended_session(response: Response) -> Response:
    """A cookie whose session is over (idle, or the desk restarted) is removed: the browser is a visitor's."""
    if STAFF_COOKIE in request.cookies and g.get("staff") is False and request.path != LOGOUT_URL:
        response.delete_cookie(STAFF_COOKIE, path="/", httponly=True, samesite="Strict")
    return response


def _login_page(*, wrong: bool = False, locked: bool = False) -> str:
    """The sign-in form (or, with no PIN set, how to set one) in the language ``?lang=`` names."""
    desk = current()
    language = request.args.get("lang", "")
    language = language if language in desk.documents.library.languages else UI_SOURCE_LANGUAGE
    action = url_for("staff_login.login", lang=request.args.get("lang") and language, next=request.args.get("next"))
    return desk.page("staff-login.html.j2", language, pin_set=desk.access.pin is not None, wrong=wrong,
                     locked=locked, action=action, option=isolated(PIN_FILE_OPTION), variable=isolated(PIN_ENV))


def _next_page() -> str:
    """Where to go once signed in: ``?next=`` when it is a path of this desk, else the home page."""
    target = request.args.get("next", "/")
    parts = urlsplit(target)
    if (not target.startswith("/") or target.startswith("//") or "\\" in target or parts.scheme or parts.netloc
            or any(ord(char) < 32 or ord(char) == 127 for char in target)):
        return "/"
    return target
