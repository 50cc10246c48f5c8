"""A template's stylesheet parsed once per process, not once per document (patches WeasyPrint 70).

WeasyPrint parses every ``<link rel="stylesheet">`` of every document it lays
out: for ``guide.css`` that is about a fifth of a handout's layout, and a
checklist is laid out at several type sizes. A parsed stylesheet (its selector
matcher and ``@page`` rules) does not depend on the document, so the
``CSS`` that WeasyPrint's ``find_stylesheets`` makes for a linked stylesheet
is kept and given again to later documents that link the same URL with the
same bytes (the bytes are the key: an edited template is parsed afresh, which
a long-running ``serve`` or ``watch`` needs). WeasyPrint issue #618 (closed) asked
for this; the answer was to pass a parsed ``CSS`` with ``stylesheets=``, which a
template that links its own stylesheet cannot do.

Only stylesheets whose parse has no effect outside the stylesheet are kept:
none with ``@font-face``, ``@counter-style``, ``@color-profile`` (they register
into the document's font configuration or counters), ``@import``, ``@layer``
or ``url(``. Those are parsed per document as before. A kept stylesheet holds
its own ``@page`` rules (WeasyPrint otherwise shares one list between a
document's stylesheets, which would carry one document's page rules into the
next). The warnings its first parse logged are logged again for each document
that uses it, so every document reports them.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

KEPT = 16  # parsed stylesheets kept per process (templates of several folders, edited versions)
_NOT_KEPT = (b"@font-face", b"@counter-style", b"@color-profile", b"@import", b"@layer", b"url(")

_installed = False
_kept: OrderedDict[tuple[str, str, bytes], tuple[Any, list[logging.LogRecord]]] = OrderedDict()


def install() -> None:
    """Patch the ``CSS`` that WeasyPrint's stylesheet finder makes (idempotent)."""
    global _installed
    if _installed:
        return
    from weasyprint import css as css_module

    original = css_module.CSS

    def kept_css(*args: Any, url: str | None = None, url_fetcher: Any = None, media_type: str = "print",
                 page_rules: Any = None, layers: Any = None, layer: Any = None, **kwargs: Any) -> Any:
        data = _source(url_fetcher, url) if url is not None and not args and layer is None else None
        text = _text(data) if data is not None and not any(rule in data.lower() for rule in _NOT_KEPT) else None
        if text is None:
            return original(*args, url=url, url_fetcher=url_fetcher, media_type=media_type, page_rules=page_rules,
                            layers=layers, layer=layer, **kwargs)
        assert url is not None and data is not None
        key = (url, media_type, data)
        if key in _kept:
            _kept.move_to_end(key)
            sheet, records = _kept[key]
            for record in records:  # what its parse logged, for this document's report too
                logging.getLogger(record.name).handle(record)
            return sheet
        sheet, records = _parse(original, text, url, url_fetcher, media_type, kwargs)
        _kept[key] = sheet, records
        if len(_kept) > KEPT:
            _kept.popitem(last=False)
        return sheet

    css_module.CSS = kept_css
    _installed = True


def _source(url_fetcher: Any, url: str) -> bytes | None:
    """The bytes at ``url`` when guidegen's own fetcher serves it from a snapshot (no other fetcher is trusted to
    give the same bytes twice)."""
    source = getattr(url_fetcher, "stylesheet_source", None)
    return source(url) if source is not None else None


def _text(data: bytes) -> str | None:
    """The stylesheet as UTF-8 text; ``None`` for another encoding (left to WeasyPrint's detection)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _parse(original: Any, text: str, url: str, url_fetcher: Any, media_type: str,
           kwargs: dict[str, Any]) -> tuple[Any, list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("weasyprint")
    handler = Keep(logging.WARNING)
    logger.addHandler(handler)
    try:
        sheet = original(string=text, base_url=url, url_fetcher=url_fetcher, media_type=media_type,
                         page_rules=[], layers=[], **kwargs)
    finally:
        logger.removeHandler(handler)
    return sheet, records
