"""From a localized guide to PDF bytes: Jinja templates and inline Markdown to HTML, brand, QR codes,
formats and papers, WeasyPrint behind a sandboxed fetcher, booklet imposition.
"""

