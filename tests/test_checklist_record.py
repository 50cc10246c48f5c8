"""The checklist fills its page: a record of write-in lines takes the room left, and type grows when there is room."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from PIL import Image

from conftest import (BUNDLED_GUIDES, BUNDLED_LANGUAGES, CONTENT, Built, pdf_reader, pdf_words, pdftotext, run_cli,
                      squeeze)
from generator.produce.fitting import largest_fitting
from generator.content.loader import load_guide
from generator.render.pdf import Layout
from generator.render.record import MAX_STRETCH, least, stretched

GUIDE = Path("esim-cancel") / "guide.yaml"
RECORD_IDS = ("checklist.record.title", "checklist.record.fields.sent.label",
              "checklist.record.fields.reference.label", "checklist.record.fields.confirmed.label")
BOTTOM_MARGIN_MM = {"a4": 20, "letter": 20, "a5": 15}
NEAR_BOTTOM_MM = 5  # the last write-in line ends at most this far above the bottom margin
LAM_ALEF = re.compile("ل[اأإآ]")  # pdftotext gives these ligatures back in the wrong order (issue 16)


def _record_texts(language: str) -> list[str]:
    """The record's title and labels as the document in ``language`` prints them (source or catalog)."""
    if language == "zh-CN":
        record = load_guide(CONTENT / GUIDE)[0].checklist.record
        assert record is not None
        return [record.title, *(field.label for field in record.fields)]
    with open(CONTENT / "esim-cancel" / "locales" / f"{language}.po", "rb") as po:
        catalog = read_po(po)
    texts = []
    for context in RECORD_IDS:
        message = next(m for m in catalog if m.context == context)
        assert message.string, (language, context)
        texts.append(message.string)
    return texts


def _has_mark(word: str) -> bool:
    import unicodedata

    return any(unicodedata.category(char) == "Mn" for char in word)


def _words_found(language: str, texts: list[str], pdf: Path) -> None:
    """Every word of ``texts`` is in the PDF's text (Arabic-script words with a lam-alef ligature or a combining
    mark aside: `pdftotext -raw` gives those in visual order; tests/test_rtl_text.py reads them in reading order)."""
    printed = squeeze(pdftotext(pdf))
    for text in texts:
        words = text.split() if " " in text else [text]
        checked = [w for w in words if not (language in ("ar", "fa") and (LAM_ALEF.search(w) or _has_mark(w)))]
        assert checked, text
        for word in checked:
            assert squeeze(word) in printed, (language, text, word)


def _record_printed(language: str, texts: list[str], pdf: Path) -> bool:
    """Whether the record's labels are on the page: every word that can be checked (see ``_words_found``) of
    its labels, none of its title's words being enough alone."""
    printed = squeeze(pdftotext(pdf))
    words = [w for text in texts[1:] for w in (text.split() if " " in text else [text])
             if not (language in ("ar", "fa") and (LAM_ALEF.search(w) or _has_mark(w)))]
    assert words, texts
    return all(squeeze(word) in printed for word in words)


def _lowest_rule_mm(pdf: Path, tmp_path: Path) -> tuple[float, float]:
    """The height above the page's bottom edge of the lowest dark horizontal rule (a quarter of the page wide
    or more), and the page height, in millimetres."""
    image_root = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-png", "-singlefile", str(pdf), str(image_root)], check=True)
    image = Image.open(f"{image_root}.png").convert("L")
    width, height = image.size
    pixels = image.load()
    for y in range(height - 1, -1, -1):
        if sum(1 for x in range(width) if pixels[x, y] < 170) >= width / 4:
            return (height - y) * 25.4 / 72, height * 25.4 / 72
    raise AssertionError(f"no rule on {pdf}")


def _label_top_mm(pdf: Path, label: str) -> float:
    """How far below the top edge the lowest word of the label is, in millimetres (``pdftotext -bbox`` gives
    right-to-left words in visual order: they are matched reversed too)."""
    tops = [y for word, _, y in pdf_words(pdf)
            if len(word) > 1 and (squeeze(word) in squeeze(label) or squeeze(word)[::-1] in squeeze(label))]
    assert tops, (pdf, label)
    return max(tops) * 25.4 / 72


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Every bundled checklist on Letter and A5, and in large print on A4."""
    out = tmp_path_factory.mktemp("papers")
    result = run_cli("build", "--content", str(CONTENT), "-f", "checklist", "--paper", "letter", "--paper", "a5",
                     "-o", str(out))
    assert result.exit_code == 0, result.output
    large = run_cli("build", "--content", str(CONTENT), "-f", "checklist", "--large-print", "-v", "-o", str(out))
    assert large.exit_code == 0, large.output
    return out, result.output + large.output


def test_every_bundled_large_print_checklist_fits_one_a4_page(papers: tuple[Path, str]) -> None:
    """Longer words (Russian, Ukrainian) must still fit the 18 pt floor: a translation is written for it."""
    for guide in BUNDLED_GUIDES:
        built = sorted(papers[0].glob(f"*/{guide}-checklist-large.pdf"))
        assert [path.parent.name for path in built] == sorted(BUNDLED_LANGUAGES), guide
        assert all(len(pdf_reader(path).pages) == 1 for path in built), guide


def _checklist(built: Built, papers: tuple[Path, str], language: str, variant: str) -> Path:
    if variant == "a4":
        return built.pdf(language, "checklist")
    return papers[0] / language / f"esim-cancel-checklist-{variant}.pdf"


@pytest.mark.parametrize("paper", ["a4", "letter", "a5"])
@pytest.mark.parametrize("language", BUNDLED_LANGUAGES)
def test_every_bundled_checklist_is_one_page_and_the_visitors_record(built: Built, papers: tuple[Path, str],
                                                                     tmp_path: Path, language: str,
                                                                     paper: str) -> None:
    pdf = _checklist(built, papers, language, paper)
    assert len(pdf_reader(pdf).pages) == 1
    texts = _record_texts(language)
    _words_found(language, texts, pdf)
    # The record takes the room that is left: its last ruled line is near the bottom margin, under the last label.
    rule_mm, page_mm = _lowest_rule_mm(pdf, tmp_path)
    assert BOTTOM_MARGIN_MM[paper] - 1 <= rule_mm <= BOTTOM_MARGIN_MM[paper] + NEAR_BOTTOM_MM, (rule_mm, pdf)
    label_mm = _label_top_mm(pdf, texts[-1])
    assert page_mm * 0.6 < label_mm < page_mm - rule_mm, (label_mm, rule_mm, pdf)


@pytest.mark.parametrize("language", BUNDLED_LANGUAGES)
def test_large_print_checklists_stay_one_page_with_their_record_where_it_fits(papers: tuple[Path, str],
                                                                               language: str) -> None:
    pdf = _checklist(Built(papers[0], ""), papers, language, "large")
    assert len(pdf_reader(pdf).pages) == 1
    line = next(line for line in papers[1].splitlines() if f"{language}/esim-cancel-checklist-large.pdf" in line)
    size = float(line.split("page, ")[1].split(" pt")[0])
    assert 18 <= size <= 20
    texts = _record_texts(language)
    printed = _record_printed(language, texts, pdf)
    # Measured on the page, not taken from the build's words: the record is left out only where the room under
    # the last line of text is less than the record needs at its least (title, labels, their ruled lines).
    record = load_guide(CONTENT / GUIDE)[0].checklist.record
    assert record is not None
    lines = least(record, size)
    needed_mm = (sum(lines.lines) * lines.pitch_pt + (1 + len(lines.lines)) * 1.2 * size) * 25.4 / 72
    page_mm = float(pdf_reader(pdf).pages[0].mediabox.height) * 25.4 / 72
    lowest_text_mm = max(y for _, _, y in pdf_words(pdf)) * 25.4 / 72 + size * 25.4 / 72
    room_mm = page_mm - BOTTOM_MARGIN_MM["a4"] - lowest_text_mm
    if printed:
        _words_found(language, texts, pdf)
    else:
        assert room_mm < needed_mm, f"{language}: {room_mm:.0f} mm left, the record needs {needed_mm:.0f} mm"
        assert f"warning: {language}/esim-cancel-checklist-large: no room for the checklist's record" in papers[1]
    assert ("without its record" in line) == (not printed)


def _font_sizes(pdf: Path) -> Counter[float]:
    """Point sizes of the text on the page, by number of text runs (WeasyPrint's Tf sizes are CSS px)."""
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes[round(size * 0.75 * 2) / 2] += 1

    pdf_reader(pdf).pages[0].extract_text(visitor_text=visit)
    return sizes


def _checklist_yaml(groups: int, items: int, record: bool) -> str:
    lines = ["checklist:", "  title: 检查清单", "  groups:"]
    for g in range(groups):
        lines += [f"    - id: group-{g}", f"      title: 第{g + 1}组", "      items:"]
        lines += [f"        - 在支付和银行 App 里解绑这个号码 {i}" for i in range(items)]
    if record:
        lines += [
            "  record:",
            "    title: 我的记录",
            "    fields:",
            "      - id: sent",
            "        label: 提交申请的日期",
            "        lines: 2",
        ]
    return "\n".join(lines) + "\n"


def _with_checklist(content: Path, groups: int, items: int, record: bool) -> None:
    guide = content / GUIDE
    source = guide.read_text(encoding="utf-8")
    guide.write_text(source[:source.index("checklist:")] + _checklist_yaml(groups, items, record), encoding="utf-8")
    shutil.rmtree(content / "esim-cancel" / "locales")


@pytest.mark.parametrize("record", [False, True])
def test_type_grows_when_there_is_room_and_never_below_the_floor(guide_copy: Path, tmp_path: Path,
                                                                 record: bool) -> None:
    sizes = {}
    for name, groups, items in (("short", 1, 3), ("long", 2, 8)):
        content = tmp_path / name
        shutil.copytree(guide_copy, content)
        _with_checklist(content, groups, items, record)
        result = run_cli("build", "--content", str(content), "-l", "zh-CN", "-f", "checklist", "--paper", "a5",
                         "-o", str(tmp_path / f"out-{name}"))
        assert result.exit_code == 0, result.output
        pdf = tmp_path / f"out-{name}" / "zh-CN" / "esim-cancel-checklist-a5.pdf"
        assert len(pdf_reader(pdf).pages) == 1
        body, _ = _font_sizes(pdf).most_common(1)[0]  # the items' size: most runs of text
        assert f"{body:g} pt" in result.stdout
        sizes[name] = body
        if record:
            assert "我的记录" in pdftotext(pdf)
    assert sizes["short"] > 14 >= sizes["long"] >= 10.5
    assert sizes["short"] <= 18


def test_guide_without_record_still_builds(guide_copy: Path, tmp_path: Path) -> None:
    guide = guide_copy / GUIDE
    source = guide.read_text(encoding="utf-8")
    guide.write_text(source[:source.index("  record:")], encoding="utf-8")
    result = run_cli("build", "--content", str(guide_copy), "-l", "zh-CN", "-l", "en", "-f", "checklist",
                     "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "without its record" not in result.output and "warning" not in result.output
    for language, title in (("zh-CN", "我的记录"), ("en", "My record")):
        pdf = tmp_path / "out" / language / "esim-cancel-checklist.pdf"
        assert len(pdf_reader(pdf).pages) == 1
        assert title not in pdftotext(pdf)


@pytest.mark.parametrize("change, message", [
    (("        label: 申请编号", "        lable: 申请编号"),
     ":9: checklist.record.fields[1].lable: unknown key 'lable' (did you mean 'label'?)"),
    (("        label: 申请编号", "        label: 申请编号\n        lines: 9"),
     ":9: checklist.record.fields[1].lines: is 9; at most 4 is allowed"),
    (("      - id: confirmed", "      - id: sent"), ":5: checklist.record.fields: two fields have the id 'sent'"),
    (("    title: 我的记录", "    titel: 我的记录"), ":5: checklist.record.titel: unknown key 'titel'"),
])
def test_broken_record_names_file_line_and_field(guide_copy: Path, tmp_path: Path, change: tuple[str, str],
                                                 message: str) -> None:
    guide = guide_copy / GUIDE
    source = guide.read_text(encoding="utf-8")
    assert change[0] in source
    guide.write_text(source.replace(change[0], change[1]), encoding="utf-8")
    changed = change[1].splitlines()[-1]
    line = next(i for i, text in enumerate(guide.read_text(encoding="utf-8").splitlines(), 1) if text == changed)
    if "two fields" in message:  # reported where the list starts
        line = next(i for i, text in enumerate(guide.read_text(encoding="utf-8").splitlines(), 1)
                    if text == "    fields:")
    result = run_cli("build", "esim-cancel", "--content", str(guide_copy), "-l", "en", "-f", "checklist",
                     "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"esim-cancel/guide.yaml:{line}{message}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not any((tmp_path / "out").rglob("*.pdf"))


def test_record_strings_are_extracted_with_stable_ids(guide_copy: Path) -> None:
    result = run_cli("i18n", "extract", "--content", str(guide_copy))
    assert result.exit_code == 0, result.output
    with open(guide_copy / "esim-cancel" / "locales" / "messages.pot", "rb") as pot:
        contexts = {message.context: message.id for message in read_po(pot) if message.id}
    assert contexts["checklist.record.title"] == "我的记录"
    assert contexts["checklist.record.fields.sent.label"] == "提交申请的日期"
    assert {"checklist.record.fields.reference.label", "checklist.record.fields.confirmed.label"} <= set(contexts)


# The search itself, on a model of layout: content height a + b·size^power against a page of 700 pt.

def _model(a: float, b: float, power: float, calls: list[float]):  # type: ignore[no-untyped-def]
    def lay_out(size: float) -> Layout:
        calls.append(size)
        height = a + b * size ** power
        if height <= 700:
            return Layout(None, 1, 0.0, 700 - height, 700)
        return Layout(None, 2 if height <= 1400 else 3, min(1.0, (height - 700) / 700), 0.0, 700)
    return lay_out


def _best(a: float, b: float, power: float, floor: float, top: float) -> float | None:
    fitting = [s / 2 for s in range(int(floor * 2), int(top * 2) + 1) if a + b * (s / 2) ** power <= 700]
    return max(fitting) if fitting else None


@pytest.mark.parametrize("a, b, power", [(100, 3.0, 2.0), (100, 30, 1.0), (50, 1.2, 2.3), (200, 2.0, 1.6),
                                         (300, 9.0, 1.7), (80, 4.4, 1.8), (0, 6.0, 1.9)])
def test_search_finds_the_largest_size_that_fits_in_few_layouts(a: float, b: float, power: float) -> None:
    calls: list[float] = []
    fit = largest_fitting(_model(a, b, power, calls), 14.0, 11.0, 18.0)
    best = _best(a, b, power, 11.0, 18.0)
    assert fit.size == best, (fit.size, best, calls)
    assert len(calls) <= 4, calls
    assert all(11.0 <= size <= 18.0 for size in calls)


def test_search_costs_one_layout_when_the_start_size_just_fits() -> None:
    calls: list[float] = []
    b = (690 - 100) / 14 ** 1.5  # fills 690 of 700 pt at 14 pt: no room for half a point more
    fit = largest_fitting(_model(100, b, 1.5, calls), 14.0, 11.0, 18.0)
    assert fit.size == 14.0 and calls == [14.0]


def test_search_reports_the_overflow_when_nothing_fits() -> None:
    calls: list[float] = []
    fit = largest_fitting(_model(600, 5.0, 1.5, calls), 14.0, 11.0, 18.0)
    assert fit.size is None and fit.layout is None
    assert 11.0 in calls and 0 < fit.overflow < math.inf


def test_record_lines_take_the_room_evenly() -> None:
    record = load_guide(CONTENT / GUIDE)[0].checklist.record
    assert record is not None
    base = least(record, 14.0)
    assert base.lines == (1, 1, 1)
    for free in (0.0, 10.0, 40.0, 70.0, 95.0, 200.0, 400.0):
        more = stretched(record, 14.0, free)
        assert max(more.lines) - min(more.lines) <= 1 and list(more.lines) == sorted(more.lines, reverse=True)
        assert base.pitch_pt <= more.pitch_pt <= base.pitch_pt * MAX_STRETCH
        added = sum(more.lines) * more.pitch_pt - sum(base.lines) * base.pitch_pt
        assert free - base.pitch_pt < added <= free or free < base.pitch_pt  # takes the room, never more
        if free >= 3 * base.pitch_pt * 2:
            assert min(more.lines) >= 2


# Headings never put a lone word (or a lone Chinese character) on a line of their own.

_HAN_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def _heading_lines(pdf: Path) -> list[list[str]]:
    """The lines of every multi-line heading: runs of text set larger than the page's body text, grouped
    into headings by size and line spacing."""
    found: list[list[str]] = []
    for page in pdf_reader(pdf).pages:
        runs: list[tuple[float, float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  runs: list[tuple[float, float, str]] = runs) -> None:
            if text.strip():
                runs.append((round(size * abs(tm[3] or 1), 2), round(tm[5], 1), text))

        page.extract_text(visitor_text=visit)
        if not runs:
            continue
        sizes: Counter[float] = Counter()
        for size, _, text in runs:
            sizes[size] += len(text)
        body = sizes.most_common(1)[0][0]
        lines: dict[tuple[float, float], str] = {}
        for size, y, text in runs:
            if size >= body * 1.15:
                lines[(size, y)] = lines.get((size, y), "") + " " + text
        headings: list[list[tuple[float, float]]] = []
        for key in lines:
            last = headings[-1][-1] if headings else None
            if last and last[0] == key[0] and abs(abs(last[1] - key[1]) - key[0] * 1.25) < key[0] * 0.3:
                headings[-1].append(key)
            else:
                headings.append([key])
        found += [[lines[key] for key in heading] for heading in headings if len(heading) > 1]
    return found


def _lone(line: str) -> bool:
    if _HAN_KANA.search(line):
        return len([c for c in line if not unicodedata.category(c).startswith(("P", "Z"))]) < 2
    return len(line.split()) < 2


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every bundled handout on A5 and in large print; large-print checklists on Letter. (A booklet's pages are
    the A5 handout's, laid out alike: its imposition is tests/test_print_ready.py's.)"""
    out = tmp_path_factory.mktemp("handouts")
    for options in (["--paper", "a5"], ["--large-print"]):
        result = run_cli("build", "--content", str(CONTENT), "-f", "handout", *options, "-o", str(out))
        assert result.exit_code == 0, result.output
    letter = run_cli("build", "--content", str(CONTENT), "-f", "checklist", "--large-print", "--paper", "letter",
                     "-o", str(out))
    assert letter.exit_code == 0, letter.output
    return out


def test_large_print_checklists_of_the_library_fit_a_letter_page(handouts: Path) -> None:
    """French is among the wordiest bundled languages and Letter the shortest large page that must fit:
    every guide's checklist gets there (at 18 pt or more, in two columns if need be)."""
    pdfs = sorted((handouts / "fr").glob("*-checklist-letter-large.pdf"))
    assert [p.name for p in pdfs] == [f"{guide}-checklist-letter-large.pdf" for guide in BUNDLED_GUIDES]
    assert all(len(pdf_reader(pdf).pages) == 1 for pdf in pdfs)


@pytest.mark.parametrize("language", BUNDLED_LANGUAGES)
def test_headings_never_leave_a_word_alone_on_a_line(built: Built, papers: tuple[Path, str], handouts: Path,
                                                     language: str) -> None:
    pdfs = [built.pdf(language, "handout"), built.pdf(language, "checklist"),
            *sorted((papers[0] / language).glob("*.pdf")), *sorted((handouts / language).glob("*.pdf"))]
    assert len(pdfs) >= 8
    multi_line = 0
    for pdf in pdfs:
        for lines in _heading_lines(pdf):
            multi_line += 1
            assert not any(_lone(line) for line in lines), (pdf.name, lines)
    assert multi_line  # the check saw headings that wrap
