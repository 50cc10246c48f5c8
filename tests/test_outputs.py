"""Output names are checked before they touch the disk; writes are all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.errors import GuidegenError
from generator.produce.outputs import output_path, write_atomic


def test_output_path_layout(tmp_path: Path) -> None:
    assert (
        output_path(tmp_path, "esim-cancel", "zh-CN", "handout")
        == (tmp_path / "zh-CN" / "esim-cancel-handout.pdf").resolve()
    )


@pytest.mark.parametrize("guide, language", [
    ("../../etc", "en"), ("esim-cancel", "en/../../x"), ("esim-cancel", "/abs"), ("a\x00b", "en"),
    ("esim-cancel", "a\x00b"), ("/etc", "en"), ("esim-cancel", ".."), ("con", "en"), ("esim-cancel", "CON"),
])
def test_unsafe_names_are_refused(tmp_path: Path, guide: str, language: str) -> None:
    with pytest.raises(GuidegenError):
        output_path(tmp_path, guide, language, "handout")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "en" / "doc.pdf"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(target.parent) == ["doc.pdf"]
    umask = os.umask(0o022)
    os.umask(umask)
    # mkstemp makes 0600 files; a PDF must get the mode any new file gets (a print server reads it)
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~umask)


def test_failed_write_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "doc.pdf"
    write_atomic(target, b"previous")

    def broken_replace(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(GuidegenError, match="No space left on device"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["doc.pdf"]
