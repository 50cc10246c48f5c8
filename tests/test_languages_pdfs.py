"""Every bundled guide in every language it has: translated, in the right fonts, laid out in the right direction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import (BUNDLED_DOCUMENTS, BUNDLED_LANGUAGES, CONTENT, Built, pdf_reader, pdf_words, pdffonts, pdftotext,
                      run_cli, squeeze)
from generator.content.languages import direction, native_name
from generator.i18n.library import load_library

EXPECTED_FONTS = {
    # CJK fonts are cut to the document's characters before layout (generator/subsetting.py).
    "zh-CN": {"Noto-Sans-CJK-SC-Subset"}, "zh-TW": {"Noto-Sans-CJK-TC-Subset"}, "ko": {"Noto-Sans-CJK-KR-Subset"},
    "ar": {"Noto-Sans-Arabic", "Noto-Sans"}, "en": {"Noto-Sans"}, "es": {"Noto-Sans"}, "fr": {"Noto-Sans"},
    "vi": {"Noto-Sans"}, "pt-BR": {"Noto-Sans"}, "ru": {"Noto-Sans"}, "uk": {"Noto-Sans"},
    "fa": {"Noto-Sans-Arabic", "Noto-Sans"},
}
# Translations, in scripts read back reliably by pdftotext (Arabic and Persian ligatures come back decomposed).
TEXT_CHECKED = [(guide, lang) for guide, lang in BUNDLED_DOCUMENTS
                if direction(lang) == "ltr" and lang != load_library(CONTENT).get(guide).guide.source_language]


def _catalog(guide: str, language: str) -> dict[str, str]:
    """msgctxt → translation of a guide's catalog, in the catalog's order, the provider filled in."""
    with (CONTENT / guide / "locales" / f"{language}.po").open("rb") as stream:
        catalog = read_po(stream)
    return {str(m.context): str(m.string).replace("{provider}", "Heyon") for m in catalog if m.id}


@pytest.mark.parametrize("guide, language", TEXT_CHECKED)
def test_checklist_prints_the_translation(built: Built, guide: str, language: str) -> None:
    """The title and the first and last check items, in the guide's language."""
    text = squeeze(pdftotext(built.pdf(language, "checklist", guide)))
    translations = _catalog(guide, language)
    items = [c for c in translations if c.startswith("checklist.") and ".items." in c]
    for context in ("checklist.title", items[0], items[-1]):
        assert squeeze(translations[context]) in text, context


@pytest.mark.parametrize("guide, language", TEXT_CHECKED)
def test_handout_prints_the_translation(built: Built, guide: str, language: str) -> None:
    """The title, the first step and the last string of the body, in the guide's language."""
    text = squeeze(pdftotext(built.pdf(language, "handout", guide)))
    translations = _catalog(guide, language)
    body = [c for c in translations if not c.startswith("checklist.")]
    first_step = next(c for c in body if ".steps." in c)
    for context in ("title", first_step, body[-1]):
        assert squeeze(translations[context]) in text, context


@pytest.mark.parametrize("guide, language", BUNDLED_DOCUMENTS)
@pytest.mark.parametrize("format_", ["handout", "checklist"])
def test_fonts_follow_the_language(built: Built, guide: str, language: str, format_: str) -> None:
    fonts = pdffonts(built.pdf(language, format_, guide))
    families = {f["name"].split("+", 1)[1].removesuffix("-Bold") for f in fonts}
    assert families <= EXPECTED_FONTS[language], families
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)


@pytest.mark.parametrize("guide, language", BUNDLED_DOCUMENTS)
def test_document_language_and_direction(built: Built, guide: str, language: str) -> None:
    """/Lang is the language; the page runs in its direction: the running footer's page number
    stands at the end of the line (right in LTR, left in RTL) and the first heading starts at the start."""
    path = built.pdf(language, "handout", guide)
    reader = pdf_reader(path)
    assert reader.trailer["/Root"]["/Lang"] == language
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    words = pdf_words(path, 1)
    pages = len(reader.pages)  # "Page 1 of N", "1/N", "N쪽 중 1쪽": N is in no date (\d and int() read any script)
    page_count = [x for word, x, y in words
                  if y > height - 60 and pages in [int(number) for number in re.findall(r"\d+", word)]]
    assert len(page_count) == 1, words
    heading_top = min(y for _, _, y in words)
    heading = [x for _, x, y in words if abs(y - heading_top) < 2]
    if direction(language) == "rtl":
        assert page_count[0] < width / 3
        assert max(heading) > width * 2 / 3 and min(heading) > width / 5
    else:
        assert page_count[0] > width * 2 / 3
        assert min(heading) < width / 5


def _layout(language: str, format_: str):  # type: ignore[no-untyped-def]
    from generator.i18n.library import load_library
    from generator.render.pdf import Renderer
    from generator.render.html import DocumentOptions, render_html
    from generator.render.templates import Templates

    source = load_library(CONTENT).get("esim-cancel")
    templates = Templates()
    html = render_html(source.localized(language), DocumentOptions(format_), templates).html
    return Renderer(templates.dirs).layout(html).document


def _boxes(document, predicate):  # type: ignore[no-untyped-def]
    """Boxes of every page that satisfy ``predicate``, in document order."""
    return [box for page in document.pages for box in _boxes_in(page._page_box, predicate)]


def _marker_and_text_x(language: str) -> list[tuple[float, float]]:
    """(x of the step number disc, x of the step's first text) for every numbered step."""
    def is_steps(box) -> bool:  # type: ignore[no-untyped-def]
        return (type(box).__name__ == "BlockBox" and box.element_tag == "ol"
                and "steps" in (box.element.get("class") or ""))

    pairs = []
    steps = [li for ol in _boxes(_layout(language, "handout"), is_steps) for li in ol.children
             if getattr(li, "element_tag", None) == "li"]
    for step in steps:
        markers = _boxes_in(step, lambda b: b.element_tag == "li::before" and type(b).__name__ != "TextBox")
        texts = _boxes_in(step, lambda b: type(b).__name__ == "TextBox" and b.element_tag == "li")
        if markers and texts:
            pairs.append((markers[0].position_x, texts[0].position_x))
    return pairs


def _boxes_in(root, predicate):  # type: ignore[no-untyped-def]
    found = []

    def walk(box) -> None:  # type: ignore[no-untyped-def]
        if predicate(box):
            found.append(box)
        for child in getattr(box, "children", []) or []:
            walk(child)

    walk(root)
    return found


def test_arabic_step_numbers_on_the_right() -> None:
    arabic, english = _marker_and_text_x("ar"), _marker_and_text_x("en")
    assert len(arabic) == len(english) == 15
    assert all(marker > text for marker, text in arabic), arabic
    assert all(marker < text for marker, text in english), english


def test_arabic_page_footer_mirrored(built: Built) -> None:
    """Page number bottom left and title bottom right in Arabic; the opposite in English."""
    def footer(language: str) -> list[tuple[str, float]]:
        return [(word, x) for word, x, y in pdf_words(built.pdf(language, "handout")) if y > 780]

    ar_words, en_words = footer("ar"), footer("en")
    assert min(x for w, x in ar_words if w == "Heyon") > 595 / 2  # title on the right
    assert max(x for w, x in en_words if w == "Heyon") < 595 / 2  # title on the left
    assert max(x for w, x in en_words if w == "Page") > 595 / 2


def test_arabic_checklist_boxes_on_the_right() -> None:
    def box_and_text_x(language: str) -> list[tuple[float, float]]:
        """(x of the check box, x of the item's first text) for every checklist item."""
        pairs = []
        def is_item(b) -> bool:  # type: ignore[no-untyped-def]  # not the anonymous block of its text
            return (type(b).__name__ == "BlockBox" and b.element_tag == "li"
                    and any(getattr(c, "element_tag", None) == "span" for c in b.children))

        for item in _boxes(_layout(language, "checklist"), is_item):
            box = _boxes_in(item, lambda b: "box" in ((getattr(b, "element", None) is not None
                                                     and b.element.get("class")) or ""))[0]
            text = _boxes_in(item, lambda b: type(b).__name__ == "TextBox")[0]
            pairs.append((box.border_box_x(), text.position_x))
        return pairs

    arabic, english = box_and_text_x("ar"), box_and_text_x("en")
    assert len(arabic) == len(english) == 10
    assert all(box_x > text_x for box_x, text_x in arabic)
    assert all(box_x < text_x for box_x, text_x in english)


@pytest.mark.parametrize("format_", ["handout", "checklist"])
def test_korean_words_are_not_split(built: Built, format_: str) -> None:
    """Lines break between Korean words only, the spaces are real text, and the joiners that keep words
    whole never reach the extracted text."""
    with (CONTENT / "esim-cancel" / "locales" / "ko.po").open("rb") as stream:
        catalog = read_po(stream)
    words = {word.strip(".,()‘’“”:") for message in catalog if message.id and message.string
             for word in str(message.string).replace("{provider}", "Heyon").split()}
    text = pdftotext(built.pdf("ko", format_))
    assert "\u2060" not in text
    lines = [line.split() for line in text.splitlines() if line.split()]
    split = [(a[-1], b[0]) for a, b in zip(lines, lines[1:])
             if (a[-1] + b[0]).strip(".,()‘’“”:") in words and a[-1].strip(".,()‘’“”:") not in words]
    assert split == []
    assert len([line for line in lines if len(line) > 1]) > 5  # words on a line are separated by spaces


def test_every_language_is_complete() -> None:
    result = run_cli("i18n", "status", "--content", str(CONTENT), "--min-percent", "100")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert {(row[0], row[1]) for row in rows if row[0] != "(templates)"} == set(BUNDLED_DOCUMENTS)


def test_languages_shows_native_names() -> None:
    result = run_cli("languages", "--content", str(CONTENT))
    for tag in BUNDLED_LANGUAGES:
        assert native_name(tag) in result.stdout


def test_lang_all_builds_every_language(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(CONTENT), "--lang", "all", "--format", "checklist", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == sorted(
        f"{language}/{guide}-checklist.pdf" for guide, language in BUNDLED_DOCUMENTS)


@pytest.mark.parametrize("environment, served", [
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "es_MX.UTF-8"}, "es"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "es_MX", "LC_ALL": "zh_HK.UTF-8"}, "zh-TW"),
    ({"LC_ALL": "C"}, "zh-CN"),
    ({}, "zh-CN"),
])
def test_render_takes_language_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 environment: dict[str, str], served: str) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    target = tmp_path / "doc.pdf"
    result = run_cli("render", "esim-cancel", "--content", str(CONTENT), "-f", "checklist", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert pdf_reader(target).trailer["/Root"]["/Lang"] == served


def test_render_explicit_language_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    target = tmp_path / "doc.pdf"
    result = run_cli("render", "esim-cancel", "--content", str(CONTENT), "--lang", "ko", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert pdf_reader(target).trailer["/Root"]["/Lang"] == "ko"


def test_render_unknown_environment_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    result = run_cli("render", "esim-cancel", "--content", str(CONTENT), "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1
    assert "no 'de-DE' version (from the environment; choose another with --lang)" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
