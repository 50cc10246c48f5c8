"""Document formats and paper sizes, shared by the CLI (kept light) and the renderer."""

from __future__ import annotations

FORMATS = ("handout", "checklist")
PAPERS = {"a4": "A4", "letter": "letter", "a5": "A5"}  # option value → CSS page size
DEFAULT_PAPER = "a4"
