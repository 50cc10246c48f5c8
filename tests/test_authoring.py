"""Writing a new guide: the scaffold checks, builds and validates against the schema at once."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import pdf_reader, pdftotext, run_cli


@pytest.mark.parametrize("language", ["en", "ar", "zh-CN"])
def test_new_guide_checks_and_builds(tmp_path: Path, language: str) -> None:
    content = tmp_path / "our-guides"
    made = run_cli("new", "move-esim", "--lang", language, "--content", str(content),
                   "--title", 'How to move your "eSIM": a guide')
    assert made.exit_code == 0, made.output
    guide = content / "move-esim" / "guide.yaml"
    data = yaml.safe_load(guide.read_text(encoding="utf-8"))
    assert data["source_language"] == language and data["title"] == 'How to move your "eSIM": a guide'
    assert {b["type"] for s in data["blocks"] for b in s["blocks"]} | {s["type"] for s in data["blocks"]} >= {
        "section", "paragraph", "list", "procedure", "callout", "alternatives"}
    schema = json.loads((content / "guide.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)  # what an editor's YAML language server does with the $schema line
    assert guide.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../guide.schema.json\n")
    check = run_cli("check", "--content", str(content))
    assert check.exit_code == 0 and "0 error(s), 0 warning(s)" in check.stdout, check.output
    out = tmp_path / "out"
    build = run_cli("build", "--content", str(content), "-o", str(out))
    assert build.exit_code == 0, build.output
    assert len(pdf_reader(out / language / "move-esim-checklist.pdf").pages) == 1
    assert "move your" in pdftotext(out / language / "move-esim-handout.pdf")


def test_new_refuses_an_existing_guide_or_a_bad_id(tmp_path: Path) -> None:
    content = tmp_path / "content"
    assert run_cli("new", "first", "--lang", "en", "--content", str(content)).exit_code == 0
    before = (content / "first" / "guide.yaml").read_bytes()
    again = run_cli("new", "first", "--lang", "fr", "--content", str(content))
    assert again.exit_code == 1 and "exists already" in again.stderr
    assert (content / "first" / "guide.yaml").read_bytes() == before
    for bad, words in (("Bad Id", "is not a valid guide id"), ("../up", "is not a valid guide id")):
        result = run_cli("new", bad, "--lang", "en", "--content", str(content))
        assert result.exit_code == 1 and words in result.stderr and "Traceback" not in result.output
    tag = run_cli("new", "second", "--lang", "de-1996", "--content", str(content))
    assert tag.exit_code == 1 and "is not a language tag" in tag.stderr
    assert sorted(p.name for p in content.iterdir()) == ["first", "guide.schema.json"]


def _steps_then_warning(content: Path, steps: int) -> None:
    lines = "\n".join(f"          - Step {i} - open the settings of the phone and look for the item called mobile "
                      "data, then choose the line you want to keep." for i in range(1, steps + 1))
    folder = content / "kt"
    folder.mkdir(parents=True)
    (folder / "guide.yaml").write_text(f"""id: kt
source_language: en
revision: "2026-11-25"
title: Keep together
summary: A warning that would land alone at the top of a page.
blocks:
  - type: section
    id: s
    title: The steps
    blocks:
      - type: procedure
        id: p
        steps:
{lines}
      - type: callout
        id: w
        kind: warning
        title: Before the last step
        text: "This warning belongs to the steps above it. It is long enough to need several lines, so that it
          cannot fit at the bottom of a full page. It says what can go wrong, and why, in plain words."
checklist:
  title: Keep together
  groups:
    - id: g
      title: Group
      items: [One]
""", encoding="utf-8")


def _pages_with(pdf: Path, text: str) -> list[int]:
    pages = len(pdf_reader(pdf).pages)
    return [n for n in range(1, pages + 1) if text in pdftotext_page(pdf, n)]


def pdftotext_page(pdf: Path, page: int) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_a_warning_never_stands_alone_away_from_the_steps_it_follows(tmp_path: Path) -> None:
    from conftest import ROOT

    content = tmp_path / "content"
    _steps_then_warning(content, 14)
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(content), "-f", "handout", "-o", str(out)).exit_code == 0
    pdf = out / "en" / "kt-handout.pdf"
    warning = _pages_with(pdf, "Before the last step")
    assert warning and warning == _pages_with(pdf, "Step 14 -")  # the last step went along with it

    # Without the keep-together rules (a --templates override of the style sheet), the same guide does put the
    # warning alone at the top of the next page: the layout above is the rules' doing.
    override = tmp_path / "templates"
    override.mkdir()
    css = (ROOT / "templates" / "guide.css").read_text(encoding="utf-8")
    (override / "guide.css").write_text(css.replace(".callout { break-before: avoid; }", ""), encoding="utf-8")
    loose = tmp_path / "loose"
    assert run_cli("build", "--content", str(content), "-f", "handout", "-o", str(loose),
                   "--templates", str(override)).exit_code == 0
    loose_pdf = loose / "en" / "kt-handout.pdf"
    assert _pages_with(loose_pdf, "Before the last step") != _pages_with(loose_pdf, "Step 14 -")


def test_plain_language_hints_are_warnings_or_errors_with_strict(tmp_path: Path) -> None:
    content = tmp_path / "content"
    assert run_cli("new", "hints", "--lang", "en", "--content", str(content)).exit_code == 0
    guide = content / "hints" / "guide.yaml"
    text = guide.read_text(encoding="utf-8")
    long_sentence = " ".join(["word"] * 30) + "."
    text = text.replace("<The first thing to do, as an instruction.>", "Open the app and then choose Settings.")
    text = text.replace("<Plain words, short sentences. **Bold** for what must not be missed.>", long_sentence)
    text = text.replace("        - <Then this>\n", "".join(f"        - Item {i}\n" for i in range(7)))
    guide.write_text(text, encoding="utf-8")
    check = run_cli("check", "--content", str(content))
    assert check.exit_code == 0, check.output
    assert "why.1.text: a sentence of 30 words; plain language keeps them under 26" in check.stderr
    assert "before.prepare.steps.1.text: one instruction per step: this one chains two ('and then')" in check.stderr
    assert "8 items in one list; keep it to 7 or fewer" in check.stderr
    assert check.stderr.count("warning: ") == 3 and "guide.yaml:" in check.stderr
    strict = run_cli("check", "--strict", "--content", str(content))
    assert strict.exit_code == 1 and strict.stderr.count("error: ") == 3


def test_chinese_sentences_are_measured_in_characters(tmp_path: Path) -> None:
    content = tmp_path / "content"
    assert run_cli("new", "hints", "--lang", "zh-CN", "--content", str(content)).exit_code == 0
    guide = content / "hints" / "guide.yaml"
    text = guide.read_text(encoding="utf-8").replace(
        "<Plain words, short sentences. **Bold** for what must not be missed.>",
        "在浏览器的地址栏里自己输入官方网址并且仔细核对每一个字母然后再登录你的账户以免进入钓鱼网站。")
    guide.write_text(text, encoding="utf-8")
    check = run_cli("check", "--content", str(content))
    assert "why.1.text: a sentence of 46 characters; plain language keeps them to 40" in check.stderr
    assert "chains two" not in check.stderr  # a paragraph is not a step


def test_no_lone_last_word_in_headings() -> None:
    from generator.i18n.localize import SourceText
    from generator.render.inline import no_lone_last_word

    assert (
        no_lone_last_word("如何注销不再使用的 {provider} eSIM 号码") == "如何注销不再使用的 {provider} eSIM 号\u2060码"
    )
    assert no_lone_last_word("为什么要注销不用的号码？") == "为什么要注销不用的号\u2060码？"
    assert no_lone_last_word("How to cancel a line you no longer use") == "How to cancel a line you no longer\u00a0use"
    assert no_lone_last_word("Money") == "Money"
    untranslated = SourceText("注销之前", "zh-CN")
    assert no_lone_last_word(untranslated) is untranslated  # keeps its language mark


@pytest.mark.parametrize("language, options, variant", [
    ("zh-CN", ["--booklet"], "booklet"),  # A5 pages: the title broke as "…eSIM 号" / "码"
    ("en", ["--paper", "a5", "--large-print"], "a5-large"),
    ("ar", ["--paper", "a5", "--large-print"], "a5-large"),
])
def test_title_never_ends_on_a_lone_word_or_character(tmp_path: Path, language: str, options: list[str],
                                                      variant: str) -> None:
    """Small pages break the title; its last line holds two words (two characters in Chinese) at least."""
    import re
    import subprocess

    from conftest import CONTENT
    from generator.fonts.stacks import is_cjk

    out = tmp_path / "out"
    assert run_cli("build", "--content", str(CONTENT), "-l", language, "-f", "handout", *options,
                   "-o", str(out)).exit_code == 0
    pdf = out / language / f"esim-cancel-handout-{variant}.pdf"
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = [(float(y0), float(y1) - float(y0), word) for y0, y1, word in
             re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html)]
    tallest = max(height for _, height, _ in words)
    title = [(y, word) for y, height, word in words if height > tallest - 0.5]
    lines = sorted({round(y) for y, _ in title})
    assert len(lines) >= 2, title  # the title does break at this size
    last = [word for y, word in title if round(y) == lines[-1]]
    if is_cjk(language):  # no spaces: two characters at least
        assert len("".join(last)) >= 2, last
    else:
        assert len(last) >= 2, last


@pytest.mark.parametrize("device", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_new_and_check_refuse_a_windows_device_name_as_guide_id(tmp_path: Path, device: str) -> None:
    """A guide id becomes a file name; ``con`` and its kin cannot be written on Windows and once aborted the build."""
    content = tmp_path / "content"
    made = run_cli("new", device, "--lang", "en", "--content", str(content))
    assert made.exit_code == 1 and "device name on Windows" in made.stderr and "Traceback" not in made.output
    assert not (content / device).exists()
    assert run_cli("new", "fine", "--lang", "en", "--content", str(content)).exit_code == 0
    guide = content / "fine" / "guide.yaml"
    text = guide.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("id: "))
    guide.write_text(text.replace("id: fine ", f"id: {device} ", 1), encoding="utf-8")
    check = run_cli("check", "--content", str(content))
    assert check.exit_code == 1 and "device name on Windows" in check.output, check.output
    assert f"guide.yaml:{line}" in check.output and "Traceback" not in check.output


def test_reserved_names_match_any_case_and_extension() -> None:
    from generator.content.model import reserved_name
    assert all(reserved_name(n) for n in ("CON", "Nul.txt", "com1.tar.gz", "LPT3", "aux"))
    assert not any(reserved_name(n) for n in ("console", "com", "lpt10", "nul-x", "icon", "prn2"))
