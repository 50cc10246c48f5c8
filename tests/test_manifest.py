"""The build record (.guidegen-cache.json): damage and concurrent builds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, run_cli

MANIFEST = ".guidegen-cache.json"
ONE = ("-l", "en", "-f", "checklist")


def _build(out: Path, *extra: str, content: Path = CONTENT):  # type: ignore[no-untyped-def]
    return run_cli("build", "esim-cancel", "--content", str(content), *ONE, "-o", str(out), *extra)


DAMAGE = {
    "invalid-json": b'{"version": 1, "documents": {',
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep-nesting-in-an-entry": b'{"version": 1, "documents": {"en/x.pdf": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
    "not-utf8": b'{"version": 1, "documents": {"\xff": {}}}',
    "top-level-list": b"[1, 2, 3]",
    "documents-a-list": b'{"version": 1, "documents": []}',
    "entry-a-string": b'{"version": 1, "documents": {"en/esim-cancel-checklist.pdf": "yes"}}',
    "key-a-number": b'{"version": 1, "documents": {"en/esim-cancel-checklist.pdf": '
                    b'{"key": 5, "size": 1, "mtime_ns": 1}}}',
    "size-a-string": b'{"version": 1, "documents": {"en/esim-cancel-checklist.pdf": '
                     b'{"key": "k", "size": "1", "mtime_ns": 1}}}',
    "size-a-boolean": b'{"version": 1, "documents": {"en/esim-cancel-checklist.pdf": '
                      b'{"key": "k", "size": true, "mtime_ns": 1}}}',
    "seconds-an-object": b'{"version": 1, "documents": {"en/esim-cancel-checklist.pdf": '
    b'{"key": "k", "size": 1, "mtime_ns": 1, "seconds": {}}}}',
    "version-a-list": b'{"version": [1], "documents": {}}',
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_manifest_is_a_warning_and_a_full_rebuild(tmp_path: Path, damage: str) -> None:
    out = tmp_path / "out"
    assert _build(out).exit_code == 0
    (out / MANIFEST).write_bytes(DAMAGE[damage])
    result = _build(out)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, RecursionError)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert MANIFEST in warnings[0] and "rebuilt" in warnings[0]
    assert "1 built, 0 up to date" in result.stdout
    again = _build(out)  # the record was written afresh
    assert "0 built, 1 up to date" in again.stdout and "warning" not in again.stderr


def test_manifest_that_is_a_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / MANIFEST).mkdir(parents=True)
    for _ in range(2):
        result = _build(out)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        assert "1 built, 0 up to date" in result.stdout
        assert "damaged build record" in result.stderr and "cannot save the build record" in result.stderr
        assert (out / "en" / "esim-cancel-checklist.pdf").is_file()
    assert [p.name for p in out.rglob("*.tmp")] == []


def _result(out: Path, name: str, key: str, data: bytes):  # type: ignore[no-untyped-def]
    """A JobResult as a build reports it after writing ``data``."""
    from generator.produce.jobs import Job, JobResult
    from generator.produce.outputs import write_atomic

    path = out / "en" / name
    written = write_atomic(path, data)
    return JobResult(Job("g", "en", "handout"), path=path.resolve(), key=key,
                     stamp={"size": written.st_size, "mtime_ns": written.st_mtime_ns})


def test_two_runs_merge_their_records(tmp_path: Path) -> None:
    from generator.produce.cache import Manifest

    out = tmp_path / "out"
    one, two = Manifest(out), Manifest(out)  # both read the (missing) record before either saves
    one.record(_result(out, "a.pdf", "key-a", b"a"))
    two.record(_result(out, "b.pdf", "key-b", b"b"))
    one.save()
    two.save()
    entries = Manifest(out).entries
    assert {name: entry["key"] for name, entry in entries.items()} == {"en/a.pdf": "key-a", "en/b.pdf": "key-b"}


def test_the_record_of_the_last_writer_stands(tmp_path: Path) -> None:
    """Run one writes a PDF, run two replaces it; whichever saves last, the record is run two's."""
    import os

    from generator.produce.cache import Manifest

    out = tmp_path / "out"
    for order in ((0, 1), (1, 0)):
        runs = [Manifest(out), Manifest(out)]
        first = _result(out, "a.pdf", "key-one", b"one")
        os.utime(out / "en" / "a.pdf", ns=(1, 1))  # clearly another stamp than the next write's
        first.stamp = {"size": 3, "mtime_ns": 1}
        runs[0].record(first)
        runs[1].record(_result(out, "a.pdf", "key-two", b"two!"))
        for index in order:
            runs[index].save()
        assert Manifest(out).entries["en/a.pdf"]["key"] == "key-two", order
        assert Manifest(out).fresh(out / "en" / "a.pdf", "key-two") is not None


def test_concurrent_forced_builds_forget_nothing(tmp_path: Path) -> None:
    """Two builds of a guide's documents into one folder at once; a third finds every one up to date."""
    languages = ("en", "ar", "zh-CN", "ru", "fr", "ko")  # four scripts, both directions: 12 documents a build
    documents = 2 * len(languages)  # handout and checklist
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "generator",
        "build",
        "esim-cancel",
        "--content",
        str(CONTENT),
        *(option for language in languages for option in ("-l", language)),
        "--force",
        "-j",
        "2",
        "-q",
        "-o",
        str(out),
    ]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stdout + stderr
        assert f"{documents} built" in stdout
    third = run_cli("build", "esim-cancel", "--content", str(CONTENT),
                    *(option for language in languages for option in ("-l", language)), "-o", str(out))
    assert f"0 built, {documents} up to date, 0 failed" in third.stdout, third.output
