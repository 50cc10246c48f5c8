"""guidegen watch (issue 15): a warm process rebuilds exactly the documents whose inputs changed, shows content
errors as file:line:col and goes on; Ctrl-C ends it cleanly."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import pdftotext, run_cli

GUIDE = "esim-cancel"
PROVIDER = "provider: Heyon"


def _request(content: Path, out: Path, **options):  # type: ignore[no-untyped-def]
    from generator.produce.batch import BuildRequest

    return BuildRequest(content=content, output=out, guides=(GUIDE,), **options)


class _Lines:
    """What the loop says, kept in order."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, bool]] = []

    def __call__(self, text: str, err: bool) -> None:
        self.lines.append((text, err))

    def built(self) -> list[str]:
        return [text for text, _ in self.lines if " built " in text]

    def text(self) -> str:
        return "\n".join(text for text, _ in self.lines)


def test_only_the_documents_whose_inputs_changed_are_rebuilt(content_copy: Path, tmp_path: Path) -> None:
    from generator.produce.watch import watch

    out = tmp_path / "out"
    say = _Lines()
    guide = content_copy / GUIDE / "guide.yaml"
    french = content_copy / GUIDE / "locales" / "fr.po"
    seen: list[list[str]] = []

    def changes() -> Iterator[set[Path]]:
        seen.append(say.built())  # the first build: every document of the request
        say.lines.clear()
        yield {out / "en" / "esim-cancel-checklist.pdf"}  # our own writes: nothing to do
        seen.append(say.built())
        text = french.read_text(encoding="utf-8")
        french.write_text(text + '\nmsgctxt "unused"\nmsgid "x"\nmsgstr "y"\n', encoding="utf-8")
        yield {french}  # the French catalog: the French document only
        seen.append(say.built())
        say.lines.clear()
        yield {content_copy / "README-notes.txt"}  # nothing that shapes a document
        seen.append(say.built())
        guide.write_text(guide.read_text(encoding="utf-8").replace(PROVIDER, "provider: Zephyrcom"), encoding="utf-8")
        yield {guide}  # the guide: every language
        seen.append(say.built())
        say.lines.clear()

    state = watch(_request(content_copy, out, languages=("en", "fr"), formats=("checklist",)), changes(), say)
    first, own_writes, french_only, unrelated, everything = seen
    assert [re.sub(r"^\S+ ", "", line).split(" (")[0] for line in first] == [
        f"built   {out / 'en' / 'esim-cancel-checklist.pdf'}", f"built   {out / 'fr' / 'esim-cancel-checklist.pdf'}"]
    assert own_writes == [] and unrelated == []
    assert len(french_only) == 1 and "fr/esim-cancel-checklist.pdf" in french_only[0], french_only
    assert len(everything) == 2, everything
    assert all(re.match(r"\d\d:\d\d:\d\d built   .* in \d+\.\d\d s$", line) for line in first + everything)
    assert "Zephyrcom" in pdftotext(out / "en" / "esim-cancel-checklist.pdf")
    assert state.pool is None  # closed when the watch ended: its worker did not outlive it


def test_one_worker_is_kept_warm_for_the_whole_session(content_copy: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every edit is built by the same worker process (WeasyPrint, fonts and caches loaded once), which loads the
    library again each time; the watch's own process lays nothing out."""
    from generator.produce.watch import watch

    guide = content_copy / GUIDE / "guide.yaml"
    out = tmp_path / "out"
    pids: list[list[int]] = []
    state_of: list[object] = []

    def changes() -> Iterator[set[Path]]:
        for provider in ("Alpha", "Beta", "Gamma"):
            pids.append(state_of[0].pool.worker_pids)  # type: ignore[attr-defined]
            guide.write_text(re.sub(r"provider: \w+", f"provider: {provider}", guide.read_text(encoding="utf-8")),
                             encoding="utf-8")
            yield {guide}
            assert provider in pdftotext(out / "en" / "esim-cancel-checklist.pdf")
        pids.append(state_of[0].pool.worker_pids)  # type: ignore[attr-defined]

    say = _Lines()
    request = _request(content_copy, out, languages=("en",), formats=("checklist",))
    import generator.produce.watch as watching

    real = watching.Watch

    def kept(*args, **kwargs):  # type: ignore[no-untyped-def]
        state_of.append(real(*args, **kwargs))
        return state_of[0]

    monkeypatch.setattr(watching, "Watch", kept)
    watch(request, changes(), say)
    assert len(say.built()) == 4  # the first build and three edits
    assert len(pids) == 4 and len(pids[0]) == 1 and all(p == pids[0] for p in pids), pids
    assert pids[0][0] != os.getpid()


def test_errors_are_shown_as_file_line_col_and_the_watch_goes_on(content_copy: Path, tmp_path: Path) -> None:
    from generator.produce.watch import watch

    out = tmp_path / "out"
    guide = content_copy / GUIDE / "guide.yaml"
    good = guide.read_text(encoding="utf-8")
    say = _Lines()
    tried: list[int] = []

    def changes() -> Iterator[set[Path]]:
        say.lines.clear()
        guide.write_text(good.replace(PROVIDER, "provider: Heyon\n  bad key: [unclosed"), encoding="utf-8")
        yield {guide}
        tried.append(len(say.lines))
        yield {guide}  # saved again, still broken: the errors again, nothing built
        guide.write_text(good.replace(PROVIDER, "provider: Fixedcom"), encoding="utf-8")
        yield {guide}

    watch(_request(content_copy, out, languages=("en",), formats=("checklist",)), changes(), say)
    errors = [text for text, err in say.lines if err]
    assert errors and all(re.match(rf"{re.escape(str(guide))}:\d+:\d+: ", text) or
                          re.match(r".*guide\.yaml:\d+:\d+: ", text) for text in errors), errors
    assert tried and tried[0] >= 1
    assert len(say.built()) == 1 and "Fixedcom" in pdftotext(out / "en" / "esim-cancel-checklist.pdf")


def test_a_failed_document_is_tried_again_only_when_its_inputs_change(content_copy: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.produce.renderpool import RenderPool
    from generator.produce.watch import watch

    calls: list[str] = []
    real = RenderPool.build

    def counted(self, job):  # type: ignore[no-untyped-def]
        calls.append(job.label)
        return real(self, job)

    monkeypatch.setattr(RenderPool, "build", counted)
    guide = content_copy / GUIDE / "guide.yaml"
    catalog = content_copy / GUIDE / "locales" / "en.po"
    text = catalog.read_text(encoding="utf-8")
    title = re.search(r'msgctxt "checklist.title"\nmsgid "[^"]*"\nmsgstr "([^"]*)"', text)
    assert title
    catalog.write_text(text.replace(title.group(0), title.group(0).replace(title.group(1), "Title \U000F0041")),
                       encoding="utf-8")  # an invalid translation: fails the document
    notes = content_copy / "notes.txt"
    say = _Lines()

    def changes() -> Iterator[set[Path]]:
        notes.write_text("unrelated", encoding="utf-8")
        yield {notes}
        catalog.write_text(text, encoding="utf-8")
        yield {catalog}

    watch(_request(content_copy, tmp_path / "out", languages=("en",), formats=("checklist",)), changes(), say)
    assert calls == ["en/esim-cancel-checklist"] * 2  # failed, not retried for an unrelated change, fixed
    assert any("failed  en/esim-cancel-checklist" in text for text, _ in say.lines)
    assert len(say.built()) == 1
    assert guide.is_file()


def test_watch_is_a_command_with_builds_options() -> None:
    result = run_cli("watch", "--help")
    assert result.exit_code == 0
    for option in ("--lang", "--format", "--paper", "--output", "--brand", "--templates", "--param"):
        assert option in result.stdout, option


# --- the real thing: a subprocess, a file watcher, an edit, Ctrl-C ------------------------------------------------

def _reader(stream) -> queue.Queue[str]:  # type: ignore[no-untyped-def]
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in iter(stream.readline, ""):
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[str], pattern: str, seen: list[str], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r} within {timeout} s; output:\n{''.join(seen)}")


def test_guidegen_watch_rebuilds_an_edited_guide_and_stops_on_ctrl_c(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    guidegen = Path(sys.executable).with_name("guidegen")
    process = subprocess.Popen(
        [str(guidegen), "watch", GUIDE, "--content", str(content_copy), "-l", "en", "-f", "checklist", "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    seen: list[str] = []
    try:
        assert process.stdout is not None
        lines = _reader(process.stdout)
        _wait_for(lines, r"watching for changes", seen)
        pdf = out / "en" / "esim-cancel-checklist.pdf"
        assert "Zephyrcom" not in pdftotext(pdf)
        guide = content_copy / GUIDE / "guide.yaml"
        good = guide.read_text(encoding="utf-8")
        guide.write_text(good.replace(PROVIDER, "provider: Zephyrcom"), encoding="utf-8")
        _wait_for(lines, r"^\d\d:\d\d:\d\d built   .*esim-cancel-checklist\.pdf .* in \d+\.\d\d s$", seen)
        assert "Zephyrcom" in pdftotext(pdf)
        guide.write_text(good + "oops: [\n", encoding="utf-8")
        _wait_for(lines, r"guide\.yaml:\d+:\d+: ", seen)
        assert process.poll() is None  # an error does not end the watch
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        time.sleep(0.5)  # the reader thread reaches the end of the output
        while not lines.empty():
            seen.append(lines.get())
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "".join(seen)
    assert process.returncode == 0, output
    assert "Traceback" not in output and "stopped watching" in output


def test_an_edit_during_the_first_build_is_not_lost(content_copy: Path, tmp_path: Path) -> None:
    """The watcher starts before the first build: a guide saved while it runs is built again afterwards."""
    out = tmp_path / "out"
    guidegen = Path(sys.executable).with_name("guidegen")
    process = subprocess.Popen(
        [str(guidegen), "watch", GUIDE, "--content", str(content_copy), "-l", "en", "-f", "handout", "-f", "checklist",
         "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        _reader(process.stdout)  # drained, so the pipe never fills
        handout, checklist = out / "en" / "esim-cancel-handout.pdf", out / "en" / "esim-cancel-checklist.pdf"
        deadline = time.monotonic() + 60
        while not handout.exists():  # the first document is written, the second is being laid out
            assert time.monotonic() < deadline and process.poll() is None, "no first document"
            time.sleep(0.02)
        guide = content_copy / GUIDE / "guide.yaml"
        guide.write_text(guide.read_text(encoding="utf-8").replace(PROVIDER, "provider: Zephyrcom"), encoding="utf-8")
        while not all(path.exists() and "Zephyrcom" in pdftotext(path) for path in (handout, checklist)):
            assert time.monotonic() < deadline, "the edit made during the first build was lost"
            time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
