"""Desk renders in worker processes: a few at once, each stopped after the build time limit.

``guidegen serve`` answers many visitors from threads; WeasyPrint is not made
for threads and SIGALRM (the build's time limit) works only in a process's main
thread. So each document is laid out by a worker process (``workers._serve``,
the same loop as ``guidegen build --workers``), whose main thread enforces the
time limit. A worker that does not answer even a while after it (stuck in C
code) is killed, its temporary file removed, and a fresh one takes its place
next time. Workers are started with ``spawn``: forking a threaded server could
copy a lock some other thread holds.
"""

from __future__ import annotations

import multiprocessing
import os
import multiprocessing.connection
import threading
from dataclasses import dataclass

from generator.produce.jobs import Job, JobResult
from generator.produce.outputs import remove_temporaries
from generator.produce.workers import BuildSettings, _exit_reason, _serve

GRACE_SECONDS = 10.0  # how long past its own time limit a silent worker is given before it is killed


def _work(settings: BuildSettings, connection: multiprocessing.connection.Connection, server_pid: int) -> None:
    """A desk worker: the build workers' loop, ending quietly when the server has gone away (or dies)."""
    try:
        _serve(settings, connection, server_pid, [])  # spawned: it inherited no other pipe ends
    except (EOFError, OSError):
        pass


@dataclass
class _Desk:
    process: multiprocessing.process.BaseProcess
    connection: multiprocessing.connection.Connection
    generation: int


class RenderPool:
    """Builds one job at a time per worker, at most ``size`` workers; thread-safe."""

    def __init__(self, settings: BuildSettings, size: int = 2, grace: float = GRACE_SECONDS):
        self.settings = settings
        self.size = max(1, size)
        self.grace = grace
        self._idle: list[_Desk] = []
        self._running = 0  # workers alive, idle or busy
        self._generation = 0
        self._changed = threading.Condition()
        self._context = multiprocessing.get_context("spawn")

    def build(self, job: Job) -> JobResult:
        """Build ``job`` in a worker; a failure (time limit, crash) comes back as the result's error."""
        worker = self._take()
        healthy = False
        try:
            worker.connection.send(job)
            limit = self.settings.timeout + self.grace if self.settings.timeout > 0 else None
            if not worker.connection.poll(limit):
                self._stop(worker, job)
                return JobResult(job, error=f"stopped after {self.settings.timeout:g} s (time limit per document; "
                                            "is some content pathologically long?)")
            try:
                result: JobResult = worker.connection.recv()
            except (EOFError, OSError):
                self._stop(worker, job)
                return JobResult(job, error=f"the worker process died while building it "
                                            f"({_exit_reason(worker.process)})")
            healthy = True
            return result
        except (BrokenPipeError, OSError):
            self._stop(worker, job)
            return JobResult(job, error="the worker process could not be reached")
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

    def close(self) -> None:
        """Let idle workers exit (busy ones are retired when they finish)."""
        self.renew()

    def _take(self) -> _Desk:
        with self._changed:
            while True:
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
            process = self._context.Process(target=_work, args=(self.settings, child, os.getpid()), daemon=True)
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
        """Ask a worker to exit (its loop ends on None); it is not waited for."""
        try:
            worker.connection.send(None)
        except (BrokenPipeError, OSError):
            pass
        worker.connection.close()
        if not worker.process.is_alive():
            worker.process.join()
        else:
            threading.Thread(target=worker.process.join, daemon=True).start()

    def _stop(self, worker: _Desk, job: Job) -> None:
        """Kill a worker that overran or died, and remove its temporary file."""
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        remove_temporaries(job.output(self.settings.out_dir), worker.process.pid)
