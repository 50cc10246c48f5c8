"""Sending a PDF to a printer through CUPS, with the ``lp`` and ``lpstat`` commands.

The commands are CUPS's own clients: they honour ``CUPS_SERVER``, the user's
default printer and ``lpoptions``, exactly as a desk PC is already set up.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GuidegenError
from generator.render.formats import PAPER_TABLE

MAX_COPIES = 100
_REQUEST_ID = re.compile(r"request id is (\S+)")
_TIMEOUT = 30


@dataclass(frozen=True)
class PrintJob:
    id: str  # CUPS's request id, e.g. "Office-42"
    printer: str


def _command(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise GuidegenError(f"cannot print: CUPS's '{name}' command is missing (Debian: apt-get install cups-client)")
    return path


def _run(args: list[str], timeout: float = _TIMEOUT) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise GuidegenError(f"cannot print: CUPS did not answer within {timeout:g} s") from None


def _cups_problem(stderr: str) -> str:
    """CUPS's own complaint in one line, with advice for the usual ones."""
    # lp names itself by the path it was run from ("/usr/bin/lp: Error - …"): a desk page must not show it
    text = re.sub(r"(?<!\S)/\S*/(lp|lpstat):", r"\1:", " ".join(stderr.split())) or "unknown error"
    lowered = text.lower()
    if "no default destination" in lowered:
        return "no printer given and no default printer set; choose one with --printer (lpstat -p lists them)"
    if "does not exist" in lowered or "not found" in lowered:
        return f"{text} (lpstat -p lists the printers)"
    if "connect" in lowered or "scheduler is not running" in lowered:
        return f"cannot reach the CUPS server ({text}); is CUPS running?"
    return text


def printers(timeout: float = _TIMEOUT) -> list[str]:
    """The printers CUPS offers, in its order; empty when there are none."""
    result = _run([_command("lpstat"), "-e"], timeout)
    if result.returncode != 0:
        if "no destinations" in result.stderr.lower():
            return []
        raise GuidegenError(f"cannot list printers: {_cups_problem(result.stderr)}")
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def default_printer(timeout: float = _TIMEOUT) -> str | None:
    result = _run([_command("lpstat"), "-d"], timeout)
    match = re.search(r"system default destination:\s*(\S+)", result.stdout)
    return match.group(1) if match else None


def check_copies(copies: int, allow_many: bool = False) -> None:
    """At least one copy, and no more than MAX_COPIES unless ``allow_many``."""
    if copies < 1:
        raise GuidegenError("copies must be 1 or more")
    if copies > MAX_COPIES and not allow_many:
        raise GuidegenError(f"{copies} copies is more than {MAX_COPIES}; add --allow-many if you really mean it")


def send_to_printer(pdf: Path, *, copies: int = 1, printer: str | None = None, paper: str = "a4",
                    sides: str = "one-sided", title: str = "", allow_many: bool = False) -> PrintJob:
    """Queue ``pdf`` on ``printer`` (the default one if None) and return the CUPS job."""
    check_copies(copies, allow_many)
    if printer is not None and not re.fullmatch(r"[^\s/#\\\"']{1,127}", printer):
        raise GuidegenError(f"'{printer}' is not a printer name")
    args = [_command("lp"), "-n", str(copies), "-o", f"media={PAPER_TABLE[paper].cups_media}", "-o", f"sides={sides}"]
    if printer:
        args += ["-d", printer]
    if title:
        args += ["-t", title[:200]]
    args += ["--", str(pdf)]
    result = _run(args)
    match = _REQUEST_ID.search(result.stdout)
    if result.returncode != 0 or not match:
        raise GuidegenError(f"cannot print: {_cups_problem(result.stderr or result.stdout)}")
    job_id = match.group(1)
    return PrintJob(job_id, printer or job_id.rsplit("-", 1)[0])


def sides_for(duplex: bool, booklet: bool) -> str:
    """Booklets turn on the short edge (the sheet is landscape); other two-sided copies on the long one."""
    if booklet:
        return "two-sided-short-edge"
    return "two-sided-long-edge" if duplex else "one-sided"
