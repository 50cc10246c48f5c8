"""Who may use the staff view: the staff PIN (kept only as a hash) and the staff sessions it starts.

The operator sets a PIN or passphrase with ``guidegen serve --staff-pin-file FILE`` or the environment
variable ``GUIDEGEN_STAFF_PIN`` (the file wins when both are given). Memory holds only its scrypt hash with
a random salt, and a guess is compared in constant time. A right PIN starts a session: a random id in a
cookie, whose hash is a key of a bounded table; a session unused for ``IDLE_SECONDS`` is over.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.bounded import Refused, read_regular
from generator.desk.limits import COPIES_PER_MINUTE, Clock, CopyMeter, PinThrottle
from generator.desk.printing import MAX_COPIES
from generator.errors import GuidegenError

PIN_ENV = "GUIDEGEN_STAFF_PIN"
PIN_FILE_BYTES = 1024  # a PIN file is read up to this, plus one byte
MIN_PIN_CHARS = 4
MAX_PIN_CHARS = 256
IDLE_SECONDS = 600.0  # the login page says "ten minutes": change both together
MAX_SESSIONS = 32  # the least recently used session is ended when a new one would make more
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}  # about 16 MB and 50 ms per guess


@dataclass(frozen=True)
class StaffPin:
    """The staff PIN as its scrypt hash with a random salt: the PIN itself is not kept."""

    salt: bytes
    digest: bytes

    @classmethod
    def of(cls, pin: str) -> StaffPin:
        salt = secrets.token_bytes(16)
        return cls(salt, _hash(pin, salt))

    def matches(self, guess: str) -> bool:
        """Whether ``guess`` is the PIN, compared in constant time (an over-long guess is simply wrong)."""
        if len(guess) > MAX_PIN_CHARS:
            return False
        return hmac.compare_digest(_hash(guess, self.salt), self.digest)


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(unicodedata.normalize("NFC", pin).encode("utf-8"), salt=salt, **_SCRYPT)


def checked_pin(text: str, source: str) -> str:
    """``text`` as a PIN: one line, the line ending stripped, at least ``MIN_PIN_CHARS``; else an error naming
    ``source`` (the file or the variable), never showing the PIN."""
    pin = text.removesuffix("\n").removesuffix("\r")
    if not pin.strip():
        raise GuidegenError(f"{source}: the staff PIN is empty")
    if "\n" in pin or "\r" in pin:
        raise GuidegenError(f"{source}: the staff PIN must be one line")
    if not MIN_PIN_CHARS <= len(pin) <= MAX_PIN_CHARS:
        raise GuidegenError(f"{source}: the staff PIN must have {MIN_PIN_CHARS} to {MAX_PIN_CHARS} characters")
    return pin


def read_pin_file(path: Path) -> str:
    """The PIN in ``path``: a regular file, read bounded; any other kind, size or encoding is an error."""
    try:
        data = read_regular(path, PIN_FILE_BYTES)
    except Refused as refused:
        raise GuidegenError(f"{path}: the staff PIN file {refused}") from None
    except OSError as error:
        raise GuidegenError(f"{path}: cannot read the staff PIN file: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise GuidegenError(f"{path}: the staff PIN file is not UTF-8 text") from None
    return checked_pin(text, str(path))


def staff_pin(pin_file: Path | None, environment: dict[str, str]) -> StaffPin | None:
    """The configured PIN, hashed: from ``pin_file`` if given, else from ``GUIDEGEN_STAFF_PIN``; None if
    neither is set (the desk then has no staff view)."""
    if pin_file is not None:
        return StaffPin.of(read_pin_file(pin_file))
    if PIN_ENV in environment:
        return StaffPin.of(checked_pin(environment[PIN_ENV], PIN_ENV))
    return None


@dataclass
class StaffSessions:
    """Staff sessions by the hash of their id, each with the time it was last used; at most ``limit``."""

    clock: Clock
    idle: float = IDLE_SECONDS
    limit: int = MAX_SESSIONS
    _seen: OrderedDict[bytes, float] = field(default_factory=OrderedDict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def start(self) -> str:
        """A new session: its id, for the cookie."""
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_idle()
            while len(self._seen) >= self.limit:
                self._seen.popitem(last=False)
            self._seen[_key(session_id)] = self.clock()
        return session_id

    def use(self, session_id: str | None) -> bool:
        """Whether ``session_id`` is a live session; if so it counts as used now (the idle time starts over)."""
        if not session_id:
            return False
        key = _key(session_id)
        with self._lock:
            self._forget_idle()
            if key not in self._seen:
                return False
            self._seen[key] = self.clock()
            self._seen.move_to_end(key)
            return True

    def end(self, session_id: str | None) -> None:
        if session_id:
            with self._lock:
                self._seen.pop(_key(session_id), None)

    def _forget_idle(self) -> None:
        """Drop the sessions idle too long (the table is in order of last use: the oldest first)."""
        now = self.clock()
        while self._seen and now - next(iter(self._seen.values())) >= self.idle:
            self._seen.popitem(last=False)


def _key(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).digest()


@dataclass
class DeskAccess:
    """What the desk lets whom do: the staff PIN and sessions, the PIN throttle, the copy caps, kiosk mode."""

    pin: StaffPin | None
    sessions: StaffSessions
    throttle: PinThrottle
    copies: CopyMeter
    max_copies: int = MAX_COPIES  # per print job (never more than the copies of a minute)
    kiosk: bool = False  # visitors may print one copy of what they view

    @classmethod
    def of(cls, pin: StaffPin | None, clock: Clock, *, max_copies: int = MAX_COPIES,
           per_minute: int = COPIES_PER_MINUTE, kiosk: bool = False) -> DeskAccess:
        return cls(pin, StaffSessions(clock), PinThrottle(clock), CopyMeter(clock, per_minute),
                   min(max_copies, per_minute), kiosk)
