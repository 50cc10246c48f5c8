"""Page images of built PDFs, for previews on screen (poppler's pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

from generator.errors import GuidegenError

PREVIEW_DIR = ".previews"
_lock = threading.Lock()


def page_image(pdf: Path, out_dir: Path, page: int, dpi: int) -> Path:
    """A PNG of one page of ``pdf`` (1-based), made once per version of the PDF and kept under ``out_dir``."""
    if shutil.which("pdftoppm") is None:
        raise GuidegenError("previews need poppler's pdftoppm (Debian: apt-get install poppler-utils)")
    stat = pdf.stat()
    relative = pdf.resolve().relative_to(out_dir.resolve())
    folder = out_dir / PREVIEW_DIR / relative.parent
    stem = f"{relative.stem}-{stat.st_mtime_ns}-{stat.st_size}-{dpi}dpi-p{page}"
    target = folder / f"{stem}.png"
    with _lock:
        if not target.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob(f"{relative.stem}-*-{dpi}dpi-p{page}.png"):  # earlier versions of this PDF
                old.unlink(missing_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                            str(pdf), str(folder / stem)], check=True, capture_output=True, timeout=60)
    return target
