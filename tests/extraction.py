"""Text of a PDF as five PDF engines extract it, and the share of strings found in it verbatim (issue 27).

Copy-paste, search and screen readers do not all run on poppler:

- ``poppler``: ``pdftotext`` in reading order (Evince, Okular, many Linux tools);
- ``pdfium``: PDFium's text API through pypdfium2 (Chrome, Edge);
- ``mupdf``: MuPDF through PyMuPDF (SumatraPDF, many mobile viewers);
- ``pdfjs``: pdf.js, ``getTextContent`` in node (Firefox), installed from ``tests/pdfjs/package-lock.json``;
- ``pdfminer``: pdfminer.six (search indexers).

Every extraction runs in a process of its own with a deadline, so an engine that hangs in C code fails the
test instead of blocking it. ``extract_<engine>(pdf)`` reads one file; ``extract_many(engine, pdfs)`` reads many
in one process (the report test reads a hundred files per engine).

The measure (``found``): a string counts as found when it occurs verbatim in the extracted text after NFKC, with
format and bidi controls (Unicode category Cf: LRM, RLM, isolates, ZWJ, ZWNJ, soft hyphen, word joiner) and every
white space removed, on both sides. A hyphen that an engine drops at a line end is a miss like any other;
``Share.hyphen_lost`` only counts how many of the misses come back when hyphens are ignored (PDFium writes
U+FFFE for a hyphen that ends a line: that too is a miss, counted there).

Run as a script (``python tests/extraction.py ENGINE FILE…``) it prints a JSON list of the files' texts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ENGINES = ("poppler", "pdfium", "mupdf", "pdfjs", "pdfminer")
ENGINE_NAMES = {"poppler": "poppler", "pdfium": "PDFium", "mupdf": "MuPDF", "pdfjs": "pdf.js", "pdfminer": "pdfminer"}
PDFJS = Path(__file__).resolve().parent / "pdfjs"
TIMEOUT = 60.0  # seconds for one file; extract_many allows this much per file, and at least 2 minutes in all
# For Share.hyphen_lost only: hyphens, and U+FFFE, which PDFium puts in place of a hyphen that ends a line.
_HYPHENS = str.maketrans("", "", "-\u2010\u2011\ufffe")


class ExtractionError(RuntimeError):
    pass


def _deadline(count: int) -> float:
    return max(120.0, TIMEOUT * count)


def _run(command: Sequence[str], count: int) -> str:
    try:
        done = subprocess.run(list(command), capture_output=True, timeout=_deadline(count), check=False)
    except subprocess.TimeoutExpired:
        raise ExtractionError(f"{command[0]}: no answer within {_deadline(count):.0f} s: {' '.join(command)}") from None
    if done.returncode != 0:
        raise ExtractionError(f"{' '.join(command[:3])}…: exit {done.returncode}: "
                              f"{done.stderr.decode('utf-8', 'replace')[-2000:]}")
    return done.stdout.decode("utf-8")


def extract_many(engine: str, pdfs: Sequence[Path]) -> list[str]:
    """The text of each of ``pdfs`` as ``engine`` extracts it, pages separated by form feeds."""
    if not pdfs:
        return []
    if engine == "poppler":  # pdftotext reads one file a process; it starts in milliseconds
        return [_run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], 1) for pdf in pdfs]
    if engine == "pdfjs":
        script = PDFJS / "extract.mjs"
        if not (PDFJS / "node_modules" / "pdfjs-dist").is_dir():
            raise ExtractionError(f"pdf.js is not installed in {PDFJS}: run 'make test' (npm ci there)")
        command = ["node", str(script), *map(str, pdfs)]
    elif engine in ("pdfium", "mupdf", "pdfminer"):
        command = [sys.executable, str(Path(__file__).resolve()), engine, *map(str, pdfs)]
    else:
        raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
    texts = json.loads(_run(command, len(pdfs)))
    assert isinstance(texts, list) and len(texts) == len(pdfs), (engine, len(texts))
    return [str(text) for text in texts]


def extract_poppler(pdf: Path) -> str:
    return extract_many("poppler", [pdf])[0]


def extract_pdfium(pdf: Path) -> str:
    return extract_many("pdfium", [pdf])[0]


def extract_mupdf(pdf: Path) -> str:
    return extract_many("mupdf", [pdf])[0]


def extract_pdfjs(pdf: Path) -> str:
    return extract_many("pdfjs", [pdf])[0]


def extract_pdfminer(pdf: Path) -> str:
    return extract_many("pdfminer", [pdf])[0]


def versions() -> dict[str, str]:
    """Each engine's version, as the README's table names them."""
    from importlib import metadata

    import pypdfium2

    poppler = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True, timeout=30).stderr.split()
    pdfjs = json.loads((PDFJS / "node_modules" / "pdfjs-dist" / "package.json").read_text(encoding="utf-8"))
    return {
        "poppler": poppler[2] if len(poppler) > 2 else "?",
        "pdfium": f"PDFium {pypdfium2.version.PDFIUM_INFO.tag} (pypdfium2 {metadata.version('pypdfium2')})",
        "mupdf": f"PyMuPDF {metadata.version('pymupdf')}",
        "pdfjs": f"pdfjs-dist {pdfjs['version']}",
        "pdfminer": f"pdfminer.six {metadata.version('pdfminer.six')}",
    }


def chromium_pdf(strings: Sequence[str], language: str, out: Path, scratch: Path) -> Path:
    """Chromium's own PDF (``--print-to-pdf``) of ``strings``, one paragraph each, with the language's ``lang``,
    ``dir`` and guidegen's font stack for it: the anchor that guidegen's figures are read against."""
    import html
    import shutil

    from generator.content.languages import direction
    from generator.fonts.stacks import font_stack

    families = ", ".join(f'"{family}"' for family in font_stack(language))
    paragraphs = "\n".join(f"<p>{html.escape(string)}</p>" for string in strings)
    page = scratch / f"strings-{language}.html"
    page.write_text(f'''<!DOCTYPE html>
<html lang="{language}" dir="{direction(language)}"><head><meta charset="utf-8"><title>{language}</title>
<style>body {{ font-family: {families}; font-size: 12pt; line-height: 1.5; }}</style></head>
<body>
{paragraphs}
</body></html>
''', encoding="utf-8")
    profile = scratch / f"chromium-profile-{language}"
    command = [shutil.which("chromium") or "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", f"--print-to-pdf={out}", "--no-pdf-header-footer",
               page.as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        raise ExtractionError(f"chromium: no PDF of {page} within 120 s") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0 or not out.is_file():
        raise ExtractionError(f"chromium: exit {done.returncode}, {out} not written: "
                              f"{done.stderr.decode('utf-8', 'replace')[-2000:]}")
    return out


# --- in the extraction process -------------------------------------------------------------------------------


def _pdfium_text(pdf: str) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            text_page = page.get_textpage()
            pages.append(text_page.get_text_range())  # FPDFText_GetText: what Chrome copies
            text_page.close()
            page.close()
        return "\f".join(pages)
    finally:
        document.close()


def _mupdf_text(pdf: str) -> str:
    import pymupdf

    with pymupdf.open(pdf) as document:
        return "\f".join(page.get_text("text") for page in document)


def _pdfminer_text(pdf: str) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(pdf)


_READERS = {"pdfium": _pdfium_text, "mupdf": _mupdf_text, "pdfminer": _pdfminer_text}


# --- the measure ---------------------------------------------------------------------------------------------


def comparable(text: str) -> str:
    """NFKC, without format and bidi controls (category Cf) and without any white space."""
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if not c.isspace() and unicodedata.category(c) != "Cf")


@dataclass(frozen=True)
class Share:
    found: int
    total: int
    hyphen_lost: int = 0  # misses found once hyphens are ignored on both sides (a hyphen lost at a line end)

    @property
    def percent(self) -> float:
        return 100.0 * self.found / self.total if self.total else 100.0

    def __add__(self, other: Share) -> Share:
        return Share(self.found + other.found, self.total + other.total, self.hyphen_lost + other.hyphen_lost)


def share_found(text: str, strings: Iterable[str]) -> tuple[Share, list[str]]:
    """How many of ``strings`` occur verbatim in ``text`` (see ``comparable``), and the ones that do not."""
    haystack = comparable(text)
    unhyphenated = haystack.translate(_HYPHENS)
    found = total = hyphen_lost = 0
    missing = []
    for string in strings:
        needle = comparable(string)
        if not needle:
            continue
        total += 1
        if needle in haystack:
            found += 1
        else:
            missing.append(string)
            hyphen_lost += needle != needle.translate(_HYPHENS) and needle.translate(_HYPHENS) in unhyphenated
    return Share(found, total, hyphen_lost), missing


if __name__ == "__main__":
    engine, files = sys.argv[1], sys.argv[2:]
    json.dump([_READERS[engine](file) for file in files], sys.stdout, ensure_ascii=False)
