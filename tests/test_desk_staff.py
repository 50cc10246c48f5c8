"""Staff-only printing at a public desk (issue 26): the staff PIN, staff sessions that end, a throttle on
guessing, copy caps per job and per minute, and kiosk mode. Printing goes to a recording stand-in for CUPS,
and documents are not laid out: these tests are about who may print what."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import CONTENT, PATIENT_RENDER_WAIT, run_cli
from staff_session import ORIGIN, STAFF_PIN, csrf_token, sign_in, staff_pin

PREVIEW = "/en/esim-cancel/checklist/"
PRINT = PREVIEW + "print"
PRINTERS = ["Front-Desk", "Back-Office"]


class Clock:
    """A clock the test moves by hand: ``clock.now += 600`` is ten minutes later."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every job sent to the stand-in CUPS (printers Front-Desk, the default, and Back-Office)."""
    import generator.desk.printers as desk_printers
    import generator.desk.staff as staff
    from generator.desk.printing import PrintJob

    jobs: list[dict[str, Any]] = []

    def send(pdf: Path, **options: Any) -> PrintJob:
        jobs.append(options)
        return PrintJob(f"{options['printer']}-{len(jobs)}", options["printer"])

    monkeypatch.setattr(desk_printers, "printers", lambda timeout: PRINTERS)
    monkeypatch.setattr(desk_printers, "default_printer", lambda timeout: PRINTERS[0])
    monkeypatch.setattr(staff, "send_to_printer", send)
    return jobs


@pytest.fixture
def make_app(clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """``make_app(**DeskConfig options)``: a desk with the staff PIN and the test's clock, whose documents are a
    stand-in file (nothing is laid out)."""
    import generator.desk.visitor as visitor
    from generator.desk.app import DeskConfig, close_desk, create_app
    from generator.desk.state import EXTENSION
    from generator.render.templates import Templates

    monkeypatch.setattr(visitor, "page_count", lambda pdf: 1)
    apps = []

    def make(**options: Any) -> Any:
        settings = {"render_wait": PATIENT_RENDER_WAIT, "staff_pin": staff_pin(), "clock": clock, **options}
        app = create_app(DeskConfig(CONTENT, tmp_path / "out", Templates(), **settings))
        app.extensions[EXTENSION].document = lambda job: tmp_path / "stand-in.pdf"
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_desk(app)


def _print(client: Any, url: str = PRINT, **form: str) -> Any:
    """A print POST from this desk's own page, with the client's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **form}, headers=ORIGIN)


def _token_without_a_form(client: Any) -> str:
    """A valid CSRF token of ``client``'s session, on a desk none of whose pages has a form to take it from."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    with client.application.test_request_context():
        token, raw = generate_csrf(), session["csrf_token"]
    with client.session_transaction() as kept:
        kept["csrf_token"] = raw
    return token


def _is_staff(client: Any) -> bool:
    page = client.get("/en/").data.decode()
    return 'class="staff"' in page and 'action="/staff/logout"' in page


def _staff_cookie(response: Any) -> str | None:
    from generator.desk.state import STAFF_COOKIE

    return next((header for header in response.headers.getlist("Set-Cookie")
                 if header.startswith(f"{STAFF_COOKIE}=")), None)


# --- signing in ------------------------------------------------------------------------------------------------------

def test_the_login_form_has_one_pin_field_and_the_csrf_token(make_app: Callable[..., Any]) -> None:
    page = make_app().test_client().get("/staff/login").data.decode()
    form = re.search(r'<form class="login" method="post" action="/staff/login">(.*?)</form>', page, re.S)
    assert form, page
    fields = re.findall(r"<input [^>]*>", form.group(1))
    assert len(fields) == 2 and 'name="csrf_token"' in fields[0] and 'type="hidden"' in fields[0]
    pin = fields[1]
    assert all(attribute in pin for attribute in ('name="pin"', 'type="password"', 'autocomplete="off"', 'id="pin"'))
    assert '<label for="pin">Staff PIN or passphrase</label>' in form.group(1)
    assert len(re.findall(r'name="pin"', page)) == 1


def test_a_wrong_pin_is_refused_and_the_right_one_starts_a_staff_session(make_app: Callable[..., Any],
                                                                        sent: list[dict[str, Any]]) -> None:
    client = make_app().test_client()
    wrong = sign_in(client, "1234")
    assert wrong.status_code == 403 and "Wrong PIN or passphrase." in wrong.data.decode()
    assert _staff_cookie(wrong) is None and not _is_staff(client)
    right = sign_in(client)
    assert right.status_code == 303 and right.headers["Location"] == "/"
    cookie = _staff_cookie(right)
    assert cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert STAFF_PIN.split()[0] not in cookie  # a random id, not the PIN
    assert _is_staff(client)
    assert 'class="print"' in client.get("/en/").data.decode()


def test_the_login_needs_its_csrf_token_and_goes_back_only_to_this_desk(make_app: Callable[..., Any]) -> None:
    client = make_app().test_client()
    assert client.post("/staff/login", data={"pin": STAFF_PIN}, headers=ORIGIN).status_code == 403
    assert not _is_staff(client)
    token = csrf_token(client)
    for target, landing in (("/fr/esim-cancel/handout/", "/fr/esim-cancel/handout/"), ("//evil.example/", "/"),
                            ("https://evil.example/", "/"), ("/\\evil.example", "/")):
        answer = client.post("/staff/login", query_string={"next": target},
                             data={"pin": STAFF_PIN, "csrf_token": token}, headers=ORIGIN)
        assert answer.status_code == 303 and answer.headers["Location"] == landing, target


def test_the_query_parameter_staff_grants_nothing(make_app: Callable[..., Any], sent: list[dict[str, Any]]) -> None:
    client = make_app().test_client()
    page = client.get("/en/?staff").data.decode()
    assert 'class="staff"' not in page and 'class="print"' not in page
    refused = _print(client, PRINT + "?staff", printer=PRINTERS[0], copies="1")
    assert refused.status_code == 403 and sent == []


def test_a_print_without_a_staff_session_is_refused_even_with_a_valid_token(
        make_app: Callable[..., Any], sent: list[dict[str, Any]]) -> None:
    client = make_app().test_client()
    assert 'class="print"' not in client.get(PREVIEW).data.decode()  # no kiosk: visitors see no print form
    for url in (PRINT, "/card/print"):
        answer = _print(client, url, printer=PRINTERS[0], copies="1")
        assert answer.status_code == 403 and "Not allowed" in answer.data.decode(), url
    assert sent == []
    sign_in(client)
    assert _print(client, printer=PRINTERS[0], copies="1").status_code == 200  # the same, signed in
    assert sent == [{"copies": 1, "printer": PRINTERS[0], "paper": "a4", "title": "en/esim-cancel-checklist",
                     "allow_many": True}]


def test_a_staff_session_ends_after_ten_idle_minutes(make_app: Callable[..., Any], clock: Clock,
                                                     sent: list[dict[str, Any]]) -> None:
    client = make_app().test_client()
    sign_in(client)
    for _ in range(3):  # used every 9 min 59 s: the idle time starts over each time
        clock.now += 599
        assert _is_staff(client)
    clock.now += 600
    expired = client.get("/en/")
    assert 'class="staff"' not in expired.data.decode()  # the visitor view again
    cookie = _staff_cookie(expired)
    assert cookie and "Expires=Thu, 01 Jan 1970" in cookie  # the browser forgets the ended session
    assert _print(client, printer=PRINTERS[0], copies="1").status_code == 403 and sent == []


def test_leaving_the_staff_view_is_one_tap_and_ends_the_session(make_app: Callable[..., Any]) -> None:
    from generator.desk.state import STAFF_COOKIE

    client = make_app().test_client()
    sign_in(client)
    page = client.get("/fr/esim-cancel/handout/").data.decode()
    leave = re.search(r'<form class="leave" method="post" action="/staff/logout">\s*'
                      r'<input type="hidden" name="csrf_token" value="([^"]+)">\s*'
                      r'<button type="submit">([^<]+)</button>', page)
    assert leave and leave.group(2) == "Quitter la vue du personnel", page
    session = client.get_cookie(STAFF_COOKIE).value
    assert client.post("/staff/logout", headers=ORIGIN).status_code == 403  # a form like any other: CSRF
    left = client.post("/staff/logout", data={"csrf_token": leave.group(1)}, headers=ORIGIN)
    assert left.status_code == 303 and left.headers["Location"] == "/"
    assert not _is_staff(client)
    client.set_cookie(STAFF_COOKIE, session)  # the old cookie kept: the session is over on the desk too
    assert not _is_staff(client)


def test_wrong_pins_lock_the_login_for_a_while(make_app: Callable[..., Any], clock: Clock) -> None:
    app = make_app()
    guesser, staff = app.test_client(), app.test_client()
    for guess in range(5):
        clock.now += 5
        assert sign_in(guesser, f"{guess:04d}").status_code == 403
    for client in (guesser, staff):  # for the whole desk: the right PIN is not even checked
        locked = sign_in(client)
        assert locked.status_code == 429 and 1 <= int(locked.headers["Retry-After"]) <= 60
        assert "Too many wrong attempts. Please wait a minute, then try again." in locked.data.decode()
        assert _staff_cookie(locked) is None
    assert "Too many wrong attempts." in staff.get("/staff/login").data.decode()
    clock.now += 61
    assert sign_in(staff).status_code == 303 and _is_staff(staff)


def test_wrong_pins_spread_out_are_not_throttled(make_app: Callable[..., Any], clock: Clock) -> None:
    client = make_app().test_client()
    for guess in range(8):
        clock.now += 20  # three a minute
        assert sign_in(client, f"{guess:04d}").status_code == 403
    assert sign_in(client).status_code == 303


# --- copies --------------------------------------------------------------------------------------------------------

def test_copies_per_job_are_capped(make_app: Callable[..., Any], sent: list[dict[str, Any]]) -> None:
    client = make_app(max_copies=3).test_client()
    sign_in(client)
    assert 'max="3"' in client.get("/en/").data.decode()
    refused = _print(client, printer=PRINTERS[1], copies="4")
    assert refused.status_code == 400 and "Copies per print: 3 at most." in refused.data.decode()
    assert _print(client, printer=PRINTERS[1], copies="3").status_code == 200
    assert [job["copies"] for job in sent] == [3]
    french = make_app(max_copies=500, max_copies_per_minute=50).test_client()  # a job never exceeds a minute's
    sign_in(french)
    answer = _print(french, "/fr/esim-cancel/checklist/print", printer=PRINTERS[1], copies="51")
    assert answer.status_code == 400 and "Exemplaires par impression\u00a0: 50 au maximum." in answer.data.decode()


def test_copies_per_minute_are_capped_for_the_whole_desk(make_app: Callable[..., Any], clock: Clock,
                                                         sent: list[dict[str, Any]]) -> None:
    app = make_app(max_copies_per_minute=5)
    first, second = app.test_client(), app.test_client()
    sign_in(first)
    sign_in(second)
    assert _print(first, printer=PRINTERS[0], copies="3").status_code == 200
    clock.now += 10
    assert _print(second, printer=PRINTERS[0], copies="2").status_code == 200
    clock.now += 10
    refused = _print(first, printer=PRINTERS[0], copies="1")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "40"  # when the first 3 leave
    assert "This desk has printed as many copies as it may in one minute." in refused.data.decode()
    spanish = _print(second, "/es/esim-cancel/checklist/print", printer=PRINTERS[0], copies="1")
    assert spanish.status_code == 429
    assert "Este mostrador alcanzó el límite de copias por minuto." in spanish.data.decode()
    assert len(sent) == 2
    clock.now += 40
    assert _print(first, printer=PRINTERS[0], copies="3").status_code == 200
    assert [job["copies"] for job in sent] == [3, 2, 3]


def test_copies_cups_refused_are_not_counted(make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
                                             sent: list[dict[str, Any]]) -> None:
    import generator.desk.staff as staff
    from generator.errors import GuidegenError

    client = make_app(max_copies_per_minute=2).test_client()
    sign_in(client)

    def refuse(pdf: Path, **options: Any) -> None:
        raise GuidegenError("cannot print: the printer is out of paper")

    with monkeypatch.context() as patch:
        patch.setattr(staff, "send_to_printer", refuse)
        for _ in range(3):
            answer = _print(client, printer=PRINTERS[0], copies="2")
            assert answer.status_code == 200 and "out of paper" in answer.data.decode()
    assert _print(client, printer=PRINTERS[0], copies="2").status_code == 200


# --- kiosk mode, and no PIN ----------------------------------------------------------------------------------------

def test_a_kiosk_prints_one_copy_of_what_the_visitor_views_and_no_more(
        make_app: Callable[..., Any], clock: Clock, sent: list[dict[str, Any]]) -> None:
    visitor = make_app(kiosk=True, max_copies_per_minute=2).test_client()
    page = visitor.get(PREVIEW).data.decode()
    form = re.search(r'<form class="print" method="post" action="/en/esim-cancel/checklist/print">(.*?)</form>',
                     page, re.S)
    assert form and "Print one copy" in form.group(1)
    assert "<select" not in form.group(1) and 'name="copies"' not in form.group(1)  # no choice to make
    assert 'class="print"' not in visitor.get("/en/").data.decode()  # one copy of what they view
    assert _print(visitor).status_code == 200
    assert sent[-1]["copies"] == 1 and sent[-1]["printer"] == PRINTERS[0]  # the default printer
    for more in ({"copies": "2"}, {"copies": "100"}, {"printer": PRINTERS[1]}):
        assert _print(visitor, **more).status_code == 403, more
    assert visitor.post(PRINT, headers=ORIGIN).status_code == 403  # still CSRF-protected
    assert _print(visitor, "/card/print").status_code == 200
    assert _print(visitor).status_code == 429  # counted in the copies of the minute
    assert len(sent) == 2


def test_without_a_pin_nothing_prints_and_the_login_page_says_how_to_set_one(
        make_app: Callable[..., Any], sent: list[dict[str, Any]]) -> None:
    client = make_app(staff_pin=None).test_client()
    page = client.get("/staff/login").data.decode()
    assert "no staff PIN has been given" in page and 'name="pin"' not in page
    assert "\u2068--staff-pin-file FILE\u2069" in page and "\u2068GUIDEGEN_STAFF_PIN\u2069" in page
    assert not _is_staff(client)
    assert 'class="print"' not in client.get(PREVIEW).data.decode()
    token = _token_without_a_form(client)
    for url in (PRINT, "/card/print"):
        answer = client.post(url, data={"csrf_token": token, "printer": PRINTERS[0], "copies": "1"}, headers=ORIGIN)
        assert answer.status_code == 403, url
    assert client.post("/staff/login", data={"csrf_token": token, "pin": STAFF_PIN}, headers=ORIGIN).status_code == 403
    arabic = client.get("/staff/login?lang=ar").data.decode()
    assert '<html lang="ar" dir="rtl">' in arabic and "GUIDEGEN_STAFF_PIN" in arabic
    kiosk = make_app(staff_pin=None, kiosk=True).test_client()  # kiosk mode is the operator's choice: no PIN needed
    assert kiosk.post(PRINT, data={"csrf_token": csrf_token(kiosk, PREVIEW)}, headers=ORIGIN).status_code == 200
    assert len(sent) == 1


# --- the PIN and the sessions themselves ---------------------------------------------------------------------------

def test_the_pin_is_kept_only_as_a_salted_hash() -> None:
    from generator.desk.access import StaffPin

    first, second = StaffPin.of("2468"), StaffPin.of("2468")
    assert first.salt != second.salt and first.digest != second.digest
    assert b"2468" not in first.salt + first.digest and "2468" not in repr(first)
    assert first.matches("2468") and not first.matches("2469") and not first.matches("")
    assert not first.matches("2468" * 1000)


def test_staff_sessions_are_bounded(clock: Clock) -> None:
    from generator.desk.access import StaffSessions

    sessions = StaffSessions(clock, limit=3)
    first, *others = [sessions.start() for _ in range(3)]
    clock.now += 1
    assert sessions.use(first)  # now the most recently used
    fourth = sessions.start()
    assert sessions.use(first) and sessions.use(fourth) and not sessions.use(others[0])
    assert len(sessions._seen) == 3
    assert not sessions.use("") and not sessions.use(None) and not sessions.use("forged")


def test_the_pin_file_wins_over_the_variable_and_loses_its_line_ending(tmp_path: Path) -> None:
    from generator.desk.access import PIN_ENV, staff_pin as configured

    pin_file = tmp_path / "pin"
    pin_file.write_text("from the file\n", encoding="utf-8")
    pin = configured(pin_file, {PIN_ENV: "from the variable"})
    assert pin and pin.matches("from the file") and not pin.matches("from the variable")
    variable = configured(None, {PIN_ENV: "from the variable"})
    assert variable and variable.matches("from the variable")
    assert configured(None, {}) is None


@pytest.mark.parametrize("kind, message", [
    ("folder", "the staff PIN file is a folder, not a regular file"),
    ("fifo", "the staff PIN file is a FIFO, not a regular file"),
    ("large", "the staff PIN file is 5,000 bytes; the limit is 1,024"),
    ("empty", "the staff PIN is empty"),
    ("lines", "the staff PIN must be one line"),
    ("missing", "cannot read the staff PIN file: No such file or directory"),
])
def test_a_pin_file_that_cannot_be_a_pin_is_a_clear_error(tmp_path: Path, kind: str, message: str) -> None:
    path = tmp_path / "pin"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # no writer: opening it to read would wait forever
    elif kind != "missing":
        path.write_text({"large": "1" * 5000, "empty": "\n", "lines": "1234\n5678\n"}[kind], encoding="utf-8")
    result = run_cli("serve", "--content", str(CONTENT), "-o", str(tmp_path / "out"), "--staff-pin-file", str(path))
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: {path}: {message}\n"
    assert "Traceback" not in result.output and result.stdout == ""


def test_an_empty_pin_variable_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDEGEN_STAFF_PIN", "")
    result = run_cli("serve", "--content", str(CONTENT), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and result.stderr == "error: GUIDEGEN_STAFF_PIN: the staff PIN is empty\n"


def test_serve_documents_its_staff_options() -> None:
    help_text = " ".join(run_cli("serve", "--help").stdout.split())
    for option in ("--staff-pin-file FILE", "GUIDEGEN_STAFF_PIN", "--max-copies INTEGER RANGE",
                   "--max-copies-per-minute INTEGER RANGE", "--kiosk"):
        assert option in help_text, option
