"""Benchmark of the bundled library: where guidegen stands against its floor and its fastest peer.

Run with ``make bench`` (or ``.venv/bin/python bench/bench.py [--repeat N]``). Prints:

1. Per document (medians, warm process): layout, WeasyPrint's layout of the final
   HTML alone (the floor); total, content → HTML → PDF bytes on disk; their
   ratio; the PDF size. For handouts also Typst: ``typst.compile`` of the same
   content through ``bench/handout.typ`` (one-shot, and a reused compiler), and
   the ratio of our total to Typst's one-shot time.
2. The whole bundled build with ``-j 1`` and ``-j N`` (fresh processes, --force), and their ratio.
3. A no-op rebuild (nothing changed), and ``guidegen --help`` start-up.
   Edit-to-PDF latency of one handout with ``guidegen watch`` running (warm
   process): from the end of the write of guide.yaml to the new PDF on disk
   (watchfiles' batching included), against a cold ``guidegen build`` of it.
4. Peak resident memory of a process building every document back to back, and of the workers.

Typst is optional: ``pip install typst`` (the ``bench`` extra) to get its columns.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.produce.builder import Builder  # noqa: E402
from generator.fonts.stacks import font_stack  # noqa: E402
from generator.render.inline import plain_text  # noqa: E402
from generator.produce.jobs import Job, plan_jobs  # noqa: E402
from generator.i18n.library import Library, load_library  # noqa: E402
from generator.render.templates import Templates  # noqa: E402
from generator.i18n.ui_strings import load_ui_strings  # noqa: E402
from generator.produce.workers import default_workers  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from targets import batch_overhead, checklist_too_long  # noqa: E402

GUIDEGEN = [sys.executable, "-m", "generator"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"WeasyPrint {_version('weasyprint')}, Typst {_version('typst') or 'not installed'}\n")
    # Whole builds first: child processes inherit this process's peak memory figure (ru_maxrss
    # survives exec on Linux), and it is still small before the per-document part loads WeasyPrint.
    whole_builds(args.content, max(1, args.repeat // 2))
    checklist_too_long(args.content)
    batch_overhead(args.content)
    print()
    per_document(load_library(args.content), args.repeat)


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def per_document(library: Library, repeat: int) -> None:
    jobs, _ = plan_jobs(library, [], [], ["handout", "checklist"])
    typst = _typst()
    with tempfile.TemporaryDirectory() as scratch:
        builder = Builder(library, Path(scratch), Templates())
        builder.build(jobs[0])  # warm up: imports, fonts, caches
        print(f"{'document':<30} {'layout s':>8} {'total s':>8} {'ratio':>6} {'KB':>6} "
              f"{'typst s':>8} {'reused s':>8} {'ours/typst':>10}")
        totals: dict[tuple[str, str, str], float] = {}
        against_typst: list[float] = []
        for job in jobs:
            layout, total, size = measure(builder, job, repeat)
            totals[job.guide, job.language, job.format] = total
            line = f"{job.label:<30} {layout:8.3f} {total:8.3f} {total / layout:6.2f} {size / 1024:6.1f}"
            if typst and job.format == "handout":
                one_shot, reused = time_typst(typst, library, job, repeat)
                line += f" {one_shot:8.3f} {reused:8.3f} {total / one_shot:10.2f}"
                against_typst.append(total / one_shot)
            print(line)
    print()
    for guide in sorted({g for g, _, _ in totals}):
        if (guide, "ko", "handout") in totals and (guide, "en", "handout") in totals:
            ratio = totals[guide, "ko", "handout"] / totals[guide, "en", "handout"]
            print(f"{guide}: Korean handout / English handout {ratio:.2f} (target ≤ 1.3)")
    if against_typst:
        print(f"handouts against Typst's one-shot compile: median {statistics.median(against_typst):.2f}, "
              f"max {max(against_typst):.2f} (targets ≤ 2.0 and ≤ 2.5)")


def measure(builder: Builder, job: Job, repeat: int) -> tuple[float, float, int]:
    totals, layouts = [], []
    result = None
    laid_out: list[tuple[Any, ...]] = []  # the arguments of the builder's layouts: the last is the document's
    layout = builder.renderer.layout
    builder.renderer.layout = lambda *args: laid_out.append(args) or layout(*args)  # type: ignore[method-assign]
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            result = builder.build(job)
            totals.append(time.perf_counter() - started)
            if not result.ok:
                raise SystemExit(f"{job.label}: {result.error}")
    finally:
        builder.renderer.layout = layout  # type: ignore[method-assign]
    for _ in range(repeat):
        started = time.perf_counter()
        layout(*laid_out[-1])
        layouts.append(time.perf_counter() - started)
    assert result is not None and result.path is not None
    return statistics.median(layouts), statistics.median(totals), result.path.stat().st_size


def _typst() -> Any:
    try:
        import typst
    except ImportError:
        return None
    return typst


def typst_data(library: Library, job: Job) -> dict[str, Any]:
    """The handout's localized content as the JSON ``bench/handout.typ`` reads."""
    from babel.dates import format_date

    from generator.content.languages import babel_locale

    source = library.get(job.guide)
    guide = source.localized(job.language).guide
    ui = load_ui_strings(job.language, Templates().catalog_dirs)
    params = dict(guide.params)

    def text(value: str) -> str:
        return plain_text(value, params)

    blocks: list[dict[str, Any]] = []

    def walk(items: list[Any], level: int) -> None:
        for b in items:
            if b.type == "section":
                blocks.append({"type": "heading", "level": level, "text": text(b.title)})
                walk(b.blocks, level + 1)
            elif b.type == "paragraph":
                blocks.append({"type": "paragraph", "text": text(b.text)})
            elif b.type == "list":
                blocks.append({"type": "list", **({"intro": text(b.intro)} if b.intro else {}),
                               "items": [{"text": text(i.text), **({"title": text(i.title)} if i.title else {})}
                                         for i in b.items]})
            elif b.type == "procedure":
                blocks.append({"type": "procedure", "level": level, "steps": _steps(b.steps, text),
                               **({"title": text(b.title)} if b.title else {}),
                               **({"intro": text(b.intro)} if b.intro else {})})
            elif b.type == "alternatives":
                if b.intro:
                    blocks.append({"type": "paragraph", "text": text(b.intro)})
                for number, option in enumerate(b.options, 1):
                    blocks.append({"type": "option", "level": level, "label": str(ui("Option {number}", number=number)),
                                   "title": text(option.title), "steps": _steps(option.steps, text),
                                   **({"summary": text(option.summary)} if option.summary else {})})
            elif b.type == "callout":
                label = {"warning": "Warning", "tip": "Tip", "note": "Note"}[b.kind]
                blocks.append({"type": "callout", "label": str(ui(label)), "text": text(b.text),
                               **({"title": text(b.title)} if b.title else {})})

    walk(guide.blocks, 2)
    return {"title": text(guide.title), "summary": text(guide.summary), "lang": job.language.split("-")[0],
            "revision": str(ui("Revised {date}", date=format_date(guide.revision, format="long",
                                                                   locale=babel_locale(job.language)))),
            "fonts": [*font_stack(job.language), "Noto Sans"], "blocks": blocks}


def _steps(steps: list[Any], text: Any) -> list[dict[str, str]]:
    return [{"text": text(s.text), **({"note": text(s.note)} if s.note else {})} for s in steps]


def time_typst(typst: Any, library: Library, job: Job, repeat: int) -> tuple[float, float]:
    """Median seconds of a one-shot ``typst.compile`` and of a reused compiler's re-render."""
    source = str(ROOT / "bench" / "handout.typ")
    inputs = {"data": json.dumps(typst_data(library, job), ensure_ascii=False)}
    one_shot, reused = [], []
    typst.compile(source, sys_inputs=inputs)  # warm the font cache, as our warm-up does
    for _ in range(repeat):
        started = time.perf_counter()
        typst.compile(source, sys_inputs=inputs)
        one_shot.append(time.perf_counter() - started)
    compiler = typst.Compiler(source, sys_inputs=inputs)
    compiler.compile()
    for _ in range(repeat):
        started = time.perf_counter()
        compiler.compile()
        reused.append(time.perf_counter() - started)
    return statistics.median(one_shot), statistics.median(reused)


def _run(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([*GUIDEGEN, *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def whole_builds(content: Path, repeat: int) -> None:
    cores = default_workers()
    with tempfile.TemporaryDirectory() as scratch:
        out = str(Path(scratch) / "out")
        build = ("build", "--content", str(content), "-o", out, "--force", "-q")
        serial = statistics.median(_run(*build, "-j", "1") for _ in range(repeat))
        parallel = statistics.median(_run(*build, "-j", str(cores)) for _ in range(repeat))
        noop = statistics.median(_run("build", "--content", str(content), "-o", out, "-q") for _ in range(repeat))
        start = statistics.median(_run("--help") for _ in range(repeat))
        print(f"whole bundled build, -j 1: {serial:.2f} s, -j {cores}: {parallel:.2f} s, ratio {serial / parallel:.2f}")
        three = ("--paper", "a4", "--paper", "letter", "--paper", "a5")
        serial3 = statistics.median(_run(*build, *three, "-j", "1") for _ in range(repeat))
        parallel3 = statistics.median(_run(*build, *three, "-j", str(cores)) for _ in range(repeat))
        print(f"three papers ({_count(content, three)} documents), -j 1: {serial3:.2f} s, -j {cores}: "
              f"{parallel3:.2f} s, ratio {serial3 / parallel3:.2f} (target ≥ 1.85 on 2 cores)")
        print(f"no-op rebuild: {noop:.2f} s")
        print(f"guidegen --help: {start:.2f} s")
        edit_to_pdf(content, max(3, repeat * 2))
        papers = ("--paper", "a4", "--paper", "letter", "--paper", "a5")
        print(f"peak memory, one process building {_count(content, papers)} documents back to back: "
              f"{_peak_rss(*build, *papers, '-j', '1', children=False):.0f} MB; "
              f"largest of {cores} workers: {_peak_rss(*build, *papers, '-j', str(cores), children=True):.0f} MB")


def edit_to_pdf(content: Path, edits: int) -> None:
    """Median seconds from an edit of guide.yaml to the new handout PDF on disk, ``guidegen watch`` running."""
    import queue
    import shutil
    import threading

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "content"
        shutil.copytree(content / "esim-cancel", folder / "esim-cancel")
        out = Path(scratch) / "out"
        pdf = out / "en" / "esim-cancel-handout.pdf"
        command = [*GUIDEGEN, "watch", "esim-cancel", "--content", str(folder), "-l", "en", "-f", "handout",
                   "-o", str(out)]
        cold = _run("build", *command[4:], "--force")
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()  # type: ignore[union-attr]
        try:
            while "watching for changes" not in lines.get(timeout=120):
                pass
            guide = folder / "esim-cancel" / "guide.yaml"
            source = guide.read_text(encoding="utf-8")
            seconds = []
            for number in range(edits):
                before = pdf.stat().st_mtime_ns
                guide.write_text(source.replace("provider: Heyon", f"provider: Heyon{number}"), encoding="utf-8")
                written = time.perf_counter()
                deadline = written + 60
                while pdf.stat().st_mtime_ns == before:
                    if time.perf_counter() > deadline:
                        raise SystemExit("guidegen watch did not rebuild the handout within 60 s")
                    time.sleep(0.002)
                seconds.append(time.perf_counter() - written)
                time.sleep(0.5)  # let the watcher settle before the next edit
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(f"edit → PDF, en handout, guidegen watch running: median {statistics.median(seconds):.2f} s "
          f"(each: {' '.join(f'{s:.2f}' for s in seconds)}); a cold build of it: {cold:.2f} s")


def _count(content: Path, papers: tuple[str, ...]) -> int:
    jobs = subprocess.run([*GUIDEGEN, "build", "--content", str(content), *papers, "--list-jobs"],
                          check=True, cwd=ROOT, capture_output=True, text=True).stdout
    return len(jobs.splitlines())


def _peak_rss(*args: str, children: bool) -> float:
    """Peak resident memory (MB) of a build process, or of the largest of its workers."""
    if children:
        peak = "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss"
    else:  # VmHWM starts afresh at exec, unlike ru_maxrss
        peak = "next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))"
    code = ("import resource, sys\nfrom generator.cli.main import main\n"
            f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
            f"print({peak}, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return int(done.stderr.strip().splitlines()[-1]) / 1024


if __name__ == "__main__":
    main()
