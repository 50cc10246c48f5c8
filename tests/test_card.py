"""The language card (`guidegen card`), the desk offering it, and the handouts' "Also available in" line (issue 17)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT, PATIENT_RENDER_WAIT, ROOT, Built, pdf_reader, pdftotext, run_cli, squeeze, struct_langs
from cups_server import PRINTER
from staff_session import sign_in, staff_pin
from generator.content.languages import english_name, native_name

ORIGIN = {"Origin": "http://localhost"}
# Languages for fake libraries: Latin and Cyrillic scripts only (one font: quick to lay out)
FAKE_LANGUAGES = ("de", "it", "nl", "pt", "pl", "sv", "da", "fi", "nb", "cs", "sk", "hu", "ro", "hr", "sl", "et",
                  "lv", "lt", "tr", "id", "ms", "sw", "ru", "uk", "bg")


def _complete_languages(content: Path) -> list[str]:
    """The languages `guidegen languages` shows some guide at 100 % in, in its order."""
    result = run_cli("languages", "--content", str(content))
    assert result.exit_code == 0, result.output
    return [line.split()[0] for line in result.stdout.splitlines() if re.search(r" 100%", line)]


def _words(path: Path) -> list[tuple[str, float, float]]:
    """(word, xMin, xMax) of the first page."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [(word, float(x0), float(x1)) for x0, x1, word in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html)]


def _struct_languages(path: Path) -> dict[str, str]:
    """Every /Lang set on a structure element, with the type of the first element that has it."""
    found: dict[str, str] = {}
    for lang, kind in struct_langs(path):
        if kind:
            found.setdefault(lang, kind)
    return found


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("card")
    result = run_cli("card", "--content", str(CONTENT), "-o", str(out), cwd=ROOT)
    assert result.exit_code == 0, result.output
    return out / "language-card.pdf"


def test_the_card_is_one_tagged_page_naming_every_complete_language(card: Path) -> None:
    reader = pdf_reader(card)
    assert len(reader.pages) == 1
    languages = _complete_languages(CONTENT)
    assert len(languages) >= 8
    text = squeeze(pdftotext(card))
    for tag in languages:
        assert squeeze(native_name(tag)) in text, tag
        assert squeeze(english_name(tag)) in text, tag
    info = subprocess.run(["pdfinfo", str(card)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Title:\s+\S", info, re.M) and re.search(r"^Tagged:\s+yes", info, re.M)
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"


def test_every_entry_has_its_own_language_in_the_structure_tree(card: Path) -> None:
    marked = _struct_languages(card)
    for tag in _complete_languages(CONTENT):
        assert tag in marked, (tag, marked)


def test_the_line_is_in_each_language_and_the_order_is_the_desk_s(card: Path) -> None:
    text = pdftotext(card)
    assert squeeze("Señale esta línea") in squeeze(text)  # the es catalog's line, not English
    assert text.count("Point here") == 1  # English only in the English entry
    words = squeeze(text)
    positions = [words.index(squeeze(native_name(tag))) for tag in _complete_languages(CONTENT)]
    assert positions == sorted(positions)  # the tag order of the desk home page, row by row


def test_a_right_to_left_entry_is_right_aligned(card: Path) -> None:
    words = _words(card)
    arabic_name = next(w for w in words if native_name("ar") in (w[0], w[0][::-1]))  # poppler: visual order
    arabic_english = next(w for w in words if w[0] == "Arabic")
    spanish_name = next(w for w in words if w[0] == native_name("es"))
    spanish_english = next(w for w in words if w[0] == "Spanish")
    # Same column (ar first, es third in a two-column grid): Latin lines start at its left edge,
    # the Arabic ones end at its right edge.
    assert abs(spanish_name[1] - spanish_english[1]) < 2
    assert abs(arabic_name[2] - arabic_english[2]) < 2
    assert arabic_name[1] > spanish_name[1] + 50 and arabic_english[1] > spanish_english[1] + 100


def test_an_unchanged_card_is_not_built_again(card: Path) -> None:
    result = run_cli("card", "--content", str(CONTENT), "-o", str(card.parent), cwd=ROOT)
    assert result.exit_code == 0 and result.stdout.startswith("current"), result.output


def _fake_library(root: Path, languages: tuple[str, ...]) -> Path:
    """A content folder with one English guide translated completely into ``languages``."""
    from babel.messages.pofile import read_po, write_po

    content = root / "content"
    assert run_cli("new", "demo", "--lang", "en", "--content", str(content)).exit_code == 0
    assert run_cli("i18n", "extract", "--content", str(content)).exit_code == 0
    with (content / "demo" / "locales" / "messages.pot").open("rb") as stream:
        template = read_po(stream)
    for tag in languages:
        template.locale = None
        for message in template:
            if message.id:
                message.string = message.id
        with (content / "demo" / "locales" / f"{tag}.po").open("wb") as stream:
            write_po(stream, template)
    return content


def test_more_than_24_languages_fail_saying_by_how_much(tmp_path: Path) -> None:
    content = _fake_library(tmp_path, FAKE_LANGUAGES)  # 25 translations and the source: 26
    result = run_cli("card", "--content", str(content), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert (
        "26 languages" in result.stderr and "at most 24" in result.stderr and "2 language(s) too many" in result.stderr
    )
    assert not (tmp_path / "out" / "language-card.pdf").exists()


def test_24_languages_fit_one_page(tmp_path: Path) -> None:
    content = _fake_library(tmp_path, FAKE_LANGUAGES[:23])
    result = run_cli("card", "--content", str(content), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "24 languages" in result.stdout
    assert "not translated, printed in English: de:" in result.stderr  # no bundled template catalog for German
    card = tmp_path / "out" / "language-card.pdf"
    assert len(pdf_reader(card).pages) == 1
    text = squeeze(pdftotext(card))
    assert all(squeeze(native_name(tag)) in text for tag in ("en", *FAKE_LANGUAGES[:23]))


# --- the handouts' "Also available in" line --------------------------------------------------------------------

def _also_line(pdf: Path, label: str) -> str:
    """The "Also available in" paragraph: its label's line and the lines it wraps onto."""
    lines = pdftotext(pdf).splitlines()
    start = next((n for n, line in enumerate(lines) if label in line), None)
    assert start is not None, pdftotext(pdf)[-500:]
    paragraph = [lines[start]]
    for line in lines[start + 1:]:
        if not line.strip():
            break
        paragraph.append(line)
    return " ".join(paragraph)


def test_a_handout_lists_the_other_complete_languages(built: Built) -> None:
    line = _also_line(built.pdf("en", "handout"), "Also available in:")
    for tag in _complete_languages(CONTENT):
        assert (native_name(tag) in line) == (tag != "en"), (tag, line)
    assert "Also available in" not in pdftotext(built.pdf("en", "checklist"))
    assert len(pdf_reader(built.pdf("en", "checklist")).pages) == 1
    marked = _struct_languages(built.pdf("en", "handout"))
    assert {"ar", "ko", "zh-TW"} <= set(marked)  # each name in its own language


def test_an_incomplete_language_is_on_neither_the_handouts_nor_the_card(guide_copy: Path, tmp_path: Path) -> None:
    for catalog in guide_copy.glob("*/locales/fr.po"):  # French incomplete in every guide
        text = catalog.read_text(encoding="utf-8")
        emptied = re.sub(r'(msgctxt "[^"]*"\nmsgid "[^"]*"\n)msgstr "[^"]*"', r'\1msgstr ""', text, count=1)
        assert emptied != text
        catalog.write_text(emptied, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "build", "esim-cancel", "-l", "es", "-f", "handout", "--content", str(guide_copy), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    line = _also_line(out / "es" / "esim-cancel-handout.pdf", "También disponible en:")
    assert native_name("fr") not in line and native_name("en") in line and native_name("es") not in line
    result = run_cli("card", "--content", str(guide_copy), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = squeeze(pdftotext(out / "language-card.pdf"))
    assert squeeze(native_name("fr")) not in text and squeeze(native_name("es")) in text


def test_a_build_with_nothing_to_do_reads_no_catalog_yet_sees_one_become_incomplete(
        guide_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which languages a guide is complete in is kept in the build record, under a hash of the guide, the catalog,
    the fonts and the code: an up-to-date handout is known to be up to date without reading every catalog."""
    import json

    from generator.i18n import library

    out = tmp_path / "out"
    build = ("build", "esim-cancel", "-l", "es", "-f", "handout", "--content", str(guide_copy), "-o", str(out))
    assert run_cli(*build).exit_code == 0
    assert len(json.loads((out / ".guidegen-cache.json").read_text())["complete"]) == len(_languages(guide_copy))
    reads: list[str] = []
    original = library.read_catalog
    monkeypatch.setattr(
        library, "read_catalog", lambda path, *a, **k: reads.append(path.name) or original(path, *a, **k)
    )
    again = run_cli(*build)
    assert "0 built, 1 up to date" in again.stdout and reads == []
    catalog = guide_copy / "esim-cancel" / "locales" / "fr.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(re.sub(r'(msgctxt "[^"]*"\nmsgid "[^"]*"\n)msgstr "[^"]*"', r'\1msgstr ""', text, count=1),
                       encoding="utf-8")
    changed = run_cli(*build)
    assert "1 built, 0 up to date" in changed.stdout, changed.output
    assert reads == ["fr.po"]  # only the catalog that changed
    line = _also_line(out / "es" / "esim-cancel-handout.pdf", "También disponible en:")
    assert native_name("fr") not in line and native_name("en") in line


def _languages(content: Path) -> list[str]:
    return ["zh-CN", *(p.stem for p in (content / "esim-cancel" / "locales").glob("*.po"))]


# --- the desk ------------------------------------------------------------------------------------------------------

@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    from generator.desk.app import DeskConfig, create_app
    from generator.render.templates import Templates

    app = create_app(DeskConfig(CONTENT, tmp_path / "out", Templates(), render_wait=PATIENT_RENDER_WAIT,
                                staff_pin=staff_pin()))
    yield app
    app.extensions["guidegen.pool"].close()


def test_the_desk_offers_the_card_to_preview_download_and_print(app, cups) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    home = client.get("/").data.decode()
    assert 'href="/card.pdf"' in home and 'href="/card/"' in home and 'class="print"' not in home
    download = client.get("/card.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert "language-card.pdf" in download.headers["Content-Disposition"]
    assert client.get("/card/").status_code == 200
    assert client.get("/card/page-1.png").mimetype == "image/png"
    assert client.get("/card/page-2.png").status_code == 404

    sign_in(client)
    staff = client.get("/").data.decode()
    assert 'action="/card/print"' in staff
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff)
    assert token
    form = {"printer": PRINTER, "copies": "1"}
    assert app.test_client().post("/card/print", data=form, headers=ORIGIN).status_code == 403  # no token
    assert client.post("/card/print", data={**form, "csrf_token": token.group(1)},
                       headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/card/print", data={**form, "copies": "0", "csrf_token": token.group(1)},
                       headers=ORIGIN).status_code == 400
    sent = client.post("/card/print", data={**form, "csrf_token": token.group(1)}, headers=ORIGIN)
    assert sent.status_code == 200, sent.data
    job = re.search(rf"({PRINTER}-\d+)", sent.data.decode())
    assert job
    cups.job_attributes(job.group(1))
    cups.printed_file(job.group(1)).unlink()
