"""Desk-wide limits over time: wrong staff PINs, and copies printed per minute.

Both count for the whole desk, not per client (a client's address is easy to change, and a table per
address grows with every new one): memory is bounded by the limits themselves.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WRONG_PINS = 5  # wrong PINs within WRONG_PIN_WINDOW that lock the login for LOCKOUT_SECONDS
WRONG_PIN_WINDOW = 60.0
LOCKOUT_SECONDS = 60.0  # the login page says "a minute": change both together
COPIES_PER_MINUTE = 200

Clock = Callable[[], float]


def retry_after(seconds: float) -> int:
    """Whole seconds for a ``Retry-After`` header: never 0, so a client always waits."""
    return max(1, math.ceil(seconds))


@dataclass
class PinThrottle:
    """After ``limit`` wrong PINs within ``window`` seconds, no PIN is checked for ``lockout`` seconds.

    A check in progress counts against the limit too, so guesses sent at once get no more tries."""

    clock: Clock
    limit: int = WRONG_PINS
    window: float = WRONG_PIN_WINDOW
    lockout: float = LOCKOUT_SECONDS
    _wrong: deque[float] = field(default_factory=deque, init=False, repr=False)
    _checking: int = field(default=0, init=False, repr=False)
    _locked_until: float = field(default=float("-inf"), init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def refused_for(self) -> float:
        """Seconds until PINs are checked again; 0 when they are now."""
        with self._lock:
            return max(0.0, self._locked_until - self.clock())

    def begin(self) -> float:
        """Start checking a PIN: 0, or the seconds to wait (then no check may start; ``done`` is not called)."""
        with self._lock:
            now = self.clock()
            self._forget(now)
            if now < self._locked_until:
                return self._locked_until - now
            if len(self._wrong) + self._checking >= self.limit:
                return self.window - (now - self._wrong[0]) if self._wrong else 1.0
            self._checking += 1
            return 0.0

    def done(self, right: bool) -> None:
        """The check begun is over: a wrong PIN is counted, and the limit reached locks the login."""
        with self._lock:
            self._checking -= 1
            if right:
                return
            now = self.clock()
            self._forget(now)
            self._wrong.append(now)
            if len(self._wrong) >= self.limit:
                self._locked_until = now + self.lockout
                self._wrong.clear()

    def _forget(self, now: float) -> None:
        while self._wrong and now - self._wrong[0] >= self.window:
            self._wrong.popleft()


@dataclass
class CopyMeter:
    """Copies sent to the printers in the last ``window`` seconds, at most ``limit``."""

    clock: Clock
    limit: int = COPIES_PER_MINUTE
    window: float = 60.0
    _sent: deque[tuple[float, int]] = field(default_factory=deque, init=False, repr=False)  # at most limit entries
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def take(self, copies: int) -> float:
        """Count ``copies`` and answer 0, or answer the seconds until they would fit (nothing counted)."""
        with self._lock:
            now = self.clock()
            while self._sent and now - self._sent[0][0] >= self.window:
                self._sent.popleft()
            over = sum(count for _, count in self._sent) + copies - self.limit
            if over <= 0:
                self._sent.append((now, copies))
                return 0.0
            freed = 0
            for when, count in self._sent:  # the oldest leave the window first
                freed += count
                if freed >= over:
                    return when + self.window - now
            return self.window  # more than the limit at once (the form's cap prevents it)

    def give_back(self, copies: int) -> None:
        """Copies counted by ``take`` that were not printed after all (CUPS refused the job)."""
        with self._lock:
            for index in range(len(self._sent) - 1, -1, -1):
                if self._sent[index][1] == copies:
                    del self._sent[index]
                    return
