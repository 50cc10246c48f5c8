"""The checklist is one page: type steps down to a floor, then the build fails with how much is over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, pdf_reader, run_cli

GUIDE = Path("esim-cancel") / "guide.yaml"


def _with_groups(content: Path, groups: int, items: int, text: str) -> None:
    guide = content / GUIDE
    source = guide.read_text(encoding="utf-8")
    head = source[:source.index("checklist:")]
    lines = ["checklist:", "  title: 很长的检查清单", "  groups:"]
    for g in range(groups):
        lines += [f"    - id: group-{g}", f"      title: 第{g + 1}组", "      items:"]
        lines += [f"        - {text}{i}" for i in range(items)]
    guide.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    (content / "esim-cancel" / "locales").joinpath("en.po").unlink()  # keep the test in the source language


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_long_checklist_shrinks_to_fit(content_copy: Path, tmp_path: Path, paper: str) -> None:
    _with_groups(content_copy, 2, 8, "在支付和银行 App 里解绑这个号码，然后再检查一遍")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "--lang", "zh-CN", "-f", "checklist",
                     "--paper", paper, "-o", str(out))
    assert result.exit_code == 0, result.output
    size = float(result.stdout.split("page, ")[1].split(" pt")[0])
    assert 10.5 <= size < 14
    name = "esim-cancel-checklist.pdf" if paper == "a4" else f"esim-cancel-checklist-{paper}.pdf"
    assert len(pdf_reader(out / "zh-CN" / name).pages) == 1


def test_checklist_that_cannot_fit_fails_clearly(content_copy: Path, tmp_path: Path) -> None:
    _with_groups(content_copy, 6, 9, "在支付和银行 App 里解绑这个号码，然后再仔细检查一遍所有绑定的账户和服务是否都已经处理完毕")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content_copy), "--lang", "zh-CN", "-f", "checklist", "-o", str(out))
    assert result.exit_code == 1
    assert "checklist does not fit on one page even at 10.5 pt" in result.stderr
    assert "% of a page too much" in result.stderr
    assert not (out / "zh-CN" / "esim-cancel-checklist.pdf").exists()


@pytest.mark.parametrize("command", [["--help"], ["check", "--content", str(CONTENT)],
                                     ["languages", "--content", str(CONTENT)], ["i18n", "status", "--content",
                                                                                 str(CONTENT)]])
def test_commands_that_do_not_render_do_not_import_weasyprint(command: list[str]) -> None:
    code = ("import sys; from generator.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('WEASYPRINT' if 'weasyprint' in sys.modules else 'CLEAN')")
    result = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "CLEAN", result.stdout + result.stderr
