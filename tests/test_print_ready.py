"""Print-ready PDFs: paper sizes, large print, duplex, booklets, bleed and marks, tagged PDF/UA, PDF/A, branding."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import (BUNDLED_DOCUMENTS, CONTENT, ROOT, Built, pdf_reader, pdf_words, pdftotext, run_cli, squeeze,
                      struct_elements)

PAGE_POINTS = {"a4": [595, 842], "letter": [612, 792], "a5": [420, 595]}
BLEED_PT = 3 / 25.4 * 72


def _build(out: Path, *args: str) -> None:
    """One guide (the tests look at esim-cancel's pages only: print options do not depend on the guide)."""
    result = run_cli("build", "esim-cancel", "--content", str(CONTENT), "-o", str(out), "-j", "2", *args)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """English, Arabic and Chinese in every print variant the tests look at, built once."""
    out = tmp_path_factory.mktemp("variants")
    langs = ("-l", "en", "-l", "ar", "-l", "zh-CN")
    _build(out, *langs, "--paper", "letter", "--paper", "a5")
    _build(out, *langs, "-f", "handout", "--large-print")
    _build(out, *langs, "-f", "handout", "--duplex")
    _build(out, *langs, "-f", "handout", "--booklet", "--paper", "a4", "--paper", "letter")
    _build(out, "-l", "en", "--bleed", "3mm", "--marks")
    _build(out, "-l", "en", "-l", "ar", "--pdf-a")
    return out


def _pdf(out: Path, language: str, format_: str, variant: str = "") -> Path:
    return out / language / f"esim-cancel-{format_}{'-' + variant if variant else ''}.pdf"


@pytest.mark.parametrize("paper", ["a4", "letter", "a5"])
@pytest.mark.parametrize("format_", ["handout", "checklist"])
def test_page_size_is_exact(variants: Path, built: Built, paper: str, format_: str) -> None:
    path = built.pdf("en", format_) if paper == "a4" else _pdf(variants, "en", format_, paper)
    for page in pdf_reader(path).pages:
        assert [round(float(v)) for v in page.mediabox[2:]] == PAGE_POINTS[paper]


def _text_sizes(path: Path) -> list[tuple[float, float, str]]:
    """(font size in points, y from the bottom, text) of every piece of text, from the content streams."""
    found: list[tuple[float, float, str]] = []
    for page in pdf_reader(path).pages:
        def visit(text, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
            if text.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                found.append((size * scale, tm[5] * cm[3] + cm[5], text.strip()))
        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("language", ["en", "ar", "zh-CN"])
def test_large_print_is_18_pt_and_reflows(variants: Path, built: Built, language: str) -> None:
    large = _pdf(variants, language, "handout", "large")
    footer_top = 20 / 25.4 * 72  # the bottom margin holds the page furniture
    body = [size for size, y, _ in _text_sizes(large) if y > footer_top]
    assert body and min(body) >= 18 - 0.05
    assert len(pdf_reader(large).pages) > len(pdf_reader(built.pdf(language, "handout")).pages)


@pytest.mark.parametrize("language", ["en", "ar", "zh-CN"])
def test_duplex_pads_to_an_even_page_count(variants: Path, built: Built, language: str) -> None:
    plain = len(pdf_reader(built.pdf(language, "handout")).pages)
    padded = pdf_reader(_pdf(variants, language, "handout", "duplex"))
    assert len(padded.pages) == plain + plain % 2
    if plain % 2:
        assert padded.pages[-1].extract_text().strip() == ""  # blank: no footer either


def _page_numbers(words: list[tuple[str, float, float]], left: float, right: float, rtl: bool) -> list[int]:
    """The numbers of "Page x of y" in the footer of one half-sheet: at its end side (the revision
    date, at the start side, has numbers too)."""
    third = (right - left) / 3
    start, end = (left, left + third) if rtl else (right - third, right)
    return [int(w) for w, x, y in words if w.isdigit() and start <= x < end and y > 500]


def _saddle_stitch(pages: int, right_to_left: bool) -> list[tuple[int | None, int | None]]:
    """(left, right) page numbers of each printed side, sheet by sheet, as a folded booklet needs them
    (derived here from the sheets, independently of generator.render.booklet): the outside of sheet s carries
    the last page but 2s and page 2s+1, its inside pages 2s+2 and the last but 2s+1; blanks are None."""
    total = -(-pages // 4) * 4
    sides = []
    for sheet in range(total // 4):
        for left, right in ((total - 2 * sheet, 2 * sheet + 1), (2 * sheet + 2, total - 2 * sheet - 1)):
            if right_to_left:
                left, right = right, left
            sides.append((left if left <= pages else None, right if right <= pages else None))
    return sides


def test_saddle_stitch_of_five_pages() -> None:
    assert _saddle_stitch(5, False) == [(None, 1), (2, None), (None, 3), (4, 5)]


@pytest.mark.parametrize("language, right_to_left", [("en", False), ("ar", True), ("zh-CN", False)])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_booklet_pages_are_in_saddle_stitch_order(variants: Path, language: str, right_to_left: bool,
                                                  paper: str) -> None:
    path = _pdf(variants, language, "handout", "booklet" if paper == "a4" else f"{paper}-booklet")
    reader = pdf_reader(path)
    width, height = PAGE_POINTS[paper][1], PAGE_POINTS[paper][0]
    assert all([round(float(v)) for v in page.mediabox[2:]] == [width, height] for page in reader.pages)
    assert len(reader.pages) % 2 == 0  # both sides of every sheet
    sides = []
    total = None
    for number in range(1, len(reader.pages) + 1):
        words = pdf_words(path, number)
        halves = []
        for left, right in ((0, width / 2), (width / 2, width)):
            numbers = _page_numbers(words, left, right, right_to_left)
            halves.append(min(numbers) if numbers else None)  # "Page x of y": x is the smaller
            total = max(numbers + [total or 0])
        sides.append(tuple(halves))
    assert total is not None
    assert sides == _saddle_stitch(total, right_to_left)
    assert len(reader.pages) == -(-total // 4) * 2


def test_booklet_bytes_are_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        _build(out, "-l", "en", "-f", "handout", "--booklet")
    assert (_pdf(first, "en", "handout", "booklet").read_bytes()
            == _pdf(second, "en", "handout", "booklet").read_bytes())


def test_booklet_cannot_take_bleed() -> None:
    result = run_cli("build", "--content", str(CONTENT), "--booklet", "--bleed", "3mm", "--list-jobs")
    assert result.exit_code == 2
    assert "--booklet cannot be combined with --bleed or --marks" in result.output


@pytest.mark.parametrize("format_", ["handout", "checklist"])
def test_bleed_and_crop_marks(variants: Path, tmp_path: Path, format_: str) -> None:
    path = _pdf(variants, "en", format_, "bleed3mm-marks")
    page = pdf_reader(path).pages[0]
    trim = [float(v) for v in page.trimbox]
    media = [float(v) for v in page.mediabox]
    assert [round(v) for v in trim] == [0, 0, 595, 842]
    assert media == pytest.approx([-BLEED_PT, -BLEED_PT, trim[2] + BLEED_PT, trim[3] + BLEED_PT], abs=0.01)
    assert [float(v) for v in page.bleedbox] == pytest.approx(media, abs=0.01)
    # Crop marks are drawn in the bleed, outside the trimmed page.
    subprocess.run(["pdftoppm", "-png", "-r", "144", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    image = Image.open(tmp_path / "p-1.png").convert("L")
    bleed_px = int(BLEED_PT * 2)
    corner = [image.getpixel((x, y)) for x in range(bleed_px) for y in range(bleed_px)]
    assert min(corner) < 128


@pytest.mark.parametrize("guide, language", BUNDLED_DOCUMENTS)
@pytest.mark.parametrize("format_", ["handout", "checklist"])
def test_tagged_pdf_ua(built: Built, guide: str, language: str, format_: str) -> None:
    path = built.pdf(language, format_, guide)
    root = pdf_reader(path).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert root["/Lang"] == language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    types = [kind for kind, _ in struct_elements(path)]
    headings = [int(kind[2:]) for kind in types if re.fullmatch(r"/H\d", kind)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), headings  # no skipped level
    assert "/L" in types and "/LI" in types and "/LBody" in types


def test_arabic_reading_order_is_logical(built: Built) -> None:
    """The tag tree follows the source order, so Arabic reads like every other language, not mirrored."""
    arabic = [kind for kind, _ in struct_elements(built.pdf("ar", "handout"))]
    english = [kind for kind, _ in struct_elements(built.pdf("en", "handout"))]
    assert [k for k in arabic if k.startswith("/H")] == [k for k in english if k.startswith("/H")]
    assert arabic[:3] == english[:3]


def test_inaccessible_document_fails_the_build(tmp_path: Path) -> None:
    """WeasyPrint only logs a tagged PDF without a language; the build fails instead."""
    templates = tmp_path / "templates"
    templates.mkdir()
    base = (ROOT / "templates" / "base.html.j2").read_text(encoding="utf-8")
    (templates / "base.html.j2").write_text(base.replace('<html lang="{{ doc.lang }}"', "<html"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(CONTENT), "-l", "en", "-f", "checklist", "--templates", str(templates),
                     "-o", str(out))
    assert result.exit_code == 1
    assert "not accessible as tagged PDF" in result.stderr and "lang" in result.stderr
    assert not list(out.rglob("*.pdf")) if out.exists() else True


@pytest.mark.parametrize("language", ["en", "ar"])
def test_pdf_a_3u_is_still_tagged(variants: Path, language: str) -> None:
    path = _pdf(variants, language, "handout", "pdfa")
    root = pdf_reader(path).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="U"' in xmp
    assert b'pdfuaid:part="1"' in xmp
    assert "/OutputIntents" in root
    assert root["/MarkInfo"]["/Marked"] == True and "/StructTreeRoot" in root  # noqa: E712


# Branding

def _brand(folder: Path, extra: str = "", logo: bytes | None = None, accent: str = "#1b5e8c") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if logo is None:
        image = Image.new("RGB", (160, 60), "#1b5e8c")
        image.save(folder / "logo.png")
    else:
        (folder / "logo.png").write_bytes(logo)
    path = folder / "brand.yaml"
    path.write_text("name: Riverside Library Help Desk\nlogo: logo.png\nlogo_alt: Riverside Library logo\n"
                    f'accent: "{accent}"\ncontact:\n  default: "Help desk: ground floor, Monday to Saturday"\n'
                    '  es: "Mostrador de ayuda: planta baja, de lunes a sábado"\n' + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize("language, contact", [("en", "Help desk: ground floor, Monday to Saturday"),
                                               ("es", "Mostrador de ayuda: planta baja, de lunes a sábado")])
def test_brand_name_logo_contact_and_band(tmp_path: Path, language: str, contact: str) -> None:
    brand = _brand(tmp_path / "brand")
    out = tmp_path / "out"
    _build(out, "-l", language, "-f", "checklist", "--brand", str(brand), "--bleed", "3mm")
    path = _pdf(out, language, "checklist", "bleed3mm")
    text = squeeze(pdftotext(path))
    assert squeeze("Riverside Library Help Desk") in text and squeeze(contact) in text
    assert ("/Figure", "Riverside Library logo") in struct_elements(path)
    subprocess.run(["pdftoppm", "-png", "-r", "72", str(path), str(tmp_path / "p")], check=True)
    image = Image.open(tmp_path / "p-1.png").convert("RGB")
    assert image.getpixel((2, 2)) == pytest.approx((0x1b, 0x5e, 0x8c), abs=8)  # the band runs into the bleed
    assert image.getpixel((image.width // 2, image.height // 2)) == (255, 255, 255)


@pytest.mark.parametrize("change, expected", [
    ("accent", "contrast of 1.1:1 against white paper"),
    ("no-alt", "a logo needs 'logo_alt'"),
    ("not-image", "is not a PNG, JPEG or SVG image"),
    ("typo", "unknown key 'contcat'"),
])
def test_bad_brand_file_is_reported(tmp_path: Path, change: str, expected: str) -> None:
    if change == "accent":
        path = _brand(tmp_path, accent="#ffff66")
    elif change == "not-image":
        path = _brand(tmp_path, logo=b"not an image at all")
    else:
        path = _brand(tmp_path)
        text = path.read_text(encoding="utf-8")
        text = text.replace("logo_alt: Riverside Library logo\n", "") if change == "no-alt" else text + "contcat: x\n"
        path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(CONTENT), "-l", "en", "--brand", str(path), "-o", str(out))
    assert result.exit_code == 1
    assert re.search(r"brand\.yaml:\d+", result.stderr), result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
