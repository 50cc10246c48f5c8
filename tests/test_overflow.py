"""Nothing leaves the page: a word too long for the line breaks, and a line that still sticks out fails.

One guide per script, with an unbreakable word in the title, a paragraph, a step, the checklist's
title and a checklist item (each word different, to tell which string a failure names).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, pdf_reader, run_cli

LENGTH = 300
PREFIX = {"en": "", "zh-CN": "中文说明", "ko": "한국어 ", "ar": "عربي "}
FILL = {"en": "x", "zh-CN": "x", "ko": "한", "ar": "x"}  # Korean: a Hangul word, which is kept from breaking if short
WORDS = {  # string id → the unbreakable word in it
    "title": "TITLE", "para.text": "PARA", "proc.steps.first.text": "STEP",
    "checklist.title": "LIST", "checklist.group.items.item.text": "ITEM",
}
IN_FORMAT = {"handout": ("title", "para.text", "proc.steps.first.text"),
             "checklist": ("checklist.title", "checklist.group.items.item.text")}


def _guide(content: Path, language: str) -> str:
    guide_id = f"long-{language.lower()}"
    (content / guide_id).mkdir(parents=True)
    pre = PREFIX[language]

    def _word(tag: str) -> str:
        return tag + FILL[language] * LENGTH

    (content / guide_id / "guide.yaml").write_text(f"""id: {guide_id}
source_language: {language}
revision: "2026-11-25"
title: "{pre}Title {_word('TITLE')}"
summary: "{pre}A short summary."
blocks:
  - type: paragraph
    id: para
    text: "{pre}Paragraph {_word('PARA')} end"
  - type: procedure
    id: proc
    steps:
      - id: first
        text: "{pre}Step {_word('STEP')} end"
checklist:
  title: "{pre}List {_word('LIST')}"
  groups:
    - id: group
      title: "{pre}Group"
      items:
        - id: item
          text: "{pre}Item {_word('ITEM')} end"
""", encoding="utf-8")
    return guide_id


def _words(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """Words of a page with their left and right edges (``pdftotext -bbox``)."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [(word, float(left), float(right)) for left, right, word in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html)]


@pytest.mark.parametrize("language", sorted(PREFIX))
def test_unbreakable_words_break_and_stay_on_the_page(tmp_path: Path, language: str) -> None:
    content, out = tmp_path / "content", tmp_path / "out"
    guide_id = _guide(content, language)
    result = run_cli("build", "--content", str(content), "-j", "1", "-o", str(out))
    assert result.exit_code == 0, result.output
    for format_, ids in IN_FORMAT.items():
        pdf = out / language / f"{guide_id}-{format_}.pdf"
        reader = pdf_reader(pdf)
        for number, page in enumerate(reader.pages, 1):
            width = float(page.mediabox.width)
            words = _words(pdf, number)
            assert words
            outside = [(word[:12], left, right) for word, left, right in words if left < 0 or right > width]
            assert outside == [], f"{format_}: words off a {width:.0f} pt page"
        text = "".join("".join(page.extract_text().split()) for page in reader.pages)
        if format_ == "handout" and language != "ko":  # the footer repeats the title, its long word cut short
            assert ("TITLE" + FILL[language] * 24 + "…" in text if language != "ar"
                    else "…TitleTITLE" + FILL[language] * 24 + "عربي" in text)  # extracted in visual order
        for string in ids:
            assert WORDS[string] + FILL[language] * 10 in text
        assert text.count(FILL[language]) >= LENGTH * len(ids)  # every letter printed, across lines and pages


@pytest.mark.parametrize("language", ["en", "zh-CN", "ar"])  # Arabic: past the left edge
def test_a_line_past_the_edge_fails_naming_the_string(tmp_path: Path, language: str) -> None:
    """Templates that forbid breaking inside words: each document fails, naming every string that overflows."""
    content, out, templates = tmp_path / "content", tmp_path / "out", tmp_path / "templates"
    guide_id = _guide(content, language)
    templates.mkdir()
    css = (ROOT / "templates" / "guide.css").read_text(encoding="utf-8")
    (templates / "guide.css").write_text(css + "\n* { overflow-wrap: normal !important; }\n", encoding="utf-8")
    result = run_cli("build", "--content", str(content), "-j", "1", "--templates", str(templates), "-o", str(out))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    for format_, ids in IN_FORMAT.items():
        line = next(line for line in result.stderr.splitlines() if f"{language}/{guide_id}-{format_}:" in line)
        assert "runs off the page" in line
        for string in ids:
            # A heading keeps its last two words together (no lone last word): "Title" goes with the long one.
            start = {"title": "Title", "checklist.title": "List"}.get(string, "")
            assert f"{string} ('{start}{WORDS[string]}xx" in line, (string, line)
    assert not list(out.rglob("*.pdf"))


def test_a_footer_past_the_edge_fails_too(tmp_path: Path) -> None:
    """Templates that repeat the whole title in the footer: it must stay on the page as well."""
    content, out, templates = tmp_path / "content", tmp_path / "out", tmp_path / "templates"
    _guide(content, "en")
    templates.mkdir()
    css = (ROOT / "templates" / "guide.css").read_text(encoding="utf-8")
    (templates / "guide.css").write_text(css + "\n@page { @bottom-left { content: string(doctitle) !important; } }\n",
                                         encoding="utf-8")
    result = run_cli("build", "--content", str(content), "-f", "handout", "--templates", str(templates),
                     "-o", str(out))
    assert result.exit_code == 1
    assert "runs off the page" in result.stderr and "title ('TitleTITLExx" in result.stderr
