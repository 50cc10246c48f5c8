"""The speed issue's targets measured on the bundled library (called by bench.py).

- ``batch_overhead``: one process builds every document of the library on three papers
  (WeasyPrint imported first, as a warm worker would have it) and the time is split into
  WeasyPrint's ``render`` calls, its ``write_pdf`` calls and the rest (ours). The floor of
  a document is its last ``render`` (the layout that was kept).
- ``checklist_too_long``: a whole ``guidegen build`` of an English checklist made twice and
  four times too long, until it fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PAPERS = ("a4", "letter", "a5")


def batch_overhead(content: Path) -> None:
    import weasyprint
    from weasyprint.document import Document

    from generator.produce.batch import BuildRequest, plan_build, run_build
    from generator.produce.progress import Reporter
    from generator.render.formats import PrintOptions

    renders: list[float] = []
    writes: list[float] = []
    floors: list[float] = []
    original_render, original_write = weasyprint.HTML.render, Document.write_pdf

    def timed_render(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original_render(self, *args, **kwargs)
        finally:
            renders.append(time.perf_counter() - started)

    def timed_write(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        floors.append(renders[-1])  # the layout being written is the last one made
        started = time.perf_counter()
        try:
            return original_write(self, *args, **kwargs)
        finally:
            writes.append(time.perf_counter() - started)

    weasyprint.HTML.render, Document.write_pdf = timed_render, timed_write
    try:
        with tempfile.TemporaryDirectory() as scratch:
            request = BuildRequest(content=content, output=Path(scratch), force=True, workers=1,
                                   variants=tuple(PrintOptions(paper=p) for p in PAPERS))
            plan = plan_build(request)
            started = time.perf_counter()
            results, _ = run_build(request, plan, Reporter(len(plan.jobs), mode="quiet"))
            total = time.perf_counter() - started
    finally:
        weasyprint.HTML.render, Document.write_pdf = original_render, original_write
    documents = len(results)
    ours = total - sum(renders) - sum(writes)
    print(f"-j 1 batch of {documents} documents ({', '.join(PAPERS)}), WeasyPrint imported: {total:.2f} s = "
          f"{sum(renders):.2f} s in {len(renders)} render calls + {sum(writes):.2f} s write_pdf + {ours:.2f} s ours "
          f"({ours / total:.0%}); total / summed floors {total / sum(floors):.2f} "
          f"(target ≤ 1.5; ours target < 10%)")


def checklist_too_long(content: Path) -> None:
    for factor in (1, 2):
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "content"
            shutil.copytree(content / "esim-cancel", folder / "esim-cancel")
            guide_file = folder / "esim-cancel" / "guide.yaml"
            guide = yaml.safe_load(guide_file.read_text(encoding="utf-8"))
            groups = guide["checklist"]["groups"]  # as many groups and items as validation allows
            items = [item for group in groups for item in group["items"]]
            guide["checklist"]["groups"] = [
                {**groups[n % len(groups)], "id": f"g{n}",
                 "items": ["，".join([items[(n * 9 + i) % len(items)]] * factor) for i in range(9)]}
                for n in range(6)]
            guide_file.write_text(yaml.safe_dump(guide, allow_unicode=True), encoding="utf-8")
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(folder),
                                   "-l", "zh-CN", "-f", "checklist", "-o", str(Path(scratch) / "out"), "-q"],
                                  cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            outcome = "failed as it should" if "page" in done.stderr + done.stdout and done.returncode == 1 else \
                f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}"
            print(
                f"checklist of 6 groups × 9 items, each item {factor}× its text: {outcome} in {seconds:.2f} s, "
                "whole process (target < 3 s)"
            )
