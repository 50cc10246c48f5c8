"""A linked template stylesheet is parsed once per process and given again to later documents
(render/patch_stylesheets.py): the same output, the template's edits still seen, its warnings still reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONTENT, ROOT, pdf_reader, pdftotext
from generator.produce.builder import Builder
from generator.produce.jobs import Job
from generator.i18n.library import load_library
from generator.render.formats import PrintOptions
from generator.render.templates import Templates

PAGE_POINTS = {"a4": [595, 842], "a5": [420, 595]}


@pytest.fixture
def own_templates(tmp_path: Path) -> Path:
    """A templates folder whose guide.css overrides the bundled one (a copy of it, to be edited)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "guide.css").write_bytes((ROOT / "templates" / "guide.css").read_bytes())
    return folder


def _builder(tmp_path: Path, templates: Templates) -> Builder:
    return Builder(load_library(CONTENT, ["esim-cancel"]), tmp_path / "out", templates)


def _build(builder: Builder, language: str, format_: str, paper: str = "a4", **options: object) -> Path:
    result = builder.build(Job("esim-cancel", language, format_, PrintOptions(paper=paper, **options)))  # type: ignore[arg-type]
    assert result.ok, result.error
    assert result.path is not None
    return result.path


def test_a_template_stylesheet_is_parsed_once_for_many_documents(tmp_path: Path, own_templates: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted where CSS is parsed (tinycss2, which WeasyPrint calls), not by a counter in our code."""
    import tinycss2

    guide_css = (ROOT / "templates" / "guide.css").read_text(encoding="utf-8")
    parsed: list[int] = []
    real = tinycss2.parse_stylesheet

    def counted(css: str, *args: object, **kwargs: object) -> object:
        if css.removeprefix("\ufeff").startswith(guide_css[:200]):
            parsed.append(1)
        return real(css, *args, **kwargs)

    monkeypatch.setattr(tinycss2, "parse_stylesheet", counted)
    stylesheet = own_templates / "guide.css"  # new to this process: its first document parses it
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + f"\n/* {tmp_path.name} */\n", encoding="utf-8")
    builder = _builder(tmp_path, Templates([own_templates]))
    _build(builder, "en", "handout", bleed_mm=3.0, marks=True)  # @page rules the next documents must not get
    before = len(parsed)
    for language, format_, paper in [("ar", "handout", "a4"), ("zh-CN", "checklist", "a5"), ("en", "checklist", "a4")]:
        pdf = _build(builder, language, format_, paper)
        # each document's own @page rules, none carried over from the one before
        assert all([round(float(v)) for v in page.mediabox[2:]] == PAGE_POINTS[paper] for page in pdf_reader(pdf).pages)
    assert before == 1 and len(parsed) == 1  # a checklist alone is laid out several times


def test_an_edited_stylesheet_is_seen_by_the_next_document(tmp_path: Path, own_templates: Path) -> None:
    builder = _builder(tmp_path, Templates([own_templates]))
    assert "EDITED-STYLE" not in pdftotext(_build(builder, "en", "handout"))
    css = own_templates / "guide.css"
    css.write_text(css.read_text(encoding="utf-8") + '\nh1::before { content: "EDITED-STYLE " }\n', encoding="utf-8")
    assert "EDITED-STYLE" in pdftotext(_build(builder, "en", "handout"))


def test_the_stylesheets_warnings_are_reported_for_every_document(tmp_path: Path, own_templates: Path) -> None:
    css = own_templates / "guide.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { frobnicate: 3 }\n", encoding="utf-8")
    builder = _builder(tmp_path, Templates([own_templates]))
    for language in ("en", "fr"):
        result = builder.build(Job("esim-cancel", language, "handout", PrintOptions()))
        assert result.ok, result.error
        assert any("frobnicate" in warning for warning in result.warnings), (language, result.warnings)
