"""Every patch of WeasyPrint's internals, behind one version gate; the only module that installs them.

guidegen changes four things WeasyPrint 70 does (each in its own ``patch_*`` module,
each with its upstream issue and its test):

- ``patch_rtl_text``: right-to-left lines get their text as ``/ActualText``, so text
  extraction gives them back as written (``tests/test_rtl_text.py``);
- ``patch_cluster_text``: on left-to-right lines, a glyph cluster whose glyphs do not
  spell its text (Devanagari's reordered matra, conjuncts, ligatures) gets its text as
  ``/ActualText`` (``tests/test_cluster_text.py``);
- ``patch_tagging``: running headers and footers become pagination artifacts, and a
  run in another language gets its own ``/Lang`` (``tests/test_tagging.py``);
- ``patch_stylesheets``: a template's linked stylesheet is parsed once per process,
  not once per layout (``tests/test_stylesheets.py``).

They reach into WeasyPrint's internals, which change between major releases, so
they are installed only on the major version they were written against. Any other
stops guidegen with a message saying which is needed and why; to try a newer
release anyway, set ``GUIDEGEN_TRY_WEASYPRINT=1``: the patches are installed with
a warning, and ``make test`` says whether they still hold. Reading WeasyPrint's
box tree (``page_box``) and Pango's version (``pango_version``) are here too: no
other module uses a private name of WeasyPrint.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from generator.errors import GuidegenError

SUPPORTED_MAJOR = "70"
TRY_VARIABLE = "GUIDEGEN_TRY_WEASYPRINT"
_installed = False


def check_version(version: str) -> None:
    """Refuse a WeasyPrint the patches were not written for (unless the operator asked to try it)."""
    if version.split(".")[0] == SUPPORTED_MAJOR:
        return
    why = (f"guidegen needs WeasyPrint {SUPPORTED_MAJOR}.x, not {version}: it patches WeasyPrint's internals "
           "(right-to-left text extraction, tagged headers and footers, stylesheet caching), which change "
           "between major releases")
    if os.environ.get(TRY_VARIABLE, "") not in ("", "0"):
        print(f"warning: {why}; trying it anyway ({TRY_VARIABLE} is set): run make test to see what still holds",
              file=sys.stderr)
        return
    raise GuidegenError(f"{why}. Install the locked version (make build, or pip install -c constraints.txt), "
                        f"or set {TRY_VARIABLE}=1 to try this one")


def install() -> None:
    """Check the version once, then install every patch (idempotent)."""
    global _installed
    if _installed:
        return
    import weasyprint

    from generator.render import patch_cluster_text, patch_rtl_text, patch_stylesheets, patch_tagging

    check_version(weasyprint.__version__)
    patch_tagging.install()
    patch_rtl_text.install()
    patch_cluster_text.install()
    patch_stylesheets.install()
    _installed = True


def page_box(page: Any) -> Any:
    """The laid-out box tree of a page of a WeasyPrint ``Document`` (``Page._page_box``: no public name)."""
    return page._page_box


def pango_version() -> str:
    """The version of Pango WeasyPrint loaded, as ``1.50.12``."""
    from weasyprint.text.ffi import pango

    number = pango.pango_version()
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
