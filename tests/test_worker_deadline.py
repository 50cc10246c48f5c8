"""The parent bounds every wait on a worker itself: a worker blocked in C code or stopped never runs a signal
handler, so its own time limit cannot fire."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from conftest import CONTENT


def test_a_stopped_worker_costs_its_deadline_and_the_others_are_built(tmp_path: Path) -> None:
    """SIGSTOP a busy worker: the parent kills it at the document's deadline, reports that document as timed
    out, and builds the rest on a fresh worker."""
    from generator.produce.jobs import Job
    from generator.produce.worker_loop import GRACE_SECONDS, BuildSettings
    from generator.produce.workers import WorkerPool

    settings = BuildSettings(content_dir=CONTENT, guides=("esim-cancel",), out_dir=tmp_path / "out", timeout=20.0)
    jobs = [
        Job("esim-cancel", language, format_) for language in ("en", "fr", "es") for format_ in ("checklist", "handout")
    ]
    pool = WorkerPool(settings, 2)
    stopped: list[Job] = []

    def report(result: object) -> None:
        if not stopped:
            for worker in pool.workers:
                if worker.job is not None and worker.process.pid is not None:
                    os.kill(worker.process.pid, signal.SIGSTOP)
                    stopped.append(worker.job)
                    break

    started = time.monotonic()
    results = pool.run(jobs, report)
    elapsed = time.monotonic() - started
    assert stopped, "no worker was busy when a result came in"
    failed = [r for r in results if not r.ok]
    assert [r.job for r in failed] == stopped
    assert f"timed out after {20.0 + GRACE_SECONDS:g} s" in failed[0].error
    assert sorted(r.job.label for r in results if r.ok) == sorted(j.label for j in jobs if j not in stopped)
    assert not list((tmp_path / "out").rglob("*.tmp"))
    assert elapsed < 120  # a bound on the wait, not a speed goal: without a deadline it never ends
    assert pool.workers == [] and pool.retired == []


_BLOCKED_IN_C = """
import os
import signal
from generator.render import pdf

original = pdf.Renderer.layout


def blocked_in_c_for_handouts(self, html, *args):
    if 'class="handout' in html:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # its own time limit can never fire
        reader, _ = os.pipe()
        os.read(reader, 1)  # a read no one answers, in C
    return original(self, html, *args)


pdf.Renderer.layout = blocked_in_c_for_handouts
"""


def test_a_worker_blocked_in_c_is_killed_at_its_deadline_and_says_where_it_was(tmp_path: Path) -> None:
    """A worker whose own time limit cannot fire: the parent kills it at the deadline, and first has it write
    each thread's stack to stderr (faulthandler), so the operator sees where it was stuck."""
    import subprocess

    from conftest import guidegen_with_worker_patch

    out = tmp_path / "out"
    started = time.monotonic()
    result = subprocess.run([*guidegen_with_worker_patch(_BLOCKED_IN_C, tmp_path / "patch"), "build", "esim-cancel",
                             "--content", str(CONTENT), "--lang", "en", "--timeout", "2", "-j", "2", "-o", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "en/esim-cancel-handout: timed out after 7 s" in result.stdout + result.stderr
    assert "building en/esim-cancel-handout did not answer; where it was:" in result.stderr
    assert "in blocked_in_c_for_handouts" in result.stderr  # the worker's own stack
    assert (out / "en" / "esim-cancel-checklist.pdf").is_file()
    assert time.monotonic() - started < 90  # bounded by the deadline, not a speed goal


def test_a_fontconfig_that_does_not_answer_is_a_clear_error_at_its_deadline(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """fc-list is asked with a deadline of its own: a stuck fontconfig (a cache being rebuilt on a full disk,
    a hung NFS font folder) ends in a message saying what to do, never a wait without end."""
    import pytest

    from generator.fonts import fontconfig

    stuck = tmp_path / "fc-list"
    stuck.write_text("#!/bin/sh\nexec sleep 60\n")
    stuck.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(fontconfig, "FC_LIST_TIMEOUT", 0.5)
    fontconfig.family_faces.cache_clear()
    started = time.monotonic()
    try:
        with pytest.raises(fontconfig.FontconfigMissing, match="did not answer within 0.5 s.*fc-cache"):
            fontconfig.family_faces("Noto Sans Test Family")
    finally:
        fontconfig.family_faces.cache_clear()
    assert time.monotonic() - started < 10
