"""The life of a worker process, and how workers are started: shared by ``build``, ``watch`` and the desk.

Workers are never forked from the process that asks for them. That process may
run other threads (the desk's request threads, pytest-xdist's, a file watcher's),
and a fork copies every lock those threads hold, held forever in the child: a
worker then hangs in fontconfig's ``pthread_mutex_lock``. POSIX allows only
async-signal-safe calls between ``fork`` and ``exec`` in a threaded process.

So on Linux workers come from multiprocessing's **fork server**: a process
started fresh (``exec``) that imports ``warm_start`` on its main thread, which
sets WeasyPrint, fontconfig and Pango up and lays out a line in each script,
and that never runs a second thread. Every worker is forked from it, warm, and
inherits no lock and no file descriptor but the pipe it is given. Elsewhere
(macOS forks unsafely, Windows cannot) workers are spawned, and start cold.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from generator.i18n.library import Library
    from generator.produce.builder import Builder

# Imported by the fork server before it forks any worker (on its main thread, with no other thread running).
WARM_MODULES = ["generator.produce.warm_start"]


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
    # The asking process's environment when the settings were made (SOURCE_DATE_EPOCH, FONTCONFIG_FILE, LANG…):
    # a worker takes it over, since the fork server's own is the one it was started with, maybe long before.
    environment: tuple[tuple[str, str], ...] = field(default_factory=lambda: tuple(sorted(os.environ.items())))

    @property
    def deadline(self) -> float | None:
        """Seconds the parent waits for one document before it kills the worker (None: no limit asked for).

        The worker's own limit (SIGALRM) stops a runaway layout with a clear message; this one, a grace
        period later, is for a worker that cannot answer: blocked in C code, or stopped."""
        return self.timeout + GRACE_SECONDS if self.timeout > 0 else None

    def builder(self) -> Builder:
        """Runs in the worker: the rendering stack is imported there, not in the parent."""
        from generator.render.brand import load_brand
        from generator.produce.builder import Builder
        from generator.render.templates import Templates

        brand = load_brand(self.brand) if self.brand else None
        return Builder(self.library(), self.out_dir, Templates(list(self.template_dirs), self.content_dir),
                       params=dict(self.params), strict=self.strict, timeout=self.timeout, brand=brand)

    def library(self) -> Library:
        from generator.i18n.library import load_library

        return load_library(self.content_dir, list(self.guides) or None)


GRACE_SECONDS = 5.0  # past a document's own time limit, how long the parent waits before killing the worker


@dataclass(frozen=True)
class CardJob:
    """The language card on ``paper`` (the desk lays it out in a worker, like a document)."""

    paper: str = "a4"

    @property
    def label(self) -> str:
        return f"language card ({self.paper})"


RELOAD = "reload"  # a message to a worker: load the library again (its content changed); no answer is sent


@dataclass
class CardOutcome:
    path: Path | None = None
    error: str = ""


def worker_context() -> multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext:
    """How workers are started: forked from the warm fork server on Linux, spawned elsewhere."""
    if not forks_warm():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WARM_MODULES)  # takes effect when this process first starts the server
    _start_fork_server()
    return context


_fork_server_lock = threading.Lock()
_fork_server_started = False


def _start_fork_server() -> None:
    """Start the fork server now (once per process), importing this very ``generator`` package.

    Python 3.11's fork server ignores its parent's sys.path: started as ``python -c``, it would
    look in its working directory first, where a folder named ``generator`` may be someone
    else's. So it starts with ``PYTHONSAFEPATH`` (no working directory on its path) and
    ``PYTHONPATH`` naming the folder this package was imported from. The environment is
    changed for that one call, under a lock, and put back.
    """
    global _fork_server_started
    import multiprocessing.forkserver

    import generator

    with _fork_server_lock:
        if _fork_server_started:
            return
        saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "PYTHONSAFEPATH")}
        root = str(Path(generator.__file__).resolve().parent.parent)
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, saved["PYTHONPATH"]]))
        os.environ["PYTHONSAFEPATH"] = "1"
        try:
            multiprocessing.forkserver.ensure_running()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        _fork_server_started = True


def forks_warm() -> bool:
    """Whether workers are forked from a warm fork server (so a fresh worker costs little)."""
    return sys.platform == "linux"


def serve_jobs(settings: BuildSettings, connection: Connection) -> None:
    """A worker's life: build each job it is sent until it is sent None, or its parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _exit_cleanly)  # so write_atomic can remove its temporary file
    faulthandler.register(STACK_SIGNAL, all_threads=True)  # a C-level handler: answers even when blocked in C
    die_with_parent()
    os.environ.clear()  # this process runs no other thread: changing its environment is safe
    os.environ.update(dict(settings.environment))
    builder = settings.builder()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        if job == RELOAD:
            builder.library = settings.library()
            continue
        result = _card(builder, job) if isinstance(job, CardJob) else builder.build(job)
        try:
            connection.send(result)
        except OSError:
            return  # the parent is gone


def _card(builder: Builder, job: CardJob) -> CardOutcome:
    from generator.errors import GuidegenError
    from generator.produce.card_build import build_card

    try:
        return CardOutcome(build_card(builder.library, builder.out_dir, builder.templates, paper=job.paper,
                                      renderer=builder.renderer, timeout=builder.timeout).path)
    except GuidegenError as error:
        return CardOutcome(error=str(error))


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel send SIGTERM to this process when the process that forked it dies (Linux).

    A worker's parent is the fork server, which exits when the process that started it
    does; so a worker dies with whoever asked for it. SIGTERM, not SIGKILL: the handler
    above lets a document being written remove its temporary file. A worker also ends
    at end of file on its pipe, at its next job.
    """
    if sys.platform != "linux":
        return
    import ctypes

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before prctl took effect
        raise SystemExit(128 + signal.SIGTERM)


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def exit_reason(process: multiprocessing.process.BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


STACK_SIGNAL = signal.SIGUSR1  # asks a worker for its stack (faulthandler, to its stderr) before it is killed
STACK_WAIT = 0.5


def stop_process(process: multiprocessing.process.BaseProcess, wait: float = 5.0, overdue: str = "") -> None:
    """SIGKILL (which ends a stopped process too) and a bounded wait for it. A worker ``overdue`` (what it was
    doing) first writes the stack of each of its threads to stderr, so the operator sees where it was stuck."""
    if overdue and process.pid is not None and process.is_alive():
        print(f"guidegen: the worker {process.pid} building {overdue} did not answer; where it was:",
              file=sys.stderr, flush=True)
        try:
            os.kill(process.pid, STACK_SIGNAL)
            time.sleep(STACK_WAIT)
        except OSError:
            pass
    process.kill()
    process.join(timeout=wait)


def timed_out(deadline: float) -> str:
    return f"timed out after {deadline:g} s: the worker did not answer and was stopped"
