"""Page images of built PDFs, for previews on screen (poppler's pdftoppm).

An image is written under a temporary name and renamed into place, like the
PDFs: a full disk or a killed pdftoppm never leaves half a PNG to be served.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

from generator.errors import GuidegenError

PREVIEW_DIR = ".previews"
TIMEOUT_SECONDS = 60
_guard = threading.Lock()
_locks: dict[Path, threading.Lock] = {}


def page_image(pdf: Path, out_dir: Path, page: int, dpi: int) -> Path:
    """A PNG of one page of ``pdf`` (1-based), made once per version of the PDF and kept under ``out_dir``."""
    if shutil.which("pdftoppm") is None:
        raise GuidegenError("previews need poppler's pdftoppm (Debian: apt-get install poppler-utils)")
    stat = pdf.stat()
    relative = pdf.resolve().relative_to(out_dir.resolve())
    folder = out_dir.resolve() / PREVIEW_DIR / relative.parent
    stem = f"{relative.stem}-{stat.st_mtime_ns}-{stat.st_size}-{dpi}dpi-p{page}"
    target = folder / f"{stem}.png"
    with _guard:
        lock = _locks.setdefault(target, threading.Lock())
    with lock:  # one pdftoppm per image; other images are made meanwhile
        if not target.is_file():
            _render(pdf, folder, relative.stem, stem, page, dpi)
    return target


def sweep_temporaries(out_dir: Path) -> int:
    """Remove the temporary images a desk killed mid-pdftoppm left behind (at start: none is being written);
    how many."""
    removed = 0
    for leftover in (out_dir / PREVIEW_DIR).rglob(".*.tmp*"):
        try:
            leftover.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def _render(pdf: Path, folder: Path, pdf_stem: str, stem: str, page: int, dpi: int) -> None:
    temporary = folder / f".{stem}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{pdf_stem}-*-{dpi}dpi-p{page}.png"):  # earlier versions of this PDF
            old.unlink(missing_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(temporary)], check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
        written = temporary.with_name(temporary.name + ".png")
        if not _complete_png(written):
            raise GuidegenError(f"pdftoppm wrote an incomplete image of page {page} (is the disk full?)")
        os.replace(written, folder / f"{stem}.png")
    except subprocess.CalledProcessError as error:
        problem = " ".join(error.stderr.decode(errors="replace").split()) or f"exit code {error.returncode}"
        raise GuidegenError(f"pdftoppm could not draw page {page}: {problem}") from None
    except subprocess.TimeoutExpired:
        raise GuidegenError(f"pdftoppm did not draw page {page} within {TIMEOUT_SECONDS} s") from None
    except OSError as error:
        raise GuidegenError(f"cannot write a page image in {PREVIEW_DIR}: {error.strerror}") from None
    finally:
        temporary.with_name(temporary.name + ".png").unlink(missing_ok=True)


def _complete_png(path: Path) -> bool:
    """The PNG signature at the start and the IEND chunk at the end: nothing was cut off."""
    with path.open("rb") as stream:
        head = stream.read(8)
        stream.seek(0, os.SEEK_END)
        if stream.tell() < 20:
            return False
        stream.seek(-12, os.SEEK_END)
        tail = stream.read(12)
    return head == b"\x89PNG\r\n\x1a\n" and tail[4:8] == b"IEND"
