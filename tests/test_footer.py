"""The running footer stays on one line: a title too long to sit beside the revision date and the page number is
cut at a word, with an ellipsis (render/footer.py); the date is never cut."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.dates import format_date

from conftest import BUNDLED_DOCUMENTS, Built, long_date, pdf_reader, pdf_words, run_cli, squeeze

BOTTOM_MARGIN_PT = 20 * 72 / 25.4  # guide.css: the footer is drawn in the page's bottom margin
SAME_LINE_PT = 5.0  # a second line of 8.5 pt type would start about 12 pt lower


def footer_lines(pdf: Path, page: int = 1) -> list[str]:
    """The lines of text in the bottom margin of a page, top to bottom."""
    height = float(pdf_reader(pdf).pages[page - 1].mediabox.height)
    lines: list[tuple[float, list[tuple[float, str]]]] = []  # (top of its first word, words)
    for word, x, top in sorted(pdf_words(pdf, page), key=lambda w: w[2]):
        if top <= height - BOTTOM_MARGIN_PT:
            continue
        if lines and top - lines[-1][0] < SAME_LINE_PT:  # fonts of other scripts sit a little higher or lower
            lines[-1][1].append((x, word))
        else:
            lines.append((top, [(x, word)]))
    return [" ".join(word for _, word in sorted(words)) for _, words in lines]


@pytest.mark.parametrize("guide, language", BUNDLED_DOCUMENTS)
def test_every_bundled_handout_footer_is_one_line(built: Built, guide: str, language: str) -> None:
    pdf = built.pdf(language, "handout", guide)
    for page in range(1, len(pdf_reader(pdf).pages) + 1):
        assert len(footer_lines(pdf, page)) == 1, (page, footer_lines(pdf, page))


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_long_title_is_cut_at_a_word_and_the_date_is_whole(content_copy: Path, tmp_path: Path, paper: str) -> None:
    guide = content_copy / "number-safety" / "guide.yaml"
    text = guide.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    long_title = "What to do, step by step, before you give up, move or hand back a phone number you no longer use"
    guide.write_text(text.replace(title, f"title: {long_title}"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "number-safety", "-l", "en", "-f", "handout", "--paper", paper,
                     "--content", str(content_copy), "-o", str(out))
    assert result.exit_code == 0, result.output
    pdf = next(out.rglob("*.pdf"))
    [line] = footer_lines(pdf)
    shown, _, rest = line.partition("…")
    assert shown and long_title.startswith(shown.strip()) and long_title[len(shown.strip())] in " ,"
    revision = dt.date.fromisoformat(re.search(r'revision: "?([\d-]+)', text)[1])  # type: ignore[index]
    assert f"Revised {format_date(revision, format='long', locale='en_US')}" in rest and "Page 1 of" in rest


def test_a_short_title_is_whole(built: Built) -> None:
    [line] = footer_lines(built.pdf("en", "handout"))
    assert line.startswith("How to cancel a Heyon eSIM line") and "…" not in line


def test_the_russian_title_is_cut_and_its_date_whole(built: Built) -> None:
    """The Russian esim-cancel title is too long for A4 beside its date (it once pushed the year onto a line of
    its own)."""
    [line] = footer_lines(built.pdf("ru", "handout"))
    assert "…" in line and squeeze(f"Обновлено {long_date('ru')}") in squeeze(line)
