"""Every bundled language: translated, in the right fonts, laid out in the right direction."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import (
    BUNDLED_LANGUAGES,
    CONTENT,
    DOCUMENTS,
    Built,
    pdf_reader,
    pdf_words,
    pdffonts,
    pdftotext,
    run_cli,
    squeeze,
)
from generator.content.languages import direction, native_name
from generator.render.engine_patches import page_box

EXPECTED_FONTS = {
    # CJK fonts are cut to the document's characters before layout (generator/subsetting.py).
    "zh-CN": {"Noto-Sans-CJK-SC-Subset"}, "zh-TW": {"Noto-Sans-CJK-TC-Subset"}, "ko": {"Noto-Sans-CJK-KR-Subset"},
    "ar": {"Noto-Sans-Arabic", "Noto-Sans"}, "en": {"Noto-Sans"}, "es": {"Noto-Sans"}, "fr": {"Noto-Sans"},
    "vi": {"Noto-Sans"}, "pt-BR": {"Noto-Sans"}, "fa": {"Noto-Sans-Arabic", "Noto-Sans"},
    "ru": {"Noto-Sans"}, "uk": {"Noto-Sans"},
}
# What the library promises (issue 17); BUNDLED_LANGUAGES is what it has, read from the library.
PROMISED = {"zh-CN", "zh-TW", "en", "es", "fr", "vi", "ko", "ar", "ru", "uk", "pt-BR", "fa"}
# Scripts read back in logical order by `pdftotext -raw` (it keeps right-to-left lines in visual order;
# tests/test_rtl_text.py reads Arabic-script text back in reading order).
TEXT_LANGUAGES = [lang for lang in BUNDLED_LANGUAGES if direction(lang) == "ltr"]
# (guide, language) of the translations (not the sources) read back that way.
TEXT_CHECKED = [(guide, language) for guide, language in DOCUMENTS
                if direction(language) == "ltr" and (CONTENT / guide / "locales" / f"{language}.po").is_file()]


def pdftotext_page(path: Path, page: int) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout


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


@pytest.mark.parametrize("language", [lang for lang in TEXT_LANGUAGES if lang != "zh-CN"])
def test_a_point_title_stays_with_its_text(built: Built, language: str) -> None:
    """A bold point title never ends a page while its text starts the next (Ukrainian's "Правила" did)."""
    path = built.pdf(language, "handout")
    pages = [squeeze(pdftotext_page(path, n)) for n in range(1, len(pdf_reader(path).pages) + 1)]
    with (CONTENT / "esim-cancel" / "locales" / f"{language}.po").open("rb") as stream:
        contexts = [m.context for m in read_po(stream)
                    if m.context and re.fullmatch(r"[^.]+\.[^.]+\.items\.[^.]+\.title", m.context)]
    assert contexts
    for context in contexts:
        translations = _catalog("esim-cancel", language)
        title = squeeze(translations[context])
        text = squeeze(translations[context.removesuffix(".title") + ".text"])
        assert any(title + text[:6] in page for page in pages), context


@pytest.mark.parametrize("guide, language", DOCUMENTS)
@pytest.mark.parametrize("format_", ["handout", "checklist"])
def test_fonts_follow_the_language(built: Built, guide: str, language: str, format_: str) -> None:
    fonts = pdffonts(built.pdf(language, format_, guide))
    families = {f["name"].split("+", 1)[1].removesuffix("-Bold") for f in fonts}
    allowed = set(EXPECTED_FONTS[language])
    if format_ == "handout":  # "Also available in": the other languages' names, each in its own fonts
        allowed |= {name for other in BUNDLED_LANGUAGES for name in EXPECTED_FONTS[other]}
    assert families <= allowed, families
    assert families & EXPECTED_FONTS[language], families
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)


@pytest.mark.parametrize("guide, language", DOCUMENTS)
def test_document_language_and_direction(built: Built, guide: str, language: str) -> None:
    """/Lang is the language; the page runs in its direction: the running footer's page number
    stands at the end of the line (right in LTR, left in RTL) and the first heading starts at the start."""
    from generator.content.languages import direction

    path = built.pdf(language, "handout", guide)
    reader = pdf_reader(path)
    assert reader.trailer["/Root"]["/Lang"] == language
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    words = pdf_words(path, 1)
    pages = len(reader.pages)  # "Page 1 of N", "1/N", "N쪽 중 1쪽": N is in no date (\d and int() read any script)
    page_count = [x for word, x, y in words
                  if y > height - 60 and pages in [int(number) for number in re.findall(r"\d+", word)]]
    assert len(page_count) == 1, words
    boxes = [box for box in _word_boxes(path) if box[1] < height - 60]  # (left, top, right) above the footer
    heading_top = min(top for _, top, _ in boxes)
    heading = [box for box in boxes if abs(box[1] - heading_top) < 2]  # its first line, maybe the full measure
    if direction(language) == "rtl":
        assert page_count[0] < width / 3
        assert abs(max(right for *_, right in heading) - max(right for *_, right in boxes)) < 1.5  # flush right
    else:
        assert page_count[0] > width * 2 / 3
        assert abs(min(left for left, *_ in heading) - min(left for left, *_ in boxes)) < 1.5  # flush left


def _word_boxes(path: Path) -> list[tuple[float, float, float]]:
    """(left, top, right) of every word of the first page, in points."""
    import subprocess

    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [(float(left), float(top), float(right)) for left, top, right in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"', html)]


def _right_edges(path: Path, top: float) -> list[float]:
    """Right ends of the words on page 1 whose top is at ``top`` (``pdftotext -bbox``)."""
    import subprocess

    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [
        float(right) for y, right in re.findall(r'yMin="([\d.]+)" xMax="([\d.]+)"', html) if abs(float(y) - top) < 2
    ]


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
    return [box for page in document.pages for box in _boxes_in(page_box(page), predicate)]


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
    split = [(a[-1], b[0]) for a, b in itertools.pairwise(lines)
             if (a[-1] + b[0]).strip(".,()‘’“”:") in words and a[-1].strip(".,()‘’“”:") not in words]
    assert split == []
    assert len([line for line in lines if len(line) > 1]) > 5  # words on a line are separated by spaces


def test_library_has_every_promised_language() -> None:
    assert set(BUNDLED_LANGUAGES) >= PROMISED


def test_every_language_is_complete() -> None:
    result = run_cli("i18n", "status", "--content", str(CONTENT), "--min-percent", "100")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    for guide in ("esim-cancel", "number-safety"):
        assert set(BUNDLED_LANGUAGES) <= {row[1] for row in rows if row[0] == guide}, guide


def test_languages_shows_native_names() -> None:
    result = run_cli("languages", "--content", str(CONTENT))
    for tag in BUNDLED_LANGUAGES:
        assert native_name(tag) in result.stdout


def test_lang_all_builds_every_language(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(CONTENT), "--lang", "all", "--format", "checklist", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (sorted((p.parent.name, p.name) for p in out.rglob("*.pdf"))
            == sorted((language, f"{guide}-checklist.pdf") for guide, language in DOCUMENTS))


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


@pytest.mark.parametrize("language", BUNDLED_LANGUAGES)
def test_digits_follow_the_cldr_numbering_system(built: Built, language: str) -> None:
    """Dates, option labels, step and page numbers (CSS counters) and the translations use the digits of CLDR's
    default numbering system for the language as tagged: Persian ۲۵, not 25; CLDR's generic Arabic 0–9."""
    import unicodedata

    from babel import Locale

    system = Locale.parse(language.replace("-", "_")).default_numbering_system
    expected = {"latn": "DIGIT", "arabext": "EXTENDED ARABIC-INDIC DIGIT"}[system]
    for format_ in ("handout", "checklist"):
        digits = {char for char in pdftotext(built.pdf(language, format_)) if char.isdecimal()}
        assert digits, format_
        assert {unicodedata.name(d).rsplit(" ", 1)[0] for d in digits} == {expected}, (format_, digits)


def test_persian_is_written_with_persian_letters(built: Built) -> None:
    """ی and ک, not Arabic ي and ك (same sound, other letters); the catalog keeps the zero-width non-joiner of
    می‌/نمی‌ verbs (it draws no glyph, so the PDF text cannot show it)."""
    text = "".join(pdftotext(built.pdf("fa", format_)) for format_ in ("handout", "checklist"))
    text = text.replace(native_name("ar"), "")  # the closing line names Arabic in Arabic
    assert "\u06cc" in text and "\u06a9" in text
    assert "\u064a" not in text and "\u0643" not in text
    with (CONTENT / "esim-cancel" / "locales" / "fa.po").open("rb") as stream:
        strings = [str(message.string) for message in read_po(stream) if message.id]
    verbs = [word for string in strings for word in string.split() if re.match("^ن?می[\u200c\u0600-\u06ff]", word)]
    assert verbs and all(re.match("^ن?می\u200c", word) for word in verbs), verbs  # (no noun here starts with می)
