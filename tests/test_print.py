"""guidegen print: build when needed, then a real CUPS job with the asked copies, media and sides."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from PIL import Image, ImageChops, ImageFilter, ImageStat

from conftest import CONTENT, pdf_reader, run_cli
from cups_server import PRINTER


def _job_id(output: str) -> str:
    return output.rsplit("job ", 1)[1].strip()


@pytest.mark.parametrize("language, format_, copies, paper, extra, media, sides", [
    ("ar", "checklist", 3, "a4", (), "A4", "one-sided"),
    ("zh-CN", "handout", 2, "letter", ("--duplex",), "Letter", "two-sided-long-edge"),
])
def test_print_sends_the_built_pdf_to_cups(cups, tmp_path: Path, language: str, format_: str, copies: int,  # type: ignore[no-untyped-def]
                                           paper: str, extra: tuple[str, ...], media: str, sides: str) -> None:
    out = tmp_path / "out"
    result = run_cli("print", "esim-cancel", "--content", str(CONTENT), "-o", str(out), "--lang", language,
                     "--format", format_, "--copies", str(copies), "--printer", PRINTER, "--paper", paper, *extra)
    assert result.exit_code == 0, result.output
    assert f"printing {copies} copies on {PRINTER}: job {PRINTER}-" in result.stdout
    job = _job_id(result.stdout)
    attributes = cups.job_attributes(job)
    assert attributes["job-state"] == "completed", cups.log()
    assert attributes["copies"] == str(copies)
    assert attributes["media"] == media
    assert attributes["sides"] == sides
    built = next(out.rglob(f"esim-cancel-{format_}*.pdf"))
    printed = cups.printed_file(job)
    try:
        assert len(pdf_reader(printed).pages) == len(pdf_reader(built).pages)
        # cups-pdf re-renders the job through PostScript and Ghostscript, which turns text into outlines:
        # compare the pages as slightly blurred images instead of their text. Glyphs drawn a little
        # differently stay close (about 0.15 of the ink); glyphs printed as boxes do not (about 0.5).
        for number, (ours, theirs) in enumerate(
            zip(_pages(built, tmp_path / "built"), _pages(printed, tmp_path / "printed"), strict=True), 1
        ):
            assert abs(ours.width - theirs.width) <= 2 and abs(ours.height - theirs.height) <= 2
            theirs = theirs.resize(ours.size)  # A4 is 595.28 pt wide here, 595 after Ghostscript
            difference = _difference(ours, theirs)
            ink = 255 - ImageStat.Stat(ours).mean[0]
            if ink == 0 and "--duplex" in extra and number == len(pdf_reader(built).pages):
                assert difference < 0.5, (number, difference)  # the blank page --duplex adds stays blank
                continue
            # ink > 1: not a blank page (a last page may hold only a short closing section)
            assert ink > 1 and difference < ink * 0.3, (number, difference, ink)
    finally:
        printed.unlink()


def _difference(ours: Image.Image, theirs: Image.Image) -> float:
    """Mean grey difference of two renderings, slightly blurred, at the best shift of up to 3 px
    (the print path may move the page by a pixel or two)."""
    blur = ImageFilter.GaussianBlur(1)
    ours, theirs = ours.filter(blur), theirs.filter(blur)
    return min(ImageStat.Stat(ImageChops.difference(ours, ImageChops.offset(theirs, dx, dy))).mean[0]
               for dx in range(-3, 4) for dy in range(-3, 4))


def _pages(pdf: Path, prefix: Path) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-gray", "-r", "72", "-png", str(pdf), str(prefix)], check=True,
                   stderr=subprocess.DEVNULL)  # Ghostscript's Type 3 glyphs make poppler chatty
    return [Image.open(p) for p in sorted(prefix.parent.glob(prefix.name + "-*.png"))]


def test_print_reuses_an_up_to_date_document(cups, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(CONTENT), "-o", str(out), "-l", "en", "-f", "checklist").exit_code == 0
    result = run_cli("print", "esim-cancel", "--content", str(CONTENT), "-o", str(out), "-l", "en",
                     "-f", "checklist", "--printer", PRINTER)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("current ")
    job = _job_id(result.stdout)
    assert cups.job_attributes(job)["job-state"] == "completed"
    cups.printed_file(job).unlink()


def test_copies_are_capped(cups, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("print", "esim-cancel", "--content", str(CONTENT), "-o", str(tmp_path), "--copies", "101",
                     "--printer", PRINTER)
    assert result.exit_code == 1
    assert "101 copies is more than 100; add --allow-many" in result.stderr
    assert not list(tmp_path.rglob("*.pdf"))


def test_unknown_printer_is_one_line(cups, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("print", "esim-cancel", "--content", str(CONTENT), "-o", str(tmp_path), "--printer", "nope")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: cannot print:")
    assert "lpstat -p" in result.stderr
    assert "lp: " in result.stderr and "/lp:" not in result.stderr  # no server path (the desk shows this text)


def test_no_cups_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat
    result = run_cli("print", "esim-cancel", "--content", str(CONTENT), "-o", str(tmp_path / "out"), "-l", "en",
                     "-f", "checklist")
    assert result.exit_code == 1
    assert "cannot print: CUPS's 'lp' command is missing" in result.stderr
    assert "Traceback" not in result.output
