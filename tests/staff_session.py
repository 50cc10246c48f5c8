"""Desk tests signing in as staff: the PIN their desks are given, and a sign-in through the login form."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

STAFF_PIN = "4711 counter"
ORIGIN = {"Origin": "http://localhost"}  # the test client's own origin


@cache
def staff_pin() -> Any:
    """The hashed PIN for a ``DeskConfig(staff_pin=…)`` (hashed once: scrypt takes a moment)."""
    from generator.desk.access import StaffPin

    return StaffPin.of(STAFF_PIN)


def csrf_token(client: Any, path: str = "/staff/login") -> str:
    page = client.get(path).data.decode()
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def sign_in(client: Any, pin: str = STAFF_PIN) -> Any:
    """Sign in through the login form, as staff do; the answer (303 to the home page when the PIN is right)."""
    return client.post("/staff/login", data={"pin": pin, "csrf_token": csrf_token(client)}, headers=ORIGIN)
