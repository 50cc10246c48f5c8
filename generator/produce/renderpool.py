"""Desk renders in worker processes: a few at once, each stopped after the build time limit.

``guidegen serve`` answers many visitors from threads; WeasyPrint is not made
for threads and SIGALRM (the build's time limit) works only in a process's main
thread. So each document, and the language card, is laid out by a worker
process (``worker_loop.serve_jobs``, the same loop as ``guidegen build``), whose
main thread enforces the time limit. A worker that does not answer by the
deadline (the limit plus a grace period: stuck in C code, or stopped) is killed,
its temporary file removed, and a fresh one takes its place next time. Workers
come from the warm fork server (``worker_loop``), never from a fork of this
threaded server, which could copy a lock some other thread holds.
"""

from __future__ import annotations

import multiprocessing.connection
import threading
from dataclasses import dataclass
from typing import Any
from multiprocessing.process import BaseProcess
from pathlib import Path

from generator.errors import GuidegenError
from generator.produce.jobs import Job, JobResult
from generator.produce.outputs import remove_temporaries
from generator.produce.worker_loop import (RELOAD, BuildSettings, CardJob, exit_reason, serve_jobs,
                                           stop_process, timed_out, worker_context)

RETIRE_WAIT_SECONDS = 10.0  # how long ``close(wait=True)`` gives a retired worker to exit before it is killed


class PoolClosed(Exception):
    """A document was asked of a pool that was closed."""


@dataclass
class _Desk:
    process: BaseProcess
    connection: multiprocessing.connection.Connection
    generation: int


class RenderPool:
    """Builds one job at a time per worker, at most ``size`` workers; thread-safe."""

    def __init__(self, settings: BuildSettings, size: int = 2):
        self.settings = settings
        self.size = max(1, size)
        self._idle: list[_Desk] = []
        self._retired: list[_Desk] = []  # told to exit; reaped as they go, and by ``close(wait=True)``
        self._running = 0  # workers alive, idle or busy
        self._generation = 0
        self._changed = threading.Condition()
        self._context = worker_context()
        self._closed = False

    def build(self, job: Job) -> JobResult:
        """Build ``job`` in a worker; a failure (time limit, crash) comes back as the result's error."""
        answer, error, transient = self._ask(job, job.output(self.settings.out_dir))
        return JobResult(job, error=error, transient=transient) if answer is None else answer

    def card(self, paper: str) -> Path:
        """The language card on ``paper``, laid out in a worker (built unless up to date)."""
        job = CardJob(paper)
        from generator.produce.card_build import card_path

        answer, error, _ = self._ask(job, card_path(self.settings.out_dir, paper))
        if answer is None or answer.error or answer.path is None:
            raise GuidegenError(f"{job.label}: {error or (answer.error if answer else '')}")
        return answer.path

    def _ask(self, job: Job | CardJob, output: Path) -> tuple[Any, str, bool]:
        """Send ``job`` to a worker and wait for its answer, at most until the deadline: (answer, "", False), or
        (None, why there is none, whether that may pass: a worker that died or could not be reached)."""
        try:
            worker = self._take()
        except PoolClosed as closed:
            return None, str(closed), True
        healthy = False
        try:
            worker.connection.send(job)
            if not worker.connection.poll(self.settings.deadline):
                self._stop(worker, output, overdue=job.label)
                return None, timed_out(self.settings.deadline or 0), False
            try:
                answer = worker.connection.recv()
            except (EOFError, OSError):
                self._stop(worker, output)
                return None, f"the worker process died while building it ({exit_reason(worker.process)})", True
            healthy = True
            return answer, "", False
        except (BrokenPipeError, OSError):
            self._stop(worker, output)
            return None, "the worker process could not be reached", True
        finally:
            self._release(worker, healthy)

    def renew(self) -> None:
        """The content changed: workers loaded the old library, so none is reused."""
        with self._changed:
            self._generation += 1
            idle, self._idle = self._idle, []
            self._running -= len(idle)
            self._changed.notify_all()
        for worker in idle:
            self._retire(worker)

    def prestart(self) -> None:
        """Start a worker now, if none is idle, so that the first document does not wait for it."""
        with self._changed:
            if self._idle or self._running >= self.size or self._closed:
                return
        try:
            self._release(self._take(), True)
        except PoolClosed:
            return

    def reload(self) -> None:
        """The content changed: idle workers load the library again, and stay warm (``guidegen watch``; a busy
        worker would build its next document from the old library, so it is retired instead)."""
        with self._changed:
            self._generation += 1
            for worker in self._idle:
                try:
                    worker.connection.send(RELOAD)
                    worker.generation = self._generation
                except (BrokenPipeError, OSError):
                    pass  # found dead when next taken

    @property
    def worker_pids(self) -> list[int]:
        """The process ids of the idle workers (for tests and diagnostics)."""
        with self._changed:
            return [worker.process.pid for worker in self._idle if worker.process.pid is not None]

    def close(self, wait: bool = False) -> None:
        """Let idle workers exit (busy ones are retired when they finish); with ``wait``, wait for them (at most
        ``RETIRE_WAIT_SECONDS``, then kill), so that no worker outlives the pool. A closed pool starts no worker:
        a document asked for afterwards fails at once."""
        with self._changed:
            self._closed = True
        self.renew()
        if not wait:
            return
        with self._changed:
            retired, self._retired = self._retired, []
        for worker in retired:
            worker.process.join(timeout=RETIRE_WAIT_SECONDS)
            if worker.process.is_alive():
                stop_process(worker.process)

    def _take(self) -> _Desk:
        with self._changed:
            while True:
                if self._closed:
                    raise PoolClosed("the pool is closed: its server is stopping")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.process.is_alive() and worker.generation == self._generation:
                        return worker
                    self._retire(worker)
                    self._running -= 1
                if self._running < self.size:
                    self._running += 1
                    generation = self._generation
                    break
                self._changed.wait()
        try:
            parent, child = self._context.Pipe()
            process = self._context.Process(target=serve_jobs, args=(self.settings, child), daemon=True)
            process.start()
            child.close()
        except BaseException:
            with self._changed:
                self._running -= 1
                self._changed.notify()
            raise
        return _Desk(process, parent, generation)

    def _release(self, worker: _Desk, healthy: bool) -> None:
        with self._changed:
            if healthy and worker.generation == self._generation:
                self._idle.append(worker)
            else:
                if healthy:
                    self._retire(worker)
                self._running -= 1
            self._changed.notify()

    def _retire(self, worker: _Desk) -> None:
        """Ask a worker to exit (its loop ends on None); it is not waited for here (``close(wait=True)`` does)."""
        try:
            worker.connection.send(None)
        except (BrokenPipeError, OSError):
            pass
        worker.connection.close()
        with self._changed:
            self._retired = [w for w in self._retired if w.process.is_alive()]  # is_alive reaps the exited
            self._retired.append(worker)

    def _stop(self, worker: _Desk, output: Path, overdue: str = "") -> None:
        """Kill a worker that overran or died (a bounded wait), and remove its temporary file."""
        stop_process(worker.process, overdue=overdue)
        worker.connection.close()
        remove_temporaries(output, worker.process.pid)
