"""Building jobs in worker processes: each imports WeasyPrint once and renders many documents.

The parent hands one job at a time to each idle worker over its own pipe, so it
always knows which document a worker is on. A worker that dies (killed, out of
memory, a crash in a C library) fails only that document: its temporary file is
removed, a fresh worker takes its place and the batch goes on. Where workers are
forked from a warm parent (Linux), each retires after ``JOBS_PER_WORKER``
documents and a fresh fork takes over, which keeps a worker's memory bounded.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from typing import TYPE_CHECKING

from generator.produce.jobs import Job, JobResult
from generator.produce.outputs import remove_temporaries

if TYPE_CHECKING:
    from generator.produce.builder import Builder


@dataclass(frozen=True, kw_only=True)
class BuildSettings:
    """Everything a worker needs to set up its own Builder (picklable, for any start method)."""

    content_dir: Path
    guides: tuple[str, ...]
    out_dir: Path
    template_dirs: tuple[Path, ...] = ()
    params: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    timeout: float = 120.0
    brand: Path | None = None

    def builder(self) -> Builder:
        """Runs in the worker: the rendering stack is imported there, not in the parent."""
        from generator.render.brand import load_brand
        from generator.produce.builder import Builder
        from generator.i18n.library import load_library
        from generator.render.templates import Templates

        library = load_library(self.content_dir, list(self.guides) or None)
        brand = load_brand(self.brand) if self.brand else None
        return Builder(library, self.out_dir, Templates(list(self.template_dirs), self.content_dir),
                       params=dict(self.params), strict=self.strict, timeout=self.timeout, brand=brand)


def _serve(settings: BuildSettings, connection: Connection, parent_pid: int, inherited: list[Connection],
           warm: Builder | None = None) -> None:
    """A worker's life: build each job it is sent until it is sent None, or its parent is gone.

    ``warm``: a Builder set up in the parent before the fork (library loaded, WeasyPrint imported,
    fonts set up); without it the worker makes its own from ``settings``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _exit_cleanly)  # so write_atomic can remove its temporary file
    for other in inherited:  # the parent's ends (of this pipe and the other workers'): its death must be seen
        other.close()
    die_with_parent(parent_pid)
    builder = warm or settings.builder()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        result = builder.build(job)
        try:
            connection.send(result)
        except OSError:
            return  # the parent is gone


_PR_SET_PDEATHSIG = 1


def fork_available() -> bool:
    """Workers are forked on Linux (they inherit a warm parent); elsewhere spawned (macOS forks unsafely)."""
    return sys.platform == "linux"


def retiring_safe() -> bool:
    """Whether a worker may be replaced by a fresh fork in the middle of a build: only forked workers, and only
    from a process running no other thread (a fork can inherit a lock another thread held: the child hangs)."""
    return fork_available() and threading.active_count() == 1


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel send SIGTERM to this process when its parent dies (Linux); exit now if it already has.

    SIGTERM, not SIGKILL: the handler above lets a document being written remove its
    temporary file. Elsewhere, a worker notices the parent's death at its next job
    (end of file on its pipe).
    """
    if sys.platform != "linux":
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # it died before prctl took effect
        raise SystemExit(128 + signal.SIGTERM)


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


GRACE_SECONDS = 5.0  # past a document's own time limit, how long the parent waits before killing the worker
JOBS_PER_WORKER = 40  # then a fresh worker takes over: WeasyPrint's process grows about 1 MB a document


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    job: Job | None = None
    since: float = 0.0  # when it was given its job (time.monotonic)
    done: int = 0  # documents built


@dataclass
class WorkerPool:
    """Runs jobs on ``size`` worker processes; results are reported as they arrive."""

    settings: BuildSettings
    size: int
    warm: Builder | None = None  # forked workers start from it (Linux); see _serve
    jobs_per_worker: int = field(default_factory=lambda: JOBS_PER_WORKER)  # where forked (spawned ones start cold)
    workers: list[_Worker] = field(default_factory=list)
    retired: list[_Worker] = field(default_factory=list)  # told to exit, not yet joined

    def run(self, jobs: list[Job], report: Callable[[JobResult], None],
            stop: Callable[[], bool] = lambda: False) -> list[JobResult]:
        queue = deque(jobs)
        results: list[JobResult] = []
        try:
            for _ in range(min(self.size, len(jobs))):
                self._start()
            while any(w.job for w in self.workers) or (queue and not stop()):
                for worker in self.workers:
                    if worker.job is None and queue and not stop():
                        worker.job, worker.since = queue.popleft(), time.monotonic()
                        worker.connection.send(worker.job)
                busy = [w for w in self.workers if w.job is not None]
                ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy],
                             timeout=self._time_left(busy))
                for worker in busy:
                    result = self._collect(worker, ready) or self._overdue(worker)
                    if result is not None:
                        report(result)
                        results.append(result)
                        if worker.done >= self.jobs_per_worker and retiring_safe():
                            self._retire(worker)  # forked from the warm parent, a fresh one costs little
                while queue and not stop() and len(self.workers) < min(self.size, len(queue)):
                    self._start()  # in place of one that died or retired
        finally:
            self.close()
        return results

    @property
    def deadline(self) -> float | None:
        """Seconds the parent waits for one document before it kills the worker (None: no limit asked for)."""
        return self.settings.timeout + GRACE_SECONDS if self.settings.timeout > 0 else None

    def _time_left(self, busy: list[_Worker]) -> float | None:
        """How long the parent may wait before the first busy worker's deadline (None: no deadline)."""
        if self.deadline is None or not busy:
            return None
        return max(0.0, min(w.since for w in busy) + self.deadline - time.monotonic())

    def _overdue(self, worker: _Worker) -> JobResult | None:
        """Past its deadline with no answer (blocked in C code, stopped): the parent kills the worker, whose own
        time limit (a signal handler) cannot run, and fails its document; a fresh worker takes its place."""
        job = worker.job
        if job is None or self.deadline is None or time.monotonic() - worker.since < self.deadline:
            return None
        worker.process.kill()  # SIGKILL ends a stopped process too
        worker.process.join(timeout=5)
        self.workers.remove(worker)
        worker.connection.close()
        if worker.process.pid is not None:
            remove_temporaries(job.output(self.settings.out_dir), worker.process.pid)
        return JobResult(job, error=f"timed out after {self.deadline:g} s: the worker did not answer and was stopped")

    def _collect(self, worker: _Worker, ready: list[object]) -> JobResult | None:
        """The worker's result if it has one, or a failure if it died on its job."""
        assert worker.job is not None
        job = worker.job
        if worker.connection in ready:
            try:
                result: JobResult = worker.connection.recv()
                worker.job = None
                worker.done += 1
                return result
            except (EOFError, OSError):
                pass  # it died while sending: handled below
        if worker.process.sentinel in ready or not worker.process.is_alive():
            worker.process.join(timeout=5)
            self.workers.remove(worker)
            worker.connection.close()
            remove_temporaries(job.output(self.settings.out_dir), worker.process.pid)
            return JobResult(job, error=f"the worker process died while building it ({_exit_reason(worker.process)})")
        return None

    def _start(self) -> None:
        parent, child = multiprocessing.Pipe()
        forked = fork_available()
        context = multiprocessing.get_context("fork" if forked else "spawn")
        # A forked worker inherits every connection the parent holds; it closes all but its own.
        inherited = [parent] + [w.connection for w in self.workers + self.retired] if forked else []
        warm = self.warm if forked else None
        process = context.Process(target=_serve, args=(self.settings, child, os.getpid(), inherited, warm),
                                  daemon=True)
        process.start()
        child.close()
        self.workers.append(_Worker(process, parent))

    def _retire(self, worker: _Worker) -> None:
        """Let an idle worker exit, without waiting for it (``close`` does); the loop starts a fresh one while
        jobs are left."""
        self.workers.remove(worker)
        try:
            worker.connection.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.retired.append(worker)

    def close(self) -> None:
        """Let idle workers exit; stop busy ones (only after a second Ctrl-C) and clean up after them."""
        for worker in self.workers:
            try:
                if worker.job is None:
                    worker.connection.send(None)
                else:
                    worker.process.terminate()
            except (BrokenPipeError, OSError):
                pass
        for worker in self.workers + self.retired:
            worker.process.join(timeout=10)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            if worker.job is not None:
                job = worker.job
                remove_temporaries(job.output(self.settings.out_dir), worker.process.pid)
            worker.connection.close()
        self.workers.clear()
        self.retired.clear()


def _exit_reason(process: multiprocessing.process.BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1
