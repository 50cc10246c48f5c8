"""The bundled library, built once, opened and checked as a reader would."""

from __future__ import annotations

import re

import pytest

from conftest import BUNDLED_LANGUAGES, DOCUMENTS, FORMATS, Built, long_date, pdf_reader, pdffonts, pdftotext, squeeze


def test_every_guide_is_in_every_bundled_language() -> None:
    """The documents below are the library's: every bundled guide, each in (at least) the bundled languages."""
    guides = {guide for guide, _ in DOCUMENTS}
    assert {"esim-cancel", "esim-transfer", "number-safety"} <= guides
    for guide in guides:
        assert set(BUNDLED_LANGUAGES) <= {language for other, language in DOCUMENTS if other == guide}, guide


@pytest.mark.parametrize("guide, language", DOCUMENTS)
@pytest.mark.parametrize("format_", FORMATS)
def test_every_document_is_built(built: Built, guide: str, language: str, format_: str) -> None:
    assert built.pdf(language, format_, guide).is_file()
    assert f"{language}/{guide}-{format_}.pdf" in built.output.replace("\\", "/")


@pytest.mark.parametrize("guide, language", DOCUMENTS)
def test_checklist_is_exactly_one_page(built: Built, guide: str, language: str) -> None:
    assert len(pdf_reader(built.pdf(language, "checklist", guide)).pages) == 1


@pytest.mark.parametrize("guide, language", DOCUMENTS)
def test_handout_has_several_a4_pages(built: Built, guide: str, language: str) -> None:
    reader = pdf_reader(built.pdf(language, "handout", guide))
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_chinese_handout_text(built: Built) -> None:
    text = pdftotext(built.pdf("zh-CN", "handout"))
    assert "如何注销不再使用的 Heyon eSIM 号码" in text
    assert "三种注销方式" in text
    assert "1–3 个工作日" in text
    assert f"修订日期：{long_date('zh-CN')}" in text
    assert re.search(r"第 1 页，共 \d 页", text)
    # Folded YAML lines must not leave a space between Chinese characters.
    assert "准备，以及" in text.replace("\n", "")


def test_english_handout_text(built: Built) -> None:
    text = pdftotext(built.pdf("en", "handout"))
    assert "How to cancel a Heyon eSIM line you no longer use" in text
    assert "Three ways to cancel" in text
    assert f"Revised {long_date('en')}" in text
    assert re.search(r"Page 1 of \d", text)
    body = text.split("Also available in:")[0]  # the closing line names the other languages in their own scripts
    assert not re.search(r"[\u4e00-\u9fff]", body), "Chinese left in the English handout"


def test_checklist_items_in_order(built: Built) -> None:
    text = pdftotext(built.pdf("en", "checklist"))
    first = text.index("Back up your contacts and text messages")
    last = text.index("Keep the cancellation confirmation (app notice or email)")
    assert first < text.index("Cancel and confirm") < last
    assert f"Revised {long_date('en')}" in text


@pytest.mark.parametrize("language, family", [("zh-CN", "Noto-Sans-CJK-SC"), ("en", "Noto-Sans")])
@pytest.mark.parametrize("format_", FORMATS)
def test_fonts_embedded_and_subset(built: Built, language: str, family: str, format_: str) -> None:
    fonts = pdffonts(built.pdf(language, format_))
    assert fonts
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts), fonts
    if format_ == "checklist":
        assert all(family in f["name"] for f in fonts), fonts
    else:  # other fonts only for the other languages' names in the "Also available in" line
        assert any(family in f["name"] for f in fonts), fonts


def test_english_does_not_embed_cjk_font(built: Built) -> None:
    names = [f["name"] for f in pdffonts(built.pdf("en", "checklist"))]
    assert not any("CJK" in name for name in names), names
    # The handout names 中文（简体）, 한국어 … in their own fonts: CJK faces cut to those few characters.
    names = [f["name"] for f in pdffonts(built.pdf("en", "handout"))]
    assert all(name.removesuffix("-Bold").endswith("-Subset") for name in names if "CJK" in name), names


@pytest.mark.parametrize("language, title", [
    ("zh-CN", "如何注销不再使用的 Heyon eSIM 号码"),
    ("en", "How to cancel a Heyon eSIM line you no longer use"),
])
def test_metadata(built: Built, language: str, title: str) -> None:
    reader = pdf_reader(built.pdf(language, "handout"))
    assert reader.metadata.title == title
    assert reader.trailer["/Root"]["/Lang"] == language
    assert reader.metadata.creation_date.date().isoformat() == "2026-11-25"


def test_no_weasyprint_warnings_or_fallbacks(built: Built) -> None:
    assert "warning" not in built.output.lower()
    assert "source language" not in built.output


def test_builds_are_byte_identical_across_processes(tmp_path, built: Built) -> None:  # type: ignore[no-untyped-def]
    """Dates come from the guide's revision, never the clock: a second process writes the same bytes."""
    import hashlib
    import subprocess
    import sys

    from conftest import CONTENT

    out = tmp_path / "again"
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(CONTENT), "--lang", "zh-CN",
                           "--lang", "ar", "-o", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr  # what failed, and a stuck worker's stack if one was
    for language in ("zh-CN", "ar"):
        for format_ in ("handout", "checklist"):
            first = hashlib.sha256(built.pdf(language, format_).read_bytes()).hexdigest()
            second = hashlib.sha256((out / language / f"esim-cancel-{format_}.pdf").read_bytes()).hexdigest()
            assert first == second, (language, format_)


def test_source_date_epoch_sets_the_pdf_dates(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from conftest import CONTENT, run_cli

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(CONTENT), "--lang", "en", "-f", "checklist", "-o", str(out)).exit_code == 0
    date = pdf_reader(out / "en" / "esim-cancel-checklist.pdf").metadata.creation_date
    assert date.isoformat().startswith("2023-11-14T22:13:20")


@pytest.mark.parametrize("language, format_, limit_kb", [
    ("en", "checklist", 40), ("zh-CN", "handout", 200), ("zh-TW", "handout", 200), ("ko", "handout", 200),
])
def test_pdfs_stay_small(built: Built, language: str, format_: str, limit_kb: int) -> None:
    """CJK fonts are subset before layout; without that a Chinese handout is about 340 KB."""
    assert built.pdf(language, format_).stat().st_size <= limit_kb * 1024


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW", "ko"])
def test_subset_cjk_fonts_keep_cids_equal_to_glyph_ids(built: Built, language: str) -> None:
    """The PDF addresses glyphs by CID = glyph id; printers' PostScript path looks them up through the
    font's charset, so after subsetting that charset must be the identity again."""
    import io

    from fontTools.ttLib import TTFont

    checked = 0
    for page in pdf_reader(built.pdf(language, "handout")).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            if "/FontFile3" not in descriptor:
                continue
            cff = TTFont(io.BytesIO(descriptor["/FontFile3"].get_object().get_data()))["CFF "].cff.topDictIndex[0]
            if hasattr(cff, "ROS"):
                assert cff.charset == [".notdef"] + [f"cid{i:05d}" for i in range(1, len(cff.charset))]
                checked += 1
    assert checked


def _points(guide: str, language: str) -> list[tuple[str, str]]:
    """(title, text) of every bulleted point with a title, as the document prints them."""
    from babel.messages.pofile import read_po

    from conftest import CONTENT

    locales = CONTENT / guide / "locales"
    path = locales / f"{language}.po"
    with (path if path.exists() else locales / "messages.pot").open("rb") as stream:
        strings = {m.context: str(m.string or m.id) for m in read_po(stream) if m.context}
    return [(strings[context].replace("{provider}", "Heyon"),
             strings[context.removesuffix(".title") + ".text"].replace("{provider}", "Heyon"))
            for context in strings if ".items." in context and context.endswith(".title")]


@pytest.mark.parametrize("guide, language", [(g, lang) for g, lang in DOCUMENTS if lang not in ("ar", "fa")])
def test_a_point_keeps_its_title_with_its_text(built: Built, guide: str, language: str) -> None:
    """A point's bold title never stays alone at the foot of a page, its text on the next
    (it did in the zh-CN number-safety handout)."""
    import subprocess

    pdf = built.pdf(language, "handout", guide)
    pages = [squeeze(subprocess.run(["pdftotext", "-raw", "-f", str(n), "-l", str(n), str(pdf), "-"],
                                    check=True, capture_output=True, text=True).stdout)
             for n in range(1, len(pdf_reader(pdf).pages) + 1)]
    points = _points(guide, language)
    assert points
    for title, text in points:
        on = [n for n, page in enumerate(pages) if squeeze(title) + squeeze(text)[:6] in page]
        assert on, (title, text[:20])
