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
