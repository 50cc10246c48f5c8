"""guidegen serve: the language desk page, driven in a real browser (Debian's headless Chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import (BUNDLED_DOCUMENTS, BUNDLED_LANGUAGES, CONTENT, PATIENT_RENDER_WAIT, DeskServer, pdf_reader,
                      pdftotext)
from generator.content.languages import native_name
from cups_server import PRINTER
from staff_session import STAFF_PIN, sign_in, staff_pin

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def desk(cups, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The desk app on a free loopback port, printing to the test CUPS server."""
    from generator.render.templates import Templates
    from generator.desk.app import DeskConfig, create_app

    config = DeskConfig(CONTENT, tmp_path_factory.mktemp("desk-build"), Templates(), staff_pin=staff_pin())
    with DeskServer(create_app(config)) as url:
        yield url


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


IMPLICIT_WAIT = 15  # seconds a find waits for an element to appear


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=en"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(IMPLICIT_WAIT)  # a page after a click (printing waits for CUPS) may take a moment
    driver.downloads = downloads  # type: ignore[attr-defined]
    yield driver
    driver.quit()


def _none(browser, css: str) -> bool:  # type: ignore[no-untyped-def]
    """Nothing matches ``css`` on the page, once loaded: asked without the implicit wait, which would spend its
    15 s waiting for an element that is rightly absent."""
    from selenium.webdriver.common.by import By

    _until(lambda: browser.execute_script("return document.readyState") == "complete")
    browser.implicitly_wait(0)
    try:
        return not browser.find_elements(By.CSS_SELECTOR, css)
    finally:
        browser.implicitly_wait(IMPLICIT_WAIT)


def _visible_languages(browser) -> list[str]:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return [item.find_element(By.CSS_SELECTOR, ".native").get_attribute("lang")
            for item in browser.find_elements(By.CSS_SELECTOR, "#languages li") if item.is_displayed()]


def test_choose_arabic_preview_download_and_print(desk: str, browser, cups, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    browser.get(desk + "/")
    browser.save_screenshot(str(screenshots / "1-home.png"))
    _assert_accessible(browser)
    # A thumbnail whose image is still being prepared (or failed) is as large a target as a loaded one.
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all([...document.querySelectorAll('.thumb img')].map(i => new Promise(r => {"
        " i.addEventListener('error', r, {once: true}); i.src = '/not-yet-' + Date.now() + '.png'; }))).then(done);")
    _assert_accessible(browser)
    browser.get(desk + "/")
    assert browser.find_element(By.CSS_SELECTOR, "header .service").text == "Printed guides"
    assert _visible_languages(browser) == sorted(BUNDLED_LANGUAGES)  # ordered by tag
    names = {e.get_attribute("lang"): e.text for e in browser.find_elements(By.CSS_SELECTOR, ".native")}
    assert names == {tag: native_name(tag) for tag in names} and set(names) == set(BUNDLED_LANGUAGES)

    # Keyboard first: the skip link, then the search box, whose label names it.
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"
    body.send_keys(Keys.TAB)
    search = browser.switch_to.active_element
    assert search.get_attribute("id") == "q"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").text == "Search languages"
    search.send_keys("arab")  # English names match too
    assert _visible_languages(browser) == ["ar"]
    search.clear()
    search.send_keys("中文")
    assert _visible_languages(browser) == ["zh-CN", "zh-TW"]
    search.clear()
    search.send_keys("espanol")  # accents ignored
    assert _visible_languages(browser) == ["es"]
    search.clear()
    search.send_keys("україн")  # Cyrillic, any case
    assert _visible_languages(browser) == ["uk"]
    search.clear()
    search.send_keys("РУС")
    assert _visible_languages(browser) == ["ru"]
    search.clear()
    search.send_keys("العربية")
    assert _visible_languages(browser) == ["ar"]

    browser.find_element(By.CSS_SELECTOR, 'a[href="/ar/"]').click()
    html = browser.find_element(By.TAG_NAME, "html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert browser.find_element(By.TAG_NAME, "h1").text == "الأدلة"
    heading = browser.find_element(By.CSS_SELECTOR, "h1")
    assert heading.location["x"] + heading.size["width"] > 1280 / 2  # set from the right
    assert browser.find_element(By.CSS_SELECTOR, "header .service").text == "أدلة مطبوعة"
    thumbnails = browser.find_elements(By.CSS_SELECTOR, ".thumb img")
    documents = 2 * sum(1 for _, language in BUNDLED_DOCUMENTS if language == "ar")  # handout and checklist
    assert len(thumbnails) == documents
    _until(lambda: all(_loaded(browser, t) for t in thumbnails))  # those still being made are asked for again
    browser.save_screenshot(str(screenshots / "2-arabic.png"))
    assert _none(browser, "form.print, .no-printer")  # printing is for staff
    _assert_accessible(browser)

    browser.find_element(By.CSS_SELECTOR, 'a[href="/ar/esim-cancel/checklist/"]').click()
    pages = _until(lambda: browser.find_elements(By.CSS_SELECTOR, ".pages img"))  # "preparing" comes back by itself
    assert len(pages) == 1
    _until(lambda: browser.execute_script("return arguments[0].naturalWidth", pages[0]) > 300)
    assert pages[0].get_attribute("alt") == "الصفحة 1 من 1"
    browser.save_screenshot(str(screenshots / "3-preview.png"))
    _assert_accessible(browser)

    browser.find_element(By.CSS_SELECTOR, 'a[href="/ar/esim-cancel/checklist.pdf"]').click()
    download = browser.downloads / "esim-cancel-checklist.ar.pdf"
    deadline = time.monotonic() + 20
    while not download.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert download.is_file()
    assert len(pdf_reader(download).pages) == 1
    assert pdf_reader(download).trailer["/Root"]["/Lang"] == "ar"
    text = pdftotext(download)
    assert "Heyon" in text and "eSIM" in text and "2026" in text

    browser.get(desk + "/ar/esim-cancel/checklist/?staff")  # ?staff alone grants nothing
    assert _none(browser, "header .staff, form.print")
    _sign_in(browser, desk, "/ar/esim-cancel/checklist/", "ar")  # the staff view: printer and copies
    assert browser.find_element(By.CSS_SELECTOR, "header .staff").text == "عرض الموظفين"
    browser.save_screenshot(str(screenshots / "4-staff-preview.png"))
    _assert_accessible(browser)
    Select(browser.find_element(By.CSS_SELECTOR, "select[name=printer]")).select_by_value(PRINTER)
    copies = browser.find_element(By.CSS_SELECTOR, "input[name=copies]")
    copies.clear()
    copies.send_keys("2")
    browser.find_element(By.CSS_SELECTOR, "form.print button[type=submit]").click()
    result = browser.find_element(By.ID, "print-result")
    browser.save_screenshot(str(screenshots / "5-printed.png"))
    match = re.search(rf"({PRINTER}-\d+)", result.text)
    assert match and result.text.startswith("أُرسل إلى الطابعة"), result.text
    attributes = cups.job_attributes(match.group(1))
    assert attributes["job-state"] == "completed" and attributes["copies"] == "2"
    cups.printed_file(match.group(1)).unlink()

    browser.find_element(By.CSS_SELECTOR, "form.leave button").click()  # one tap back to the visitor view
    _until(lambda: browser.current_url == desk + "/")
    assert _none(browser, "header .staff, form.leave")
    browser.get(desk + "/ar/esim-cancel/checklist/")
    assert _none(browser, "form.print")
    print(f"screenshots: {screenshots}")


def _sign_in(browser, desk: str, page: str, language: str = "en") -> None:  # type: ignore[no-untyped-def]
    """Sign in through the staff login form, as staff do, and land on ``page``."""
    from urllib.parse import quote

    from selenium.webdriver.common.by import By

    browser.get(f"{desk}/staff/login?lang={language}&next={quote(page)}")
    _assert_accessible(browser)
    field = browser.find_element(By.CSS_SELECTOR, "form.login input[name=pin]")
    assert field.get_attribute("type") == "password"
    field.send_keys(STAFF_PIN)
    browser.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()
    _until(lambda: browser.current_url == desk + page)


def _until(check: Callable[[], Any], seconds: float = 90.0) -> Any:
    """``check()``'s first true answer, asked every quarter second (a page still being made comes back)."""
    deadline = time.monotonic() + seconds
    while not (answer := check()):
        assert time.monotonic() < deadline, "the desk page never became ready"
        time.sleep(0.25)
    return answer


def _loaded(browser, image) -> bool:  # type: ignore[no-untyped-def]
    """The image arrived and decoded (a broken one has no natural width)."""
    return bool(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image))


AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")  # axe-core, pinned by the wheel
MIN_TARGET_PX = 44  # WCAG 2.5.5


def _assert_accessible(browser) -> None:  # type: ignore[no-untyped-def]
    """axe-core finds nothing on the page, and every control is at least 44 × 44 CSS px."""
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    violations = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {rules: {'target-size': {enabled: true}}})"
        ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])))"
        ".catch(e => done([['axe failed', String(e), []]]));")
    assert violations == [], f"{browser.current_url}: {violations}"
    small = browser.execute_script(
        "return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select')]"
        ".filter(e => e.getClientRects().length)"
        ".map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().width, e.getBoundingClientRect().height])"
        f".filter(([, w, h]) => w < {MIN_TARGET_PX} || h < {MIN_TARGET_PX});")
    assert small == [], f"{browser.current_url}: targets under {MIN_TARGET_PX} px: {small}"


@pytest.fixture
def attacker(tmp_path: Path) -> Iterator[str]:
    """Another website, on a second loopback origin (localhost, not 127.0.0.1, and its own port)."""
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_on_another_origin_cannot_make_the_desk_print(
    desk: str,
    browser,
    attacker: str,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    screenshots: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from selenium.webdriver.common.by import By

    import generator.desk.staff as web

    sent: list[object] = []
    monkeypatch.setattr(web, "send_to_printer", lambda *args, **kwargs: sent.append(args))
    _sign_in(browser, desk, "/en/esim-cancel/checklist/")  # staff have the desk open: a session and its token
    token = browser.find_element(By.CSS_SELECTOR, "input[name=csrf_token]").get_attribute("value")
    assert token
    for name, leaked in (("attack.html", ""), ("attack-with-token.html", token)):  # even a token that leaked
        (tmp_path / name).write_text(f"""<!DOCTYPE html><html lang="en"><title>Win a prize</title>
<form method="post" action="{desk}/en/esim-cancel/checklist/print">
<input name="printer" value="{PRINTER}"><input name="copies" value="100"><input name="csrf_token" value="{leaked}">
</form><script>document.forms[0].submit()</script></html>""", encoding="utf-8")
        browser.get(f"{attacker}/{name}")
        deadline = time.monotonic() + 20
        while not browser.current_url.startswith(desk) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert browser.current_url == desk + "/en/esim-cancel/checklist/print"
        assert browser.find_element(By.TAG_NAME, "h1").text == "Not allowed"
    browser.save_screenshot(str(screenshots / "6-cross-site-refused.png"))
    assert sent == []


def _client(tmp_path: Path):  # type: ignore[no-untyped-def]
    from generator.render.templates import Templates
    from generator.desk.app import DeskConfig, create_app

    return create_app(DeskConfig(CONTENT, tmp_path / "out", Templates(), render_wait=PATIENT_RENDER_WAIT,
                                 staff_pin=staff_pin())).test_client()


@pytest.mark.parametrize("path", ["/xx/", "/ar/../../etc/passwd", "/ar/no-such-guide/handout/",
                                  "/ar/esim-cancel/poster/", "/ar/esim-cancel/checklist/page-9.png",
                                  "/ar/esim-cancel/checklist/page-0.png", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/static/../../generator/web.py", "/static/web.py"])
def test_only_what_guidegen_builds_is_served(tmp_path: Path, path: str) -> None:
    response = _client(tmp_path).get(path)
    assert response.status_code == 404
    assert b"root:" not in response.data


def test_security_headers(tmp_path: Path) -> None:
    response = _client(tmp_path).get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_printing_needs_the_csrf_token_and_caps_copies(cups, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = _client(tmp_path)
    sign_in(client)
    page = client.get("/en/esim-cancel/checklist/").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    url = "/en/esim-cancel/checklist/print"
    origin = {"Origin": "http://localhost"}
    assert client.post(url, data={"printer": PRINTER, "copies": "1"}, headers=origin).status_code == 403
    assert client.post(url, data={"printer": PRINTER, "copies": "1", "csrf_token": "forged"},
                       headers=origin).status_code == 403
    for copies in ("101", "0", "-1", "many"):
        assert client.post(url, data={"printer": PRINTER, "copies": copies, "csrf_token": token},
                           headers=origin).status_code == 400
    assert client.post(url, data={"printer": "elsewhere", "copies": "1", "csrf_token": token},
                       headers=origin).status_code == 400
    assert client.get(url).status_code == 405


def test_search_works_without_javascript(tmp_path: Path) -> None:
    page = _client(tmp_path).get("/?q=Fran%C3%A7ais").data.decode()
    assert re.findall(r'class="native" lang="([^"]+)"', page) == ["fr"]


def _listening(port: int) -> list[str]:
    """Local addresses of IPv4 sockets listening on ``port`` (from /proc/net/tcp, hex as the kernel writes it)."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":
            found.append(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_serve_binds_to_loopback_by_default(tmp_path: Path) -> None:
    """Started with no --host, the desk listens on 127.0.0.1 only: not reachable from the network."""
    import socket
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--content", str(CONTENT), "--port",
                               str(port), "-o", str(tmp_path / "out")], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not _listening(port) and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.1)
        assert _listening(port) == ["127.0.0.1"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_desk_page_without_printers_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no CUPS commands at all
    client = _client(tmp_path)
    sign_in(client)
    page = client.get("/fr/").data.decode()
    assert "Aucune imprimante n’est configurée." in page
    assert "<form class=\"print\"" not in page


def test_page_image_is_the_page_at_preview_resolution(tmp_path: Path) -> None:
    import io

    from PIL import Image

    response = _client(tmp_path).get("/zh-CN/esim-cancel/handout/page-2.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    with Image.open(io.BytesIO(response.data)) as image:
        image.load()  # a truncated PNG fails here
        width, height = 210 / 25.4 * 60, 297 / 25.4 * 60  # A4 at 60 dpi, within pdftoppm's rounding
        assert abs(image.size[0] - width) <= 1 and abs(image.size[1] - height) <= 1, image.size
        assert image.convert("L").getextrema()[0] < 64  # there is dark text on it


def test_persian_pages_are_counted_in_persian_digits(tmp_path: Path) -> None:
    """The desk picks Persian up from the library, right to left, and numbers its preview pages as the PDF does."""
    from generator.content.numerals import numerals

    client = _client(tmp_path)
    home = client.get("/").data.decode()
    assert re.search(r'class="native" lang="fa" dir="rtl">فارسی<', home)
    assert re.search(r'class="native" lang="pt-BR" dir="ltr">Português<', home)
    page = client.get("/fa/esim-cancel/handout/").data.decode()
    assert '<html lang="fa" dir="rtl">' in page
    digits = numerals("fa").digits
    alts = re.findall(r'<img src="/fa/esim-cancel/handout/page-\d\.png" alt="([^"]+)"', page)
    assert alts and alts[0] == f"صفحهٔ {digits[1]} از {digits[len(alts)]}", alts
