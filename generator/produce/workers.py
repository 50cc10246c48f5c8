"""Building jobs in worker processes: each imports WeasyPrint once and renders many documents.

The parent hands one job at a time to each idle worker over its own pipe, so it
always knows which document a worker is on, and since when. A worker that dies
(killed, out of memory, a crash in a C library) fails only that document; one
that does not answer by its document's deadline (its time limit plus a grace
period: blocked in C code, or stopped) is killed by the parent and its document
reported as timed out. Either way its temporary file is removed, a fresh worker
takes its place and the batch goes on. Workers come from the warm fork server
(``worker_loop``); each retires after ``JOBS_PER_WORKER`` documents and a fresh
one takes over, which keeps a worker's memory bounded.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from generator.produce.jobs import Job, JobResult
from generator.produce.outputs import remove_temporaries
from generator.produce.worker_loop import (BuildSettings, exit_reason, forks_warm, serve_jobs, stop_process,
                                           timed_out, worker_context)

__all__ = ["BuildSettings", "WorkerPool", "default_workers"]

JOBS_PER_WORKER = 40  # then a fresh worker takes over: WeasyPrint's process grows about 1 MB a document


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    job: Job | None = None
    since: float = 0.0  # when it was given its job (time.monotonic)
    done: int = 0  # documents built


@dataclass
class WorkerPool:
    """Runs jobs on ``size`` worker processes; results are reported as they arrive."""

    settings: BuildSettings
    size: int
    jobs_per_worker: int = field(default_factory=lambda: JOBS_PER_WORKER)  # where forked warm (spawned start cold)
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
                        if worker.done >= self.jobs_per_worker and forks_warm():
                            self._retire(worker)  # forked from the warm fork server, a fresh one costs little
                while queue and not stop() and len(self.workers) < min(self.size, len(queue)):
                    self._start()  # in place of one that died or retired
        finally:
            self.close()
        return results

    @property
    def deadline(self) -> float | None:
        return self.settings.deadline

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
        stop_process(worker.process, overdue=job.label)
        self.workers.remove(worker)
        worker.connection.close()
        if worker.process.pid is not None:
            remove_temporaries(job.output(self.settings.out_dir), worker.process.pid)
        return JobResult(job, error=timed_out(self.deadline))

    def _collect(self, worker: _Worker, ready: Sequence[object]) -> JobResult | None:
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
            return JobResult(job, error=f"the worker process died while building it ({exit_reason(worker.process)})",
                             transient=True)
        return None

    def _start(self) -> None:
        context = worker_context()
        parent, child = context.Pipe()
        process = context.Process(target=serve_jobs, args=(self.settings, child), daemon=True)
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
        for gone in [w for w in self.retired if not w.process.is_alive()]:  # is_alive reaps an exited process
            gone.connection.close()
            self.retired.remove(gone)
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


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1
