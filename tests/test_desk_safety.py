"""The desk in front of the public (issue 12): no cross-site printing, no injected markup, no stalls,
images that load, errors that show no paths, only our own host names."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import CONTENT, PATIENT_RENDER_WAIT, DeskServer
from cups_server import PRINTER
from staff_session import sign_in, staff_pin
from generator.desk.app import close_desk
from generator.desk.state import RENDER_WAIT
from generator.errors import GuidegenError

PREVIEW = "/en/esim-cancel/checklist/"
PRINT = "/en/esim-cancel/checklist/print"
ORIGIN = {"Origin": "http://localhost"}  # the test client's own origin


def _app(content: Path, out: Path, templates: list[Path] | None = None, **options):  # type: ignore[no-untyped-def]
    from generator.render.templates import Templates
    from generator.desk.app import DeskConfig, create_app

    return create_app(DeskConfig(content, out, Templates(templates or []),
                                **{"render_wait": PATIENT_RENDER_WAIT, "staff_pin": staff_pin(), **options}))


@pytest.fixture
def app(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    app = _app(CONTENT, tmp_path / "out")
    yield app
    close_desk(app)


def _token(client, path: str = PREVIEW) -> str:  # type: ignore[no-untyped-def]
    """The CSRF token of a staff page (signed in first)."""
    assert sign_in(client).status_code == 303
    page = client.get(path).data.decode()
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


@pytest.fixture
def lp_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cups) -> Path:  # type: ignore[no-untyped-def]
    """A log of every ``lp`` run: a wrapper first on PATH that records its arguments and runs the real one."""
    real = shutil.which("lp")
    assert real
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "lp-calls.log"
    (folder / "lp").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (folder / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    log.touch()
    return log


# --- 1. Cross-site printing ---------------------------------------------------------------------------------------

def test_forged_print_requests_are_refused_and_print_nothing(app, lp_calls: Path, cups) -> None:  # type: ignore[no-untyped-def]
    form = {"printer": PRINTER, "copies": "1"}
    stranger = app.test_client()  # no cookie, no token: the measured attack
    assert stranger.post(PRINT, data=form, headers=ORIGIN).status_code == 403
    assert stranger.post(PRINT, data={**form, "csrf_token": ""}, headers=ORIGIN).status_code == 403

    client = app.test_client()
    token = _token(client)
    assert client.post(PRINT, data={**form, "csrf_token": ""}, headers=ORIGIN).status_code == 403  # empty token
    assert client.post(PRINT, data={**form, "csrf_token": "forged"}, headers=ORIGIN).status_code == 403
    other = app.test_client()
    _token(other)  # a session of its own
    assert other.post(PRINT, data={**form, "csrf_token": token}, headers=ORIGIN).status_code == 403  # another's token
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Origin": "http://localhost:9999"},
                    {"Referer": "http://evil.example/page"}, {}):  # a valid token from another origin, or none said
        assert client.post(PRINT, data={**form, "csrf_token": token}, headers=headers).status_code == 403, headers
    assert client.get(PRINT).status_code == 405
    assert lp_calls.read_text() == ""

    sent = client.post(PRINT, data={**form, "csrf_token": token}, headers=ORIGIN)
    assert sent.status_code == 200, sent.data
    # the one genuine request printed, once
    assert lp_calls.read_text().startswith("-n 1 ") and len(lp_calls.read_text().splitlines()) == 1
    job = re.search(rf"({PRINTER}-\d+)", sent.data.decode())
    assert job
    cups.job_attributes(job.group(1))
    cups.printed_file(job.group(1)).unlink()
    referer = client.post(PRINT, data={**form, "csrf_token": token}, headers={"Referer": "http://localhost" + PREVIEW})
    assert referer.status_code == 200  # no Origin (older browsers): the Referer of our own page will do
    second = re.search(rf"({PRINTER}-\d+)", referer.data.decode())
    assert second
    cups.job_attributes(second.group(1))
    cups.printed_file(second.group(1)).unlink()


# --- 2. Markup injection -------------------------------------------------------------------------------------------

def test_markup_in_the_query_is_escaped(app) -> None:  # type: ignore[no-untyped-def]
    hostile = '"><meta http-equiv=refresh content="0;url=https://evil.example/">'
    page = app.test_client().get("/", query_string={"q": hostile}).data.decode()
    assert "<meta http-equiv=refresh" not in page and 'content="0;url' not in page
    assert "&#34;&gt;&lt;meta http-equiv=refresh" in page


def test_markup_in_a_translation_and_a_guide_title_is_escaped(content_copy: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "locales").mkdir(parents=True)
    (templates / "locales" / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n"Language: fr\\n"\n\n'
        'msgid "Guides"\nmsgstr "<img src=x id=injected-ui>Guides"\n', encoding="utf-8")
    po = content_copy / "esim-cancel" / "locales" / "fr.po"
    text = po.read_text(encoding="utf-8")
    title = re.search(r'msgctxt "title"\nmsgid "[^"]*"\nmsgstr "([^"]*)"', text)
    assert title, "the French catalog translates the title"
    po.write_text(text.replace(title.group(0), title.group(0).replace(
        title.group(1), '<b id=\\"injected-title\\">Titre {provider}</b>')), encoding="utf-8")
    app = _app(content_copy, tmp_path / "out", [templates])
    try:
        page = app.test_client().get("/fr/").data.decode()
    finally:
        app.extensions["guidegen.pool"].close()
    assert "<img src=x id=injected-ui>" not in page and "&lt;img src=x id=injected-ui&gt;Guides" in page
    assert "<b id=" not in page and "injected-title" in page


def test_markup_in_a_printer_name_is_escaped(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import generator.desk.printers as deskprinters

    hostile = '"><script>alert(1)</script>'
    monkeypatch.setattr(deskprinters, "printers", lambda timeout: [hostile])
    monkeypatch.setattr(deskprinters, "default_printer", lambda timeout: hostile)
    client = app.test_client()
    sign_in(client)
    page = client.get("/en/").data.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- 3. Host names, error pages, request bodies -------------------------------------------------------------------

def test_only_allowed_host_names_are_answered(tmp_path: Path) -> None:
    from generator.desk.app import allowed_hosts

    assert allowed_hosts("127.0.0.1") == ("localhost", "127.0.0.1", "::1")
    assert "0.0.0.0" not in allowed_hosts("0.0.0.0") and "192.168.1.5" in allowed_hosts("192.168.1.5")
    app = _app(CONTENT, tmp_path / "out", allowed_hosts=allowed_hosts("0.0.0.0", ("Desk-1.Library.Example",)))
    try:
        client = app.test_client()
        for host in ("localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "desk-1.library.example:8000"):
            assert client.get("/", headers={"Host": host}).status_code == 200, host
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example",
                     "0.0.0.0:8000", ""):
            response = client.get("/", headers={"Host": host})
            assert response.status_code == 400, host
            assert b"Choose your language" not in response.data
    finally:
        app.extensions["guidegen.pool"].close()


def test_serve_has_the_allowed_host_option() -> None:
    from conftest import run_cli

    result = run_cli("serve", "--help")
    assert "--allowed-host NAME" in result.stdout and "--timeout" in result.stdout


@pytest.mark.parametrize("where, error, status, message", [
    ("page_count", RuntimeError, 500, "Something went wrong"),  # a bug
    ("page_image", GuidegenError, 503, "This document cannot be made right now"),  # e.g. a full disk
])
def test_error_pages_show_no_paths_and_no_tracebacks(app, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     caplog: pytest.LogCaptureFixture, where: str, error: type,
                                                     status: int, message: str) -> None:
    import generator.desk.visitor as visitor

    def broken(pdf: Path, *args: object) -> int:
        raise error(f"cannot write {tmp_path}/out/.previews/x.png: No space left on device")

    monkeypatch.setattr(visitor, where, broken)
    response = app.test_client().get(PREVIEW + ("page-1.png" if where == "page_image" else ""))
    page = response.data.decode()
    assert response.status_code == status
    assert message in page
    assert "Traceback" not in page and str(tmp_path) not in page and "No space left" not in page
    assert f"{tmp_path}/out/.previews/x.png: No space left on device" in caplog.text  # the log keeps it


def test_error_pages_speak_the_language_of_the_address(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    arabic = client.get("/ar/no-such-guide/handout/")
    assert arabic.status_code == 404
    assert '<html lang="ar" dir="rtl">' in arabic.data.decode() and "<h1>الصفحة غير موجودة</h1>" in arabic.data.decode()
    unknown = client.get("/xx/")
    assert unknown.status_code == 404 and "<h1>Not found</h1>" in unknown.data.decode()


def test_a_document_that_cannot_be_made_says_so_without_paths(content_copy: Path, tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    _make_doomed_guide(content_copy, items=1)  # fails at once: glyphs the fonts lack
    app = _app(content_copy, tmp_path / "out")
    try:
        response = app.test_client().get("/en/doomed/checklist/")
    finally:
        app.extensions["guidegen.pool"].close()
    assert response.status_code == 503
    page = response.data.decode()
    assert "This document cannot be made right now" in page
    assert str(tmp_path) not in page and "Traceback" not in page
    assert "en/doomed-checklist" in caplog.text


def test_waitress_refuses_large_bodies_itself(app) -> None:  # type: ignore[no-untyped-def]
    with _served(app) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(f"POST {PRINT} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n"
                               "Content-Type: application/x-www-form-urlencoded\r\n\r\n".encode())
            answer = connection.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer  # at once, without reading (or buffering) 10 MB


# --- 4. Absolute paths: the default relative -o -------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float = 60, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def _ready(url: str, seconds: float = 120) -> tuple[int, str, bytes]:
    """GET ``url`` as a browser does: a "preparing" answer (503 with Retry-After) is asked again, bounded."""
    deadline = time.monotonic() + seconds
    while True:
        answer = _get(url)
        if answer[0] != 503 or b"refresh" not in answer[2] and b"Preparing" not in answer[2] or \
                time.monotonic() > deadline:
            return answer
        time.sleep(1.0)


def test_serve_with_relative_folders_loads_every_image(tmp_path: Path) -> None:
    """As the README starts it: ``guidegen serve`` in a folder, default ``-o build``, a relative ``--content``."""
    (tmp_path / "content").symlink_to(CONTENT)
    port = _free_port()
    guidegen = Path(sys.executable).with_name("guidegen")
    server = subprocess.Popen([str(guidegen), "serve", "--content", "content", "--port", str(port)], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, _ = _get(base + "/", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
        assert status == 200
        images = []
        for page in ("/en/", "/ar/", PREVIEW, "/ar/esim-cancel/handout/"):
            status, _, body = _ready(base + page)
            assert status == 200, page
            images += re.findall(r'<img src="([^"]+)"', body.decode().replace("&amp;", "&"))
        assert len(images) >= 4
        for image in images:
            status, kind, body = _ready(base + image)
            assert (status, kind) == (200, "image/png"), (image, body[:300])
            assert body[:8] == b"\x89PNG\r\n\x1a\n"
        assert (tmp_path / "build" / ".previews").is_dir()
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode(errors="replace")
    assert "FileNotFoundError" not in output, output


# --- 5. Never stall --------------------------------------------------------------------------------------------------

DOOMED_ITEM = " ".join(["Unlink this number in your payment and banking apps, then check again"] * 20)


def _make_doomed_guide(content: Path, items: int = 9) -> None:
    """A second guide, ``doomed``, whose checklist can never fit and whose handout runs to hundreds of pages (far
    longer to lay out than the 25 s limit); with ``items=1`` both fail at once instead, on a character no font has."""
    folder = content / "doomed"
    shutil.copytree(content / "esim-cancel", folder)
    shutil.rmtree(folder / "locales")
    guide = folder / "guide.yaml"
    source = guide.read_text(encoding="utf-8")
    head = source[:source.index("checklist:")].replace("id: esim-cancel", "id: doomed")
    if items == 1:  # an English guide: its checklist's line of Sutton SignWriting is the only failure
        head = head.replace("source_language: zh-CN", "source_language: en")
    text = DOOMED_ITEM if items > 1 else "\U0001D800 Sutton SignWriting"
    if items > 1:  # and a handout of hundreds of pages: laying it out takes far longer than the time limit
        words = " ".join(f"**{word}**" for word in DOOMED_ITEM.split())  # a box per word: slow to lay out
        paragraph = '      - type: paragraph\n        text: "' + words[:1900].rsplit(" ", 1)[0] + '"\n'
        sections = "".join(f"  - type: section\n    id: long-{n}\n    title: Part {n}\n    blocks:\n"
                           + "".join("  " + line + "\n" for line in (paragraph * 12).splitlines())
                           for n in range(36))
        head = head.replace("blocks:\n", "blocks:\n" + sections, 1)
    lines = ["checklist:", "  title: Long checklist", "  groups:"]
    for group in range(6):
        lines += [f"    - id: group-{group}", f"      title: Group {group + 1}", "      items:"]
        lines += [f"        - {text} {i}" for i in range(items)]
    guide.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")


_served = DeskServer  # an app on waitress, as ``guidegen serve`` runs it, stopped completely on exit


def _timed(url: str, headers: dict[str, str] | None = None) -> tuple[int, float]:
    started = time.monotonic()
    status = _get(url, headers=headers)[0]
    return status, time.monotonic() - started


PROMPT = 15.0  # seconds: far above a normal answer (well under 5 s, 10 on a loaded machine), below the slow one
RENDER_BOUND = 2.0 + 3.0  # the desk's wait for a layout, and room for a loaded machine
HOME_BOUND = 1.0  # GET / under load


def _fetch(url: str) -> tuple[int, dict[str, str], str, float]:
    """Status, headers, body and seconds of one GET (errors included)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            status, headers, body = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    return status, headers, body.decode("utf-8", "replace"), time.monotonic() - started


def test_a_slow_document_is_preparing_within_the_bound_and_stalls_no_one(content_copy: Path, tmp_path: Path) -> None:
    """Eight visitors ask for a document that takes longer than its limit: each is told "preparing" within the
    bound (503, Retry-After, a page that comes back by itself), it is laid out once, and the home page answers
    within a second all along; once the layout failed, the failure is said at once."""
    _make_doomed_guide(content_copy)
    app = _app(content_copy, tmp_path / "out", timeout=8, render_wait=RENDER_WAIT)
    builds = _count_builds(app.extensions["guidegen.pool"])
    try:
        with _served(app) as base, ThreadPoolExecutor(9) as executor:
            assert _fetch(base + "/")[0] == 200  # the desk has loaded its library
            slow = [executor.submit(_fetch, base + "/zh-CN/doomed/handout/") for _ in range(8)]
            time.sleep(0.3)  # they are all in
            status, _, _, seconds = _fetch(base + "/")
            assert status == 200 and seconds < HOME_BOUND, seconds
            for answer in slow:
                status, headers, body, seconds = answer.result(timeout=60)
                assert status == 503 and seconds < RENDER_BOUND, (status, seconds)
                assert headers.get("Retry-After") == "2"
                assert '<meta http-equiv="refresh" content="2">' in body and "正在准备此文档" in body
            status, headers, body, _ = _fetch(base + "/zh-CN/doomed/handout/page-1.png?size=thumb")
            assert status == 503 and headers.get("Retry-After") == "2" and "refresh" not in body  # an image
            assert builds == ["zh-CN/doomed-handout"]  # once, however many asked

            deadline = time.monotonic() + 60
            while (answer := _fetch(base + "/zh-CN/doomed/handout/"))[1].get("Retry-After"):
                assert time.monotonic() < deadline, "the layout was never stopped"
                time.sleep(1.0)
            status, headers, body, seconds = answer
            assert status == 503 and seconds < RENDER_BOUND and "暂时无法生成此文档" in body  # failed: said at once
            assert builds == ["zh-CN/doomed-handout"]  # and remembered, not tried again
    finally:
        close_desk(app)


def test_a_cold_desk_under_many_page_images_answers_its_home_page(guide_copy: Path, tmp_path: Path) -> None:
    """72 page images asked for at once on a cold cache (every document of the guide, three times over): each is
    answered within the bound, "preparing" or the image, and the home and language pages within a second."""
    from generator.i18n.library import load_library

    library = load_library(guide_copy)
    paths = [f"/{language}/esim-cancel/{format_}/page-1.png?size=thumb"
             for language in library.guides["esim-cancel"].languages for format_ in ("handout", "checklist")]
    app = _app(guide_copy, tmp_path / "out", render_wait=RENDER_WAIT)
    try:
        with _served(app) as base, ThreadPoolExecutor(24) as executor:
            assert _fetch(base + "/")[0] == 200  # the desk has loaded its library
            images = [executor.submit(_fetch, base + path) for path in paths * 3]
            time.sleep(0.3)
            for page in ("/", "/fr/"):
                status, _, _, seconds = _fetch(base + page)
                assert status == 200 and seconds < HOME_BOUND, (page, seconds)
            answers = [image.result(timeout=120) for image in images]
            assert all(status in (200, 503) and seconds < RENDER_BOUND for status, _, _, seconds in answers)
            assert all(headers.get("Retry-After") == "2" for status, headers, _, _ in answers if status == 503)
    finally:
        close_desk(app)


def _count_builds(pool) -> list[str]:  # type: ignore[no-untyped-def]
    """Record the jobs the pool is asked to build from now on."""
    calls: list[str] = []
    build = pool.build

    def counted(job):  # type: ignore[no-untyped-def]
        calls.append(job.label)
        return build(job)

    pool.build = counted
    return calls


def test_a_failure_is_remembered_until_its_inputs_change(content_copy: Path, tmp_path: Path) -> None:
    _make_doomed_guide(content_copy, items=1)
    app = _app(content_copy, tmp_path / "out")
    builds = _count_builds(app.extensions["guidegen.pool"])
    client = app.test_client()
    try:
        assert client.get("/en/doomed/checklist.pdf").status_code == 503
        assert client.get("/en/doomed/checklist/").status_code == 503
        assert client.get("/en/doomed/checklist/page-1.png").status_code == 503
        assert builds == ["en/doomed-checklist"]  # tried once
        guide = content_copy / "doomed" / "guide.yaml"
        guide.write_text(guide.read_text(encoding="utf-8").replace("\U0001D800 Sutton SignWriting", "Fixed"),
                         encoding="utf-8")
        time.sleep(1.1)  # the desk looks at the content folder once a second
        assert client.get("/en/doomed/checklist/").status_code == 200  # a new key: tried again, and it works
        assert builds == ["en/doomed-checklist"] * 2
    finally:
        app.extensions["guidegen.pool"].close()


def test_a_hanging_lpstat_does_not_hold_up_pages(app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "hanging"
    folder.mkdir()
    (folder / "lpstat").write_text("#!/bin/sh\nexec sleep 60\n")
    (folder / "lpstat").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    from generator.desk.state import EXTENSION, STAFF_COOKIE

    cookie = {"Cookie": f"{STAFF_COOKIE}={app.extensions[EXTENSION].access.sessions.start()}"}  # signed in
    with _served(app) as base, ThreadPoolExecutor(6) as executor:
        staff = [executor.submit(_timed, base + "/en/", cookie) for _ in range(4)]
        visitors = [executor.submit(_timed, base + path) for path in ("/", "/en/")]
        for future in staff + visitors:
            status, seconds = future.result(timeout=60)
            assert status == 200 and seconds < PROMPT, seconds
        status, seconds = _timed(base + "/en/", cookie)  # the silence is remembered a few seconds
        assert status == 200 and seconds < PROMPT, seconds
    client = app.test_client()
    sign_in(client)
    page = client.get("/en/").data.decode()
    assert "No printer is set up." in page


# --- 6. Atomic preview images -------------------------------------------------------------------------------------

@pytest.mark.parametrize("exit_code", [1, 0])
def test_a_cut_off_page_image_is_never_served(app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                              exit_code: int) -> None:
    """A pdftoppm that writes half a PNG (a full disk), with or without saying so."""
    real = Path(shutil.which("pdftoppm") or "")
    folder = tmp_path / "full-disk"
    folder.mkdir()
    (folder / "pdftoppm").write_text(
        f'#!/bin/sh\nfor last; do :; done\nprintf "\\211PNG\\r\\n\\032\\nhalf" > "$last.png"\nexit {exit_code}\n'
    )
    (folder / "pdftoppm").chmod(0o755)
    client = app.test_client()
    image = PREVIEW + "page-1.png"
    with monkeypatch.context() as patch:
        patch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        assert client.get(image).status_code == 503
    previews = tmp_path / "out" / ".previews"
    assert [p.name for p in previews.rglob("*") if p.is_file()] == []  # nothing half-written left behind
    assert real.is_file()
    response = client.get(image)
    assert response.status_code == 200 and response.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert response.data[-8:-4] == b"IEND"


# --- 7. For the visitor ----------------------------------------------------------------------------------------------

def test_the_header_names_the_service_in_the_page_language(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert re.search(r'<p class="service">Printed guides', client.get("/").data.decode())
    assert re.search(r'<p class="service">Guides imprimés', client.get("/fr/").data.decode())
    brand = tmp_path / "brand.yaml"
    brand.write_text("name: Riverside <Library>\n", encoding="utf-8")
    from generator.render.brand import load_brand

    branded = _app(CONTENT, tmp_path / "out", brand=load_brand(brand))
    try:
        assert '<p class="service">Riverside &lt;Library&gt;' in branded.test_client().get("/fr/").data.decode()
    finally:
        branded.extensions["guidegen.pool"].close()


def test_visitors_see_no_printer_matters_staff_do(app, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "no-printers"
    folder.mkdir()
    (folder / "lpstat").write_text('#!/bin/sh\necho "lpstat: No destinations added." >&2\nexit 1\n')
    (folder / "lpstat").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    client, staff_client = app.test_client(), app.test_client()
    sign_in(staff_client)
    for path in ("/fr/", "/fr/esim-cancel/checklist/"):
        for address in (path, path + "?staff"):  # ?staff grants nothing
            response = client.get(address)
            visitor = response.data.decode()
            assert "Aucune imprimante" not in visitor and 'class="print"' not in visitor
            assert "Vue du personnel" not in visitor
            assert "Set-Cookie" not in response.headers  # no session for visitors: only print forms need one
        staff = staff_client.get(path).data.decode()
        assert "Aucune imprimante n’est configurée." in staff and "Vue du personnel" in staff
        assert "?staff" not in staff  # the staff view is the session's, not the address's


def test_a_broken_catalog_hides_only_its_own_guide(content_copy: Path, tmp_path: Path) -> None:
    """An unterminated string in one guide's es.po: the Spanish page lists the other guides (it answered 500)."""

    catalog = content_copy / "esim-cancel" / "locales" / "es.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "unterminated\n', encoding="utf-8")
    app = _app(content_copy, tmp_path / "out")
    try:
        response = app.test_client().get("/es/")
        page = response.data.decode()
        assert response.status_code == 200, page
        assert 'id="guide-esim-transfer"' in page and 'id="guide-number-safety"' in page
        assert 'id="guide-esim-cancel"' not in page
        assert str(content_copy) not in page
    finally:
        close_desk(app)


def test_temporary_page_images_left_by_a_killed_desk_are_swept_at_start(tmp_path: Path) -> None:

    folder = tmp_path / "out" / ".previews" / "en"
    folder.mkdir(parents=True)
    leftover = folder / ".esim-cancel-handout-1-2-60dpi-p1.4242.99.tmp.png"
    leftover.write_bytes(b"\x89PNG half")
    kept = folder / "esim-cancel-handout-1-2-60dpi-p1.png"
    kept.write_bytes(b"\x89PNG whole")
    app = _app(CONTENT, tmp_path / "out")
    close_desk(app)
    assert not leftover.exists() and kept.exists()


def test_a_stopped_desk_leaves_no_thread_behind(tmp_path: Path) -> None:
    """Serving and stopping a desk (with a request, and a kept-alive connection left open) ends every thread it
    started: waitress's task threads and its loop (one test process once had 42 left over)."""
    import http.client


    before = threading.active_count()
    for _ in range(2):
        with DeskServer(_app(CONTENT, tmp_path / "out")) as url:
            connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
            connection.request("GET", "/static/desk.css")  # kept alive: the server must close it
            assert connection.getresponse().status == 200
    deadline = time.monotonic() + 10
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before, [t.name for t in threading.enumerate()]


# --- 8. A desk that stays up: waitress's bounds (issue 26) -----------------------------------------------------------

def test_waitress_bounds_connections_and_idle_time() -> None:
    from generator.desk.serving import waitress_options

    options = waitress_options()
    assert options["connection_limit"] >= 200 and options["threads"] == 8
    assert options["channel_timeout"] <= 30  # waitress's default keeps an idle connection 120 s
    assert options["cleanup_interval"] < options["channel_timeout"]
    from waitress.adjustments import Adjustments

    Adjustments(**options)  # every name is one waitress knows


def _exchange(connection: socket.socket, request: str) -> str:
    """Send ``request`` and read one whole answer (headers and the Content-Length body)."""
    connection.sendall(request.encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head, re.I).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += connection.recv(65536)
    return head.decode()


def _closed_by_server(connection: socket.socket) -> bool:
    connection.settimeout(5)
    try:
        return connection.recv(1) == b""
    except TimeoutError:
        return False


def test_a_refusal_closes_its_connection_and_an_answer_keeps_it(app) -> None:  # type: ignore[no-untyped-def]
    with _served(app) as base:
        address = ("127.0.0.1", int(base.rsplit(":", 1)[1]))
        for request in ("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n",  # 400: a foreign Host
                        f"POST {PRINT} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\n"
                        "Content-Length: 0\r\n\r\n",  # 403: no CSRF token
                        "GET /xx/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"):  # 404
            with socket.create_connection(address, timeout=10) as connection:
                head = _exchange(connection, request)
                assert re.search(r"^HTTP/1.1 4\d\d ", head) and "Connection: close" in head, head
                assert _closed_by_server(connection), request
        with socket.create_connection(address, timeout=10) as connection:
            for _ in range(2):  # one connection, two answers
                head = _exchange(connection, "GET /static/desk.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                assert head.startswith("HTTP/1.1 200") and "Connection: close" not in head


def test_refused_requests_do_not_use_up_the_connections(app) -> None:  # type: ignore[no-untyped-def]
    """The measured attack: 150 kept-alive sockets, each answered 400 for a foreign Host, then GET / (it timed out)."""
    held = []
    with _served(app) as base:
        address = ("127.0.0.1", int(base.rsplit(":", 1)[1]))
        try:
            for _ in range(150):
                connection = socket.create_connection(address, timeout=10)
                held.append(connection)
                assert _exchange(connection, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n").startswith("HTTP/1.1 400")
            status, seconds = _timed(base + "/")
            assert status == 200 and seconds < 5, seconds
        finally:
            for connection in held:
                connection.close()


def test_an_idle_connection_is_dropped(app) -> None:  # type: ignore[no-untyped-def]
    """The desk's own server closes a connection that says nothing (here after 1 s instead of 20)."""
    with DeskServer(app, channel_timeout=1, cleanup_interval=1) as base:
        connection = socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=10)
        with connection:
            started = time.monotonic()
            assert _closed_by_server(connection)
            assert time.monotonic() - started < 5
