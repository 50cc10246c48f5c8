"""The CUPS printers as the desk shows them: asked with a short timeout, the answer kept a few seconds.

A page view must never wait long for CUPS: ``lpstat`` that hangs (a printer
server gone from the network) costs one request at most ``LPSTAT_TIMEOUT``
seconds, and while one request asks, the others use the last answer.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from generator.errors import GuidegenError
from generator.desk.printing import default_printer, printers

LPSTAT_TIMEOUT = 3.0
KEEP_SECONDS = 5.0


@dataclass
class PrinterStatus:
    timeout: float = LPSTAT_TIMEOUT
    keep: float = KEEP_SECONDS
    _answer: dict[str, Any] | None = field(default=None, init=False, repr=False)
    _asked: float = field(default=float("-inf"), init=False, repr=False)
    _asking: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def current(self) -> dict[str, Any]:
        """``{"names": [...], "default": name or None}``; no names when printing is not set up or CUPS is silent."""
        if self._answer is not None and time.monotonic() - self._asked < self.keep:
            return self._answer
        if not self._asking.acquire(blocking=self._answer is None):
            return self._answer or _NONE  # another request is asking CUPS right now
        try:
            if self._answer is not None and time.monotonic() - self._asked < self.keep:
                return self._answer  # asked by another request while this one waited
            self._answer = self._ask()
            self._asked = time.monotonic()
            return self._answer
        finally:
            self._asking.release()

    def _ask(self) -> dict[str, Any]:
        try:
            names = printers(self.timeout)
            default = default_printer(self.timeout)
        except GuidegenError:
            return _NONE
        return {"names": names, "default": default if default in names else (names[0] if names else None)}


_NONE: dict[str, Any] = {"names": [], "default": None}
