"""QR codes of official links, drawn by segno as SVG.

The payload is exactly the declared URL: nothing added, nothing shortened.
Error correction M survives a crease or a smudge on a handout.
"""

from __future__ import annotations

import hashlib
import io

URL_PREFIX = "file:///guidegen-generated/qr/"


def qr_svg(url: str) -> bytes:
    """An SVG QR code whose payload is ``url``, black modules on white with the standard quiet zone."""
    import segno

    code = segno.make(url, error="m", micro=False, boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=4, border=4, dark="#000", light="#fff", xmldecl=True, svgns=True,
              title=None, desc=None)
    return out.getvalue()


def qr_resource(url: str) -> tuple[str, bytes]:
    """The URL the HTML links to and the SVG bytes behind it."""
    data = qr_svg(url)
    return f"{URL_PREFIX}{hashlib.sha256(data).hexdigest()[:24]}.svg", data
