"""The worker model: no worker can inherit a lock held by another thread, and every wait on a worker is bounded
by its parent (build, the desk's pool, watch)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CONTENT

ROUNDS = 20  # pools started and closed, two workers each: about 40 worker starts


@pytest.fixture
def fontconfig_hammered() -> Iterator[None]:
    """Threads of this process loading fontconfig's configuration and caches over and over, so that at any
    moment one of them may hold fontconfig's cache lock (a fork then copies it held)."""
    name = ctypes.util.find_library("fontconfig")
    assert name, "libfontconfig is not installed"
    fontconfig = ctypes.CDLL(name)
    fontconfig.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fontconfig.FcConfigDestroy.argtypes = [ctypes.c_void_p]
    done = threading.Event()

    def hammer() -> None:
        while not done.is_set():  # ctypes releases the GIL around each call: the forks happen mid-call
            fontconfig.FcConfigDestroy(fontconfig.FcInitLoadConfigAndFonts())

    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=30)


def test_pools_start_and_retire_while_a_thread_hammers_fontconfig(tmp_path: Path, fontconfig_hammered: None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The hang of a fresh clone's `make test`: a pool started from a threaded process forked workers that
    inherited fontconfig's lock held, and waited on them forever. Workers come from the fork server now,
    which never runs a second thread, so every document is built; a worker forked from this process would
    hang (here: time out) within a few dozen starts."""
    from generator.produce import workers
    from generator.produce.jobs import Job
    from generator.produce.workers import BuildSettings

    monkeypatch.setattr(workers, "JOBS_PER_WORKER", 1)  # retire after each document: a fresh start each time
    settings = BuildSettings(content_dir=CONTENT, guides=("esim-cancel",), out_dir=tmp_path / "out", timeout=10.0)
    failed = []
    for round_ in range(ROUNDS):
        jobs = [Job("esim-cancel", language, "checklist") for language in ("en", "fr")]
        results = workers.WorkerPool(settings, 2).run(jobs, lambda result: None)
        failed += [f"round {round_}: {r.job.label}: {r.error}" for r in results if not r.ok]
        if failed:
            break
    assert failed == []


def test_a_stopped_desk_worker_costs_its_deadline_and_the_next_document_is_built(tmp_path: Path) -> None:
    """SIGSTOP the desk pool's worker: the request waits no longer than the deadline (time limit + grace),
    gets "timed out", and the next request is built by a fresh worker."""
    from generator.produce.jobs import Job
    from generator.produce.renderpool import RenderPool
    from generator.produce.worker_loop import GRACE_SECONDS, BuildSettings

    settings = BuildSettings(content_dir=CONTENT, guides=("esim-cancel",), out_dir=tmp_path / "out", timeout=6.0)
    pool = RenderPool(settings, 1)
    try:
        assert pool.build(Job("esim-cancel", "en", "checklist")).ok
        [pid] = pool.worker_pids
        os.kill(pid, signal.SIGSTOP)
        started = time.monotonic()
        stuck = pool.build(Job("esim-cancel", "fr", "checklist"))
        waited = time.monotonic() - started
        assert f"timed out after {6.0 + GRACE_SECONDS:g} s" in stuck.error
        assert waited < 6.0 + GRACE_SECONDS + 10  # bounded; without the deadline it never returns
        assert not _alive(pid)
        again = pool.build(Job("esim-cancel", "fr", "checklist"))
        assert again.ok, again.error
        assert pool.worker_pids != [pid]
        assert not list((tmp_path / "out").rglob("*.tmp"))
    finally:
        pool.close(wait=True)


def test_a_stopped_desk_worker_fails_the_card_within_its_deadline(tmp_path: Path) -> None:
    """The language card is laid out in a desk worker too, under the same deadline."""
    from generator.errors import GuidegenError
    from generator.produce.jobs import Job
    from generator.produce.renderpool import RenderPool
    from generator.produce.worker_loop import BuildSettings

    settings = BuildSettings(content_dir=CONTENT, guides=(), out_dir=tmp_path / "out", timeout=8.0)
    pool = RenderPool(settings, 1)
    try:
        assert pool.build(Job("esim-cancel", "en", "checklist")).ok
        [pid] = pool.worker_pids
        os.kill(pid, signal.SIGSTOP)
        with pytest.raises(GuidegenError, match="language card .*timed out after 13 s"):
            pool.card("a4")
        card = pool.card("a4")  # a fresh worker
        assert card.is_file() and card.read_bytes().startswith(b"%PDF")
    finally:
        pool.close(wait=True)


def test_watch_bounds_its_wait_on_a_stopped_worker(content_copy: Path, tmp_path: Path) -> None:
    """`guidegen watch`'s worker stopped mid-session: that edit's document times out, the next edit is built."""
    from generator.produce.batch import BuildRequest
    from generator.produce.watch import Watch

    guide = content_copy / "esim-cancel" / "guide.yaml"
    request = BuildRequest(content=content_copy, output=tmp_path / "out", guides=("esim-cancel",), languages=("en",),
                           formats=("checklist",), timeout=6.0)
    lines: list[str] = []
    state = Watch(request, lambda text, err: lines.append(text))
    try:
        assert state.once().built == 1
        assert state.pool is not None
        [pid] = state.pool.worker_pids
        os.kill(pid, signal.SIGSTOP)
        guide.write_text(guide.read_text(encoding="utf-8").replace("provider: Heyon", "provider: Alphacom"),
                         encoding="utf-8")
        assert state.once().failed == 1
        assert any("timed out after 11 s" in line for line in lines), lines
        guide.write_text(guide.read_text(encoding="utf-8").replace("provider: Alphacom", "provider: Betacom"),
                         encoding="utf-8")
        assert state.once().built == 1
    finally:
        state.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_the_fork_server_imports_this_package_not_one_in_the_working_folder(tmp_path: Path) -> None:
    """Python 3.11's fork server ignores its parent's sys.path and would look in its working folder first:
    a folder there named ``generator`` (someone's own project) must not be what the workers run."""
    import subprocess
    import sys

    impostor = tmp_path / "generator"
    impostor.mkdir()
    (impostor / "__init__.py").write_text("raise SystemExit('the wrong generator package was imported')\n")
    guidegen = Path(sys.executable).with_name("guidegen")
    result = subprocess.run([str(guidegen), "build", "esim-cancel", "--content", str(CONTENT), "-l", "en",
                             "-f", "checklist", "--paper", "a4", "--paper", "letter", "-j", "2",
                             "-o", str(tmp_path / "out")], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 built, 0 up to date, 0 failed" in result.stdout


def test_workers_take_the_environment_of_the_process_that_asks(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork server keeps the environment it was started with; a worker takes the asking process's, as a
    fork of it would (SOURCE_DATE_EPOCH set after the server started dates the PDFs)."""
    from pypdf import PdfReader

    from generator.produce import workers
    from generator.produce.jobs import Job
    from generator.produce.workers import BuildSettings

    def built(out: Path) -> list[str]:
        settings = BuildSettings(content_dir=CONTENT, guides=("esim-cancel",), out_dir=out)
        jobs = [Job("esim-cancel", language, "checklist") for language in ("en", "fr")]
        results = workers.WorkerPool(settings, 2).run(jobs, lambda result: None)
        assert all(result.ok for result in results), [result.error for result in results]
        return [PdfReader(result.path).metadata.creation_date.isoformat() for result in results]

    built(tmp_path / "first")  # the fork server runs from here on
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert [date[:19] for date in built(tmp_path / "second")] == ["2023-11-14T22:13:20"] * 2
