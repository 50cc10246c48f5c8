"""guidegen serve's live reload (issue 15): a preview page knows its document's version and reloads itself when it
changes; a guide that does not load shows its errors, escaped, instead of a bare 404."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PATIENT_RENDER_WAIT

PREVIEW = "/en/esim-cancel/checklist/"
VERSION = PREVIEW + "version"
PROVIDER = "provider: Heyon"


def _app(content: Path, out: Path):  # type: ignore[no-untyped-def]
    from generator.desk.app import DeskConfig, create_app
    from generator.render.templates import Templates

    return create_app(DeskConfig(content, out, Templates([]), render_wait=PATIENT_RENDER_WAIT))


@pytest.fixture
def desk(content_copy: Path, tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    app = _app(content_copy, tmp_path / "out")
    yield app
    app.extensions["guidegen.pool"].close()


def _shown_version(page: str) -> tuple[str, str]:
    match = re.search(r'<main id="main" data-live="([^"]+)" data-version="([^"]+)">', page)
    assert match, page
    return match.group(1), match.group(2)


def _break(guide: Path, extra: str) -> None:
    guide.write_text(guide.read_text(encoding="utf-8").replace(PROVIDER, PROVIDER + "\n" + extra), encoding="utf-8")


def test_a_preview_carries_its_version_and_the_version_follows_the_inputs(desk, content_copy: Path) -> None:  # type: ignore[no-untyped-def]
    client = desk.test_client()
    page = client.get(PREVIEW)
    assert page.status_code == 200
    url, shown = _shown_version(page.data.decode())
    assert url == VERSION
    answer = client.get(VERSION)
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.data.decode() == shown  # nothing changed: no reload
    assert client.get(VERSION).data.decode() == shown
    catalog = content_copy / "esim-cancel" / "locales" / "en.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + '\nmsgctxt "x"\nmsgid "x"\nmsgstr "y"\n', encoding="utf-8")
    changed = client.get(VERSION).data.decode()
    assert changed != shown  # the page will reload
    assert client.get("/fr/esim-cancel/checklist/version").data.decode() != changed  # each document its own
    assert _shown_version(client.get(PREVIEW).data.decode())[1] == changed
    for wrong in ("/xx/esim-cancel/checklist/version", "/en/nope/checklist/version", "/en/esim-cancel/poster/version"):
        assert client.get(wrong).status_code == 404, wrong
    assert 'data-live' not in client.get("/en/").data.decode()  # only previews poll


def test_an_invalid_guide_shows_its_errors_escaped_and_logs_them(desk, content_copy: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    client = desk.test_client()
    before = _shown_version(client.get(PREVIEW).data.decode())[1]
    guide = content_copy / "esim-cancel" / "guide.yaml"
    _break(guide, '  "<img src=x id=injected>": 1')
    time.sleep(1.1)  # the desk looks at the content folder once a second
    for address in (PREVIEW, "/zh-CN/esim-cancel/handout/", "/ar/esim-cancel/checklist/"):
        response = client.get(address)
        page = response.data.decode()
        assert response.status_code == 503, address
        assert re.search(r"<code>esim-cancel/guide\.yaml:\d+:\d+: params\.", page), page
        assert "<img src=x" not in page and "&lt;img src=x id=injected&gt;" in page
        assert str(tmp_path) not in page and "Traceback" not in page
    arabic = client.get("/ar/esim-cancel/checklist/").data.decode()
    assert '<html lang="ar" dir="rtl">' in arabic and "في هذا الدليل أخطاء" in arabic
    assert '<ul class="problems" dir="ltr" lang="en">' in arabic
    assert "esim-cancel/guide.yaml:" in caplog.text and "has errors" in caplog.text
    url, broken = _shown_version(client.get(PREVIEW).data.decode())
    assert broken.startswith("problems-") and client.get(url).data.decode() == broken
    _break(guide, "  other_bad: [")  # other errors: another version, so the page shows them
    time.sleep(1.1)
    assert client.get(url).data.decode() not in (broken, before)
    guide.write_text(guide.read_text(encoding="utf-8").replace('\n  other_bad: [', "")
                     .replace('\n  "<img src=x id=injected>": 1', ""), encoding="utf-8")
    time.sleep(1.1)
    assert client.get(url).data.decode() == before  # fixed: back to the document, which reloads the page
    assert client.get(PREVIEW).status_code == 200
    for wrong in ("/x y/esim-cancel/checklist/", "/en/esim-cancel/poster/", "/en/nope/checklist/"):
        assert client.get(wrong).status_code == 404, wrong


def test_a_broken_catalog_shows_its_errors_on_its_own_language_only(desk, content_copy: Path) -> None:  # type: ignore[no-untyped-def]
    catalog = content_copy / "esim-cancel" / "locales" / "fr.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    time.sleep(1.1)
    client = desk.test_client()
    french = client.get("/fr/esim-cancel/checklist/")
    assert french.status_code == 503
    assert re.search(r"<code>esim-cancel/locales/fr\.po:\d+", french.data.decode()), french.data.decode()
    assert client.get(PREVIEW).status_code == 200


# --- in a browser: the script polls and the page reloads, under the strict CSP ---------------------------------------

@pytest.fixture
def served(desk) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from conftest import DeskServer

    with DeskServer(desk) as url:
        yield url


def test_the_preview_page_reloads_itself_in_a_browser(served: str, content_copy: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                               options=options)
    try:
        browser.get(served + PREVIEW)
        assert browser.find_element(By.TAG_NAME, "h1").text
        browser.execute_script("window.notReloaded = true;")
        guide = content_copy / "esim-cancel" / "guide.yaml"
        _break(guide, "  bad-name: 1")
        _until(lambda: browser.execute_script("return window.notReloaded === undefined;"), "the page did not reload")
        _until(lambda: "This guide has errors" in browser.find_element(By.TAG_NAME, "h1").text, "no errors shown")
        assert "guide.yaml:" in browser.find_element(By.CSS_SELECTOR, ".problems").text
        browser.execute_script("window.notReloaded = true;")
        guide.write_text(guide.read_text(encoding="utf-8").replace("\n  bad-name: 1", ""), encoding="utf-8")
        _until(lambda: browser.execute_script("return window.notReloaded === undefined;"), "no reload when fixed")
        _until(lambda: "errors" not in browser.find_element(By.TAG_NAME, "h1").text, "still the errors")
        assert browser.find_elements(By.CSS_SELECTOR, ".pages img")
        problems = [entry for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
        assert problems == []
    finally:
        browser.quit()


def _until(condition, message: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # the page is being replaced
            pass
        time.sleep(0.25)
    raise AssertionError(message)
