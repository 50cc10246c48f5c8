"""Per-document timings of the bundled guides, to keep the overhead over layout visible.

Run with ``make bench`` (or ``.venv/bin/python bench/bench.py [--repeat N]``). For
every guide, language and format it prints the median of:

- layout: WeasyPrint's layout of the final HTML alone (the floor);
- total: content → HTML → PDF bytes on disk, in a warm process;
- ratio total/layout, and the PDF size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import Builder, Job, plan_jobs  # noqa: E402
from generator.library import load_library  # noqa: E402
from generator.render import Templates  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    library = load_library(args.content)
    jobs, _ = plan_jobs(library, [], [], ["handout", "checklist"], "a4")
    with tempfile.TemporaryDirectory() as scratch:
        builder = Builder(library, Path(scratch), Templates())
        builder.build(jobs[0])  # warm up: imports, fonts, caches
        print(f"{'document':<32} {'layout s':>9} {'total s':>9} {'ratio':>6} {'size KB':>8}")
        for job in jobs:
            layout, total, size = measure(builder, job, args.repeat)
            print(f"{job.label:<32} {layout:9.3f} {total:9.3f} {total / layout:6.2f} {size / 1024:8.1f}")


def measure(builder: Builder, job: Job, repeat: int) -> tuple[float, float, int]:
    totals, layouts = [], []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = builder.build(job)
        totals.append(time.perf_counter() - started)
        if not result.ok:
            raise SystemExit(f"{job.label}: {result.error}")
    html = builder.last_html
    for _ in range(repeat):
        started = time.perf_counter()
        builder.renderer.layout(html)
        layouts.append(time.perf_counter() - started)
    assert result is not None and result.path is not None
    return statistics.median(layouts), statistics.median(totals), result.path.stat().st_size


if __name__ == "__main__":
    main()
