"""Worker processes, incremental builds, shards and progress output."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CONTENT, guidegen_with_worker_patch, languages_of, run_cli

EN_PO = Path("esim-cancel") / "locales" / "en.po"


def _stamps(folder: Path) -> dict[str, tuple[int, str]]:
    """Every PDF below a folder: its mtime and a hash of its bytes."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*.pdf"))}


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.suffix == ".tmp" or
            (p.name.startswith(".") and p.name != ".guidegen-cache.json")]


def test_parallel_build_gives_the_same_bytes_as_serial(tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    one = run_cli(
        "build",
        "esim-cancel",
        "--content",
        str(CONTENT),
        "-l",
        "en",
        "-l",
        "ar",
        "-l",
        "zh",
        "-j",
        "1",
        "-o",
        str(serial),
    )
    two = run_cli(
        "build",
        "esim-cancel",
        "--content",
        str(CONTENT),
        "-l",
        "en",
        "-l",
        "ar",
        "-l",
        "zh",
        "-j",
        "2",
        "-o",
        str(parallel),
    )
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    assert "6 built, 0 up to date, 0 failed" in two.stdout
    assert {k: v[1] for k, v in _stamps(serial).items()} == {k: v[1] for k, v in _stamps(parallel).items()}


_DIE_HALFWAY = """
import os, signal
from pathlib import Path
from generator.produce import builder, outputs

original = outputs.write_atomic
victim = Path(os.environ["VICTIM"]).resolve()


def die_halfway(path, data):
    if path == victim:  # in the worker: write half a temporary file, then be killed
        name = path.parent / f"{outputs._temporary_prefix(path, os.getpid())}half.tmp"
        name.write_bytes(data[: len(data) // 2])
        os.kill(os.getpid(), signal.SIGKILL)
    return original(path, data)


builder.write_atomic = die_halfway
"""


def test_worker_killed_while_writing_fails_only_its_document(tmp_path: Path) -> None:
    """SIGKILL in the middle of writing: the old PDF survives byte for byte and no temporary file remains."""
    out = tmp_path / "out"
    first = run_cli("build", "esim-cancel", "--content", str(CONTENT), "-l", "en", "-l", "fr", "-o", str(out))
    assert first.exit_code == 0, first.output
    before = _stamps(out)
    victim = out / "en" / "esim-cancel-handout.pdf"
    env = {**os.environ, "VICTIM": str(victim), "SOURCE_DATE_EPOCH": "1700000000"}  # the new PDFs differ
    result = subprocess.run([*guidegen_with_worker_patch(_DIE_HALFWAY, tmp_path / "patch"), "build", "esim-cancel",
                             "--content", str(CONTENT), "-l", "en", "-l", "fr", "-j", "2", "-o", str(out)],
                            capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "en/esim-cancel-handout: the worker process died while building it (killed by SIGKILL)" in result.stderr
    assert "3 built, 0 up to date, 1 failed" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    after = _stamps(out)
    assert after["en/esim-cancel-handout.pdf"] == before["en/esim-cancel-handout.pdf"]
    assert all(after[name][1] != before[name][1] for name in after if name != "en/esim-cancel-handout.pdf")
    assert _leftovers(out) == []


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _workers(pid: int) -> list[int]:
    """The build workers of a guidegen process: the children of its fork server, a child of its own."""
    return [worker for child in _children(pid) for worker in _children(child)]


# Six languages of four scripts and both directions: enough documents that a worker is busy when one is killed.
SOME_LANGUAGES = ("-l", "en", "-l", "ar", "-l", "zh-CN", "-l", "ru", "-l", "fr", "-l", "ko")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the workers")
def test_real_sigkill_of_a_worker_process(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "esim-cancel",
            "--content",
            str(CONTENT),
            "-j",
            "2",
            *SOME_LANGUAGES,
            "--paper",
            "a4",
            "--paper",
            "letter",
            "-o",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not out.joinpath(".guidegen-cache.json").exists() and not list(out.rglob("*.pdf")):
        assert time.monotonic() < deadline and process.poll() is None, "the build ended before a PDF appeared"
        time.sleep(0.05)
    workers = _workers(process.pid)
    assert workers, "no worker processes"
    os.kill(workers[0], signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, (stdout, stderr)
    assert b"killed by SIGKILL" in stderr
    assert b"Traceback" not in stderr
    documents = len(SOME_LANGUAGES) // 2 * 2 * 2  # languages × formats × papers
    assert f"{documents - 1} built, 0 up to date, 1 failed".encode() in stdout
    assert _leftovers(out) == []
    for path in out.rglob("*.pdf"):
        assert path.read_bytes().rstrip().endswith(b"%%EOF")
    # The next build makes only the missing document.
    again = run_cli(
        "build", "esim-cancel", "--content", str(CONTENT), *SOME_LANGUAGES, "--paper", "a4", "--paper", "letter",
        "-o", str(out)
    )
    assert again.exit_code == 0, again.output
    assert f"1 built, {documents - 1} up to date, 0 failed" in again.stdout


def test_nothing_changed_rewrites_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        run_cli("build", "esim-cancel", "--content", str(CONTENT), "-l", "en", "-l", "ko", "-o", str(out)).exit_code
        == 0
    )
    before = _stamps(out)
    again = run_cli("build", "esim-cancel", "--content", str(CONTENT), "-l", "en", "-l", "ko", "-o", str(out))
    assert again.exit_code == 0
    assert "0 built, 4 up to date, 0 failed" in again.stdout
    assert _stamps(out) == before


def test_one_changed_string_rebuilds_only_its_language(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("build", "esim-cancel", "--content", str(content_copy), "-l", "en", "-l", "fr", "-l", "vi", "-o", str(out))
    assert run_cli(*args).exit_code == 0
    before = _stamps(out)
    po = content_copy / EN_PO
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Choose the number to cancel."' in text
    po.write_text(text.replace('msgstr "Choose the number to cancel."', 'msgstr "Pick the number to cancel."'),
                  encoding="utf-8")
    again = run_cli(*args)
    assert again.exit_code == 0
    assert "2 built, 4 up to date, 0 failed" in again.stdout
    after = _stamps(out)
    changed = sorted(name for name in after if after[name][0] != before[name][0])
    assert changed == ["en/esim-cancel-checklist.pdf", "en/esim-cancel-handout.pdf"]


@pytest.mark.parametrize("change", ["css", "param", "deleted", "edited", "force", "epoch"])
def test_what_invalidates_a_document(tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    templates = tmp_path / "templates"
    templates.mkdir()
    base = (
        "build",
        "esim-cancel",
        "--content",
        str(CONTENT),
        "-l",
        "en",
        "-f",
        "checklist",
        "--templates",
        str(templates),
        "-o",
        str(out),
    )
    assert run_cli(*base).exit_code == 0
    pdf = out / "en" / "esim-cancel-checklist.pdf"
    extra: tuple[str, ...] = ()
    if change == "css":
        (templates / "guide.css").write_text(
            (CONTENT.parent / "templates" / "guide.css").read_text() + "\nh1{color:#333}\n"
        )
    elif change == "param":
        extra = ("--param", "provider=Acme")
    elif change == "deleted":
        pdf.unlink()
    elif change == "edited":
        pdf.write_bytes(pdf.read_bytes() + b"\n% edited\n")
    elif change == "force":
        extra = ("--force",)
    elif change == "epoch":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    again = run_cli(*base, *extra)
    assert again.exit_code == 0, again.output
    assert "1 built, 0 up to date, 0 failed" in again.stdout


def test_shards_together_make_the_whole_list_without_overlap(tmp_path: Path) -> None:
    args = ("build", "esim-cancel", "--content", str(CONTENT), "--paper", "a4", "--paper", "letter", "--list-jobs",
            "-o", str(tmp_path / "out"))
    full = [json.loads(line) for line in run_cli(*args).stdout.splitlines()]
    assert len(full) == len(languages_of("esim-cancel")) * 2 * 2
    assert set(full[0]) >= {"guide", "language", "format", "paper", "large_print", "booklet", "output"}
    shards = [[json.loads(line) for line in run_cli(*args, "--shard", f"{k}/3").stdout.splitlines()] for k in (1, 2, 3)]
    outputs = [job["output"] for shard in shards for job in shard]
    assert sorted(outputs) == sorted(job["output"] for job in full)
    assert len(outputs) == len(set(outputs))
    assert max(map(len, shards)) - min(map(len, shards)) <= 1


def test_shards_build_the_full_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for k in (1, 2):
        result = run_cli(
            "build",
            "esim-cancel",
            "--content",
            str(CONTENT),
            "-l",
            "en",
            "-l",
            "es",
            "-l",
            "vi",
            "--shard",
            f"{k}/2",
            "-o",
            str(out),
        )
        assert result.exit_code == 0, result.output
        assert "3 built" in result.stdout
    assert len(list(out.rglob("*.pdf"))) == 6


@pytest.mark.parametrize("value", ["0/3", "4/3", "1", "a/b", "1/0"])
def test_bad_shard_is_a_usage_error(value: str) -> None:
    result = run_cli("build", "esim-cancel", "--content", str(CONTENT), "--shard", value, "--list-jobs")
    assert result.exit_code == 2
    assert "--shard" in result.output
    assert "Traceback" not in result.output


def test_progress_bar_on_a_terminal() -> None:
    from generator.produce.jobs import Job, JobResult
    from generator.produce.progress import Reporter

    ticks = iter([0.0, 1.0, 2.5, 3.0])
    stream = io.StringIO()
    reporter = Reporter(2, "bar", stream, clock=lambda: next(ticks))
    reporter.up_to_date(Job("g", "en", "handout"), "build/en/g-handout.pdf")
    reporter.result(JobResult(Job("g", "en", "checklist"), path=Path("x.pdf"), pages=1))
    summary = reporter.finish()
    drawn = stream.getvalue()
    assert "1/2  en/g-handout  1.0 s" in drawn
    assert "2/2  en/g-checklist  2.5 s" in drawn
    assert drawn.endswith("\r\x1b[K")  # the bar is cleared before the summary
    assert summary == "1 built, 1 up to date, 0 failed in 3.0 s"


def test_quiet_and_verbose(tmp_path: Path) -> None:
    out = tmp_path / "out"
    quiet = run_cli("build", "esim-cancel", "--content", str(CONTENT), "-l", "en", "-q", "-o", str(out))
    assert quiet.exit_code == 0
    assert quiet.stdout.splitlines()[0].startswith("2 built, 0 up to date, 0 failed")
    assert len(quiet.stdout.splitlines()) == 1
    verbose = run_cli("build", "esim-cancel", "--content", str(CONTENT), "-l", "en", "-v", "-o", str(out))
    assert verbose.stdout.count("(up to date)") == 2


def test_up_to_date_build_loads_no_rendering_stack(tmp_path: Path) -> None:
    """Skipping up-to-date documents must stay cheap: no WeasyPrint, no Jinja, no fonts subsetter."""
    out = tmp_path / "out"
    assert run_cli("build", "esim-cancel", "--content", str(CONTENT), "-l", "en", "-o", str(out)).exit_code == 0
    code = ("import sys; from generator.cli.main import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'jinja2', 'uharfbuzz')))")
    result = subprocess.run([sys.executable, "-c", code, "build", "esim-cancel", "--content", str(CONTENT), "-l", "en",
                             "-o", str(out)], capture_output=True, text=True)
    assert "0 built, 2 up to date, 0 failed" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


_WITHOUT_PDEATHSIG = "from generator.produce import worker_loop\nworker_loop.die_with_parent = lambda: None\n"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the workers")
@pytest.mark.parametrize("signum, pdeathsig", [(signal.SIGKILL, True), (signal.SIGTERM, True), (signal.SIGHUP, True),
                                               (signal.SIGKILL, False)],
                         ids=["KILL", "TERM", "HUP", "KILL-pipes-only"])
def test_workers_die_with_their_parent(tmp_path: Path, signum: int, pdeathsig: bool) -> None:
    """A -j 2 build whose parent is killed leaves no worker behind (they used to wait on their pipes forever).

    Without the kernel's signal, the closed pipe alone ends each worker after its current document.
    """
    out = tmp_path / "out"
    start = [sys.executable, "-m", "generator"] if pdeathsig else guidegen_with_worker_patch(_WITHOUT_PDEATHSIG,
                                                                                            tmp_path / "patch")
    process = subprocess.Popen([*start, "build", "esim-cancel", "--content", str(CONTENT), "-j", "2",
                                "--paper", "a4", "--paper", "letter", "-o", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(workers := _workers(process.pid)) < 2 or not list(out.rglob("*.pdf")):
            assert time.monotonic() < deadline and process.poll() is None, "the build ended before it was killed"
            time.sleep(0.05)
        workers += _children(process.pid)  # the fork server (and multiprocessing's resource tracker) too
        os.kill(process.pid, signum)
        process.wait(timeout=30)
        deadline = time.monotonic() + (5 if pdeathsig else 20)  # generous: at once, or after one document
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = [pid for pid in workers if _alive(pid)]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)  # do not leave them running if the test fails
    assert survivors == [], f"workers outlived their parent: {survivors}"
    assert [p.name for p in out.rglob("*.tmp")] == []


_RECORD_WORKER = """
import os
from pathlib import Path
from generator.produce.builder import Builder

original = Builder.build


def build(self, *args, **kwargs):
    with Path(os.environ["PIDS"]).open("a") as file:  # in the worker
        file.write(f"{os.getpid()}\\n")
    return original(self, *args, **kwargs)


Builder.build = build
"""


def test_a_worker_retires_after_its_share_of_documents(tmp_path: Path) -> None:
    """A fresh worker takes over every JOBS_PER_WORKER documents (a worker's memory stays bounded)."""
    pids = tmp_path / "pids"
    command = guidegen_with_worker_patch(_RECORD_WORKER, tmp_path / "patch")
    command[-1] = command[-1].replace("from generator.cli.main", "from generator.produce import workers\n"
                                      "workers.JOBS_PER_WORKER = 2\nfrom generator.cli.main")  # in the parent
    result = subprocess.run([*command, "build", "esim-cancel", "--content",
                             str(CONTENT), "-l", "en", "-l", "ar", "-l", "zh-CN", "-l", "fr", "-j", "2",
                             "-o", str(tmp_path / "out")],
                            capture_output=True, text=True, env={**os.environ, "PIDS": str(pids)}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 built, 0 up to date, 0 failed" in result.stdout
    built_by = pids.read_text().split()
    assert len(built_by) == 8
    assert max(built_by.count(pid) for pid in built_by) <= 2
    assert len(set(built_by)) >= 4


def test_workers_retire_beside_other_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers come from the fork server, never from a fork of this process: retiring them mid-build is safe
    even while other threads run here (a fork of a threaded process can inherit a held lock and hang)."""
    import threading

    from generator.produce import workers

    monkeypatch.setattr(workers, "JOBS_PER_WORKER", 1)
    started: list[int] = []
    original = workers.WorkerPool._start
    monkeypatch.setattr(workers.WorkerPool, "_start", lambda self: started.append(1) or original(self))
    release = threading.Event()
    other = threading.Thread(target=release.wait, daemon=True)
    other.start()
    try:
        result = run_cli("build", "esim-cancel", "--content", str(CONTENT), "-l", "en", "-l", "fr", "-j", "2",
                         "-o", str(tmp_path / "out"))
    finally:
        release.set()
        other.join()
    assert result.exit_code == 0, result.output
    assert "4 built, 0 up to date, 0 failed" in result.stdout
    assert len(started) == 4  # a fresh worker for every document
