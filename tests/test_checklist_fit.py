"""The checklist is one page: type steps down to a floor, then two columns, then the build fails saying by how much."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, pdf_reader, pdf_words, pdftotext, run_cli, squeeze

GUIDE = Path("esim-cancel") / "guide.yaml"


TEXT = {"zh-CN": "在支付和银行 App 里解绑这个号码，然后再检查一遍",
        "en": "Unlink this number in your payment and banking apps, then check again"}
PAGE_POINTS = {"a4": (595, 842), "letter": (612, 792), "a5": (420, 595)}


def _with_groups(content: Path, groups: int, items: int, language: str = "zh-CN") -> None:
    """Replace the checklist with a long one written in ``language`` (made the source; catalogs removed)."""
    guide = content / GUIDE
    source = guide.read_text(encoding="utf-8")
    head = source[:source.index("checklist:")].replace("source_language: zh-CN", f"source_language: {language}")
    lines = ["checklist:", "  title: Long checklist" if language == "en" else "  title: 很长的检查清单", "  groups:"]
    for g in range(groups):
        lines += [f"    - id: group-{g}", f"      title: Group {g + 1}", "      items:"]
        lines += [f"        - {TEXT[language]} {i}" for i in range(items)]
    guide.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(content / "esim-cancel" / "locales")


def _build(content: Path, out: Path, language: str, paper: str, *extra: str,  # type: ignore[no-untyped-def]
           guide: str = "esim-cancel"):
    return run_cli("build", guide, "--content", str(content), "--lang", language, "-f", "checklist",
                   "--paper", paper, *extra, "-o", str(out))


def _pdf(out: Path, language: str, paper: str) -> Path:
    suffix = "" if paper == "a4" else f"-{paper}"
    return out / language / f"esim-cancel-checklist{suffix}.pdf"


@pytest.mark.parametrize("language, paper, groups, items", [("zh-CN", "a5", 2, 6), ("en", "letter", 2, 6)])
def test_long_checklist_steps_its_type_down(content_copy: Path, tmp_path: Path, language: str, paper: str,
                                            groups: int, items: int) -> None:
    _with_groups(content_copy, groups, items, language)
    result = _build(content_copy, tmp_path / "out", language, paper)
    assert result.exit_code == 0, result.output
    size = float(result.stdout.split("page, ")[1].split(" pt")[0])
    assert (10.5 if language == "zh-CN" else 11) <= size < 14
    assert "two columns" not in result.stdout
    reader = pdf_reader(_pdf(tmp_path / "out", language, paper))
    assert len(reader.pages) == 1
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == list(PAGE_POINTS[paper])


@pytest.mark.parametrize("language, paper, groups, items", [
    ("zh-CN", "a5", 2, 8), ("zh-CN", "letter", 3, 8), ("en", "a5", 2, 6), ("en", "letter", 3, 8)])
def test_longer_checklist_goes_to_two_columns(content_copy: Path, tmp_path: Path, language: str, paper: str,
                                              groups: int, items: int) -> None:
    _with_groups(content_copy, groups, items, language)
    result = _build(content_copy, tmp_path / "out", language, paper)
    assert result.exit_code == 0, result.output
    assert "two columns" in result.stdout
    pdf = _pdf(tmp_path / "out", language, paper)
    assert len(pdf_reader(pdf).pages) == 1
    # Two columns: items start at two distinct distances from the left edge, a column apart.
    first_word = TEXT[language].split()[0]
    starts = [x for word, x, _ in pdf_words(pdf) if word == first_word]
    assert len(starts) == groups * items
    assert max(starts) - min(starts) > PAGE_POINTS[paper][0] / 3
    text = squeeze(pdftotext(pdf))
    assert text.index(squeeze(f"{TEXT[language]} 0")) < text.index(squeeze(f"{TEXT[language]} {items - 1}"))


@pytest.mark.parametrize("language, paper, floor", [("zh-CN", "letter", "10.5"), ("en", "a5", "11")])
def test_checklist_that_cannot_fit_fails_clearly(content_copy: Path, tmp_path: Path, language: str, paper: str,
                                                 floor: str) -> None:
    _with_groups(content_copy, 6, 9, language)
    out = tmp_path / "out"
    result = _build(content_copy, out, language, paper)
    assert result.exit_code == 1
    assert f"checklist does not fit on one page even at {floor} pt in two columns" in result.stderr
    assert "% of a page too much" in result.stderr
    assert not _pdf(out, language, paper).exists()


def test_large_print_checklist_never_goes_below_18_pt(content_copy: Path, tmp_path: Path) -> None:
    result = _build(CONTENT, tmp_path / "out", "en", "letter", "--large-print")
    assert result.exit_code == 0, result.output
    size = float(result.stdout.split("page, ")[1].split(" pt")[0])
    assert size >= 18
    too_long = _build(CONTENT, tmp_path / "out", "en", "a5", "--large-print")
    assert too_long.exit_code == 1
    assert "even at 18 pt in two columns" in too_long.stderr


@pytest.mark.parametrize("command", [["--help"], ["check", "--content", str(CONTENT)],
                                     ["languages", "--content", str(CONTENT)], ["i18n", "status", "--content",
                                                                                 str(CONTENT)]])
def test_commands_that_do_not_render_do_not_import_weasyprint(command: list[str]) -> None:
    code = ("import sys; from generator.cli.main import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('WEASYPRINT' if 'weasyprint' in sys.modules else 'CLEAN')")
    result = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "CLEAN", result.stdout + result.stderr


@pytest.mark.parametrize("factor", [1, 2])
def test_a_checklist_far_too_long_is_given_up_after_three_layouts(content_copy: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   factor: int) -> None:
    """One column at the start size (the floor would be over a page even if the content shrank as fast as it
    can), two columns at the size that layout predicts (the floor); then, without the record, two columns at the
    floor: leaving it out does not make room."""
    import yaml

    from generator.render.pdf import Renderer

    guide_file = content_copy / GUIDE
    guide = yaml.safe_load(guide_file.read_text(encoding="utf-8"))
    assert guide["checklist"]["record"]
    items = [item for group in guide["checklist"]["groups"] for item in group["items"]]
    guide["checklist"]["groups"] = [
        {"id": f"group-{g}", "title": f"第 {g + 1} 组",
         "items": ["，".join([items[(g * 9 + i) % len(items)]] * factor) for i in range(9)]} for g in range(6)]
    guide_file.write_text(yaml.safe_dump(guide, allow_unicode=True), encoding="utf-8")
    layouts = []
    original = Renderer.layout
    monkeypatch.setattr(Renderer, "layout", lambda self, *a, **k: layouts.append(1) or original(self, *a, **k))
    result = _build(content_copy, tmp_path / "out", "zh-CN", "a4")
    assert result.exit_code == 1
    assert "checklist does not fit on one page even at 10.5 pt in two columns" in result.stderr
    assert len(layouts) == 3, layouts
