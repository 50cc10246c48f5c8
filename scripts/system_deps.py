#!/usr/bin/env python3
"""What guidegen needs from the system, checked by capability, not by package manager.

    python3 scripts/system_deps.py build   # fonts, Pango, HarfBuzz's subsetter: what building PDFs needs
    python3 scripts/system_deps.py test    # the above, plus what only the tests use (poppler, zbar, CUPS, Chromium,
                                           # Node.js, the fonts of the test-only scripts)

A need counts as met when the thing itself is found (fontconfig knows the font
family, the shared library loads, the command is on PATH), whichever way it was
installed. When something is missing: as root on a system with apt-get, the
Debian packages are installed; otherwise the exact command to run is printed
(Debian/Ubuntu), or the package names for Debian, Fedora and Homebrew, and the
exit code is 1. Standard library only: this runs before the virtual environment exists.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Need:
    what: str  # in words, for the message
    found: object  # () -> bool
    debian: str
    fedora: str
    homebrew: str


def _family(name: str) -> object:
    def found() -> bool:
        if shutil.which("fc-list") is None:
            return False
        out = subprocess.run(["fc-list", f":family={name}", "family"], capture_output=True, text=True, check=False)
        return bool(out.stdout.strip())
    return found


def _library(name: str) -> object:
    return lambda: ctypes.util.find_library(name) is not None


def _commands(*names: str) -> object:
    return lambda: all(shutil.which(name) or Path("/usr/sbin", name).exists() for name in names)


def _file(path: str) -> object:
    return lambda: Path(path).exists()


def _python_venv() -> bool:
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        return False
    return True


# The font families of the bundled guides' languages (tests/test_install.py keeps this list
# equal to generator.fonts.font_stack() of every bundled language).
FONT_FAMILIES = {
    "Noto Sans": ("fonts-noto-core", "google-noto-sans-fonts", "font-noto-sans"),
    "Noto Sans Arabic": ("fonts-noto-core", "google-noto-sans-arabic-fonts", "font-noto-sans-arabic"),
    "Noto Sans CJK SC": ("fonts-noto-cjk", "google-noto-sans-cjk-fonts", "font-noto-sans-cjk"),
    "Noto Sans CJK TC": ("fonts-noto-cjk", "google-noto-sans-cjk-fonts", "font-noto-sans-cjk"),
    "Noto Sans CJK KR": ("fonts-noto-cjk", "google-noto-sans-cjk-fonts", "font-noto-sans-cjk"),
    # Arrows, check marks, warning signs, telephone, envelope: after every script's own fonts.
    "Noto Sans Symbols": ("fonts-noto-core", "google-noto-sans-symbols-fonts", "font-noto-sans-symbols"),
    "Noto Sans Symbols2": ("fonts-noto-core", "google-noto-sans-symbols-2-fonts", "font-noto-sans-symbols-2"),
    "Noto Sans Math": ("fonts-noto-core", "google-noto-sans-math-fonts", "font-noto-sans-math"),
}

# The font families only the tests use: tests/fixtures/scripts-guide prints Hindi, Bengali, Tamil, Thai, Hebrew
# and Amharic (tests/test_extraction.py keeps this list equal to font_stack() of those languages, less the above).
TEST_FONT_FAMILIES = {
    "Noto Sans Devanagari": ("fonts-noto-core", "google-noto-sans-devanagari-fonts", "font-noto-sans-devanagari"),
    "Noto Sans Bengali": ("fonts-noto-core", "google-noto-sans-bengali-fonts", "font-noto-sans-bengali"),
    "Noto Sans Tamil": ("fonts-noto-core", "google-noto-sans-tamil-fonts", "font-noto-sans-tamil"),
    "Noto Sans Thai": ("fonts-noto-core", "google-noto-sans-thai-fonts", "font-noto-sans-thai"),
    "Noto Sans Hebrew": ("fonts-noto-core", "google-noto-sans-hebrew-fonts", "font-noto-sans-hebrew"),
    "Noto Sans Ethiopic": ("fonts-noto-core", "google-noto-sans-ethiopic-fonts", "font-noto-sans-ethiopic"),
}


def _node(major: int, minor: int) -> object:
    def found() -> bool:
        if shutil.which("node") is None or shutil.which("npm") is None:
            return False
        out = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
        try:
            version = tuple(int(part) for part in out.stdout.strip().lstrip("v").split(".")[:2])
        except ValueError:
            return False
        return version >= (major, minor)
    return found


BUILD = [
    Need("Python's venv and ensurepip", _python_venv, "python3-venv", "python3", "python"),
    Need("fontconfig (fc-list)", _commands("fc-list"), "fontconfig", "fontconfig", "fontconfig"),
    *(Need(f"font family '{family}'", _family(family), *packages) for family, packages in FONT_FAMILIES.items()),
    Need("Pango (libpango-1.0)", _library("pango-1.0"), "libpango-1.0-0", "pango", "pango"),
    Need("Pango's FreeType backend (libpangoft2-1.0)", _library("pangoft2-1.0"), "libpangoft2-1.0-0", "pango",
         "pango"),
    Need("HarfBuzz's subsetter (libharfbuzz-subset), fast font subsetting", _library("harfbuzz-subset"),
         "libharfbuzz-subset0", "harfbuzz", "harfbuzz"),
]

TEST = [
    Need("poppler's pdftotext, pdffonts, pdfinfo, pdftoppm", _commands("pdftotext", "pdffonts", "pdfinfo", "pdftoppm"),
         "poppler-utils", "poppler-utils", "poppler"),
    Need("zbarimg (decodes the printed QR codes)", _commands("zbarimg"), "zbar-tools", "zbar", "zbar"),
    Need("CUPS clients lp and lpstat", _commands("lp", "lpstat"), "cups-client", "cups-client", "cups"),
    Need("a CUPS server (cupsd, lpadmin) for a private test printer", _commands("cupsd", "lpadmin"), "cups", "cups",
         "cups"),
    Need("ipptool (reads print jobs back)", _commands("ipptool"), "cups-ipp-utils", "cups-ipp-utils", "cups"),
    Need("the cups-pdf virtual printer", _file("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"), "printer-driver-cups-pdf",
         "cups-pdf", "(not packaged: run the print tests on Linux)"),
    *(Need(f"font family '{family}'", _family(family), *packages) for family, packages in TEST_FONT_FAMILIES.items()),
    # tests/pdfjs: pdf.js, Firefox's PDF engine, reads the PDFs' text in the extraction tests (npm ci from its lock).
    # Debian 12's own nodejs is 18: a newer one (e.g. NodeSource's nodejs package) is needed there.
    Need("Node.js 20.19 or newer and npm (runs pdf.js in the text-extraction tests)", _node(20, 19), "nodejs npm",
         "nodejs npm", "node"),
    Need("Chromium and ChromeDriver (the desk page's browser test)", _commands("chromium", "chromedriver"),
         "chromium chromium-driver", "chromium chromedriver", "--cask chromium chromedriver"),
]


def missing(needs: list[Need]) -> list[Need]:
    return [need for need in needs if not need.found()]  # type: ignore[operator]


def report(absent: list[Need]) -> int:
    debian = sorted({package for need in absent for package in need.debian.split()})
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("installing:", " ".join(debian), flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *debian], check=True, env=env)
        still = missing(absent)
        if not still:
            return 0
        absent = still
    print("guidegen needs what this system does not have yet:", file=sys.stderr)
    for need in absent:
        print(f"  - {need.what}", file=sys.stderr)
    if shutil.which("apt-get"):
        print("Run as root:\n    apt-get update && apt-get install -y " + " ".join(debian), file=sys.stderr)
    else:
        for system, attribute, command in (("Fedora", "fedora", "dnf install"), ("Homebrew", "homebrew", "brew install")):
            names = sorted({p for need in absent for p in getattr(need, attribute).split() if not p.startswith("(")})
            print(f"{system}:\n    {command} {' '.join(names)}", file=sys.stderr)
        print("Debian/Ubuntu package names: " + " ".join(debian), file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in ("build", "test"):
        print(__doc__, file=sys.stderr)
        return 2
    needs = BUILD + (TEST if argv[1] == "test" else [])
    absent = missing(needs)
    return report(absent) if absent else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
