"""Where documents go, and writing them so that no reader ever sees half a file."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from generator.errors import GuidegenError, OutputError
from generator.content.languages import is_valid_tag
from generator.content.model import ID_PATTERN, reserved_name

_ID = re.compile(ID_PATTERN)


def output_path(out_dir: Path, guide_id: str, language: str, format_: str, variant: str = "") -> Path:
    """``OUT/<language>/<guide>-<format>[-<variant>].pdf``, after checking every part is a safe name.

    ``variant`` names options that change the document (``letter``, ``a5-large``).
    """
    if (not _ID.match(guide_id) or not is_valid_tag(language) or not _ID.match(format_)
            or (variant and not _ID.match(variant)) or reserved_name(guide_id) or reserved_name(language)):
        raise GuidegenError(f"refusing an unsafe output name: {guide_id!r}, {language!r}, {format_!r}, {variant!r}")
    root = out_dir.resolve()
    path = (root / language / f"{guide_id}-{format_}{'-' + variant if variant else ''}.pdf").resolve()
    if not path.is_relative_to(root):
        raise GuidegenError(f"refusing to write outside {out_dir}: {path}")
    return path


def check_output_folder(out_dir: Path, content_dir: Path) -> None:
    """Refuse an output folder inside the content folder: its PDFs would become inputs of the next build."""
    out, content = out_dir.resolve(), content_dir.resolve()
    if out.is_relative_to(content):
        raise GuidegenError(f"the output folder {out_dir} is inside the content folder {content_dir}; "
                            "what is built there would count as content and every build would start over; "
                            "choose an output folder outside it (-o)")


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: Path, data: bytes) -> os.stat_result:
    """Write via a temporary file in the same folder and ``os.replace``: all or nothing.

    Returns the written file's stat (taken before it replaced ``path``), so a caller
    can later tell whether the file there is still the one it wrote.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=_temporary_prefix(path, os.getpid()), suffix=".tmp",
                                             dir=path.parent)
    except OSError as error:
        raise OutputError(f"cannot write to {path.parent}: {error.strerror}") from None
    try:
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            written = os.fstat(stream.fileno())
        os.replace(temporary, path)
        return written
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {error.strerror}") from None
        raise


def _temporary_prefix(path: Path, pid: int) -> str:
    return f".{path.name}.{pid}."


def remove_temporaries(path: Path, pid: int | None) -> None:
    """Remove what a writer process that died left of its temporary file for ``path``."""
    if pid is None or not path.parent.is_dir():
        return
    prefix = _temporary_prefix(path, pid)
    for leftover in path.parent.iterdir():
        if leftover.name.startswith(prefix) and leftover.name.endswith(".tmp"):
            leftover.unlink(missing_ok=True)
