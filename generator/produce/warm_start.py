"""Imported once by the fork server (``worker_loop.WARM_MODULES``), before it forks any worker.

It runs on the fork server's main thread, the only thread that process ever has:
WeasyPrint and the worker loop are imported, and one line in each bundled script
is laid out, so fontconfig has read its caches and Pango its font maps before the
first fork. Every worker then starts warm, and no lock it inherits can be held.

Nothing here may raise (the fork server would not start) or start a thread.
"""

from __future__ import annotations

# Languages whose font stacks cover the scripts of the bundled library (Latin, Arabic, Han, Hangul, Cyrillic).
WARM_LANGUAGES = ("en", "ar", "zh-CN", "zh-TW", "ko", "ru")


def warm_up() -> None:
    from generator.content.languages import native_name
    from generator.fonts.stacks import font_stack
    from generator.produce import builder, worker_loop  # noqa: F401  (what a worker runs, imported once here)
    from generator.render.pdf import Renderer

    Renderer([]).warm_up({tag: (native_name(tag), font_stack(tag)) for tag in WARM_LANGUAGES})


try:
    warm_up()
except Exception:  # noqa: BLE001  a worker sets up what is missing itself, cold but correct
    pass
