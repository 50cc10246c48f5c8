"""A private CUPS server for the tests: its own configuration, spool and port, a virtual PDF printer.

Nothing of the machine's own CUPS set-up is touched except that the cups-pdf
backend writes where /etc/cups/cups-pdf.conf says (``~/PDF`` by default); the
tests delete the files they made there.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PRINTER = "guidegen-test"
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class CupsServer:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    started: float = 0.0  # job numbers start at 1 on every server: older files in ~/PDF are not ours

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def job_attributes(self, job_id: str, timeout: float = 60) -> dict[str, str]:
        """The IPP attributes of a job once it has completed (or stopped)."""
        number = job_id.rsplit("-", 1)[1]
        deadline = time.monotonic() + timeout
        while True:
            out = subprocess.run(["ipptool", "-tv", f"ipp://{self.address}/jobs/{number}", "get-job-attributes.test"],
                                 capture_output=True, text=True, check=False).stdout
            attributes = dict(re.findall(r"^\s+([\w-]+) \([^)]*\) = (.*)$", out, re.M))
            if attributes.get("job-state") in ("completed", "aborted", "canceled", "stopped"):
                return attributes
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} did not finish: {attributes.get('job-state')}\n{self.log()}")
            time.sleep(0.3)

    def printed_file(self, job_id: str) -> Path:
        """Where cups-pdf wrote the job (its ``Out`` folder, ``${HOME}/PDF`` by default)."""
        number = job_id.rsplit("-", 1)[1]
        out = "${HOME}/PDF"
        if CUPS_PDF_CONF.is_file():
            for line in CUPS_PDF_CONF.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("Out "):
                    out = line[4:].strip()
        folder = Path(out.replace("${HOME}", str(Path.home())).replace("${USER}", os.environ.get("USER", "root")))
        found = sorted((p for p in folder.glob(f"*job_{number}.pdf") if p.stat().st_mtime >= self.started),
                       key=lambda p: p.stat().st_mtime)
        assert found, f"no file of job {job_id} in {folder}\n{self.log()}"
        return found[-1]

    def log(self) -> str:
        path = self.root / "log" / "error_log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_cups(root: Path) -> CupsServer:
    missing = [tool for tool in ("cupsd", "lpadmin", "lp", "ipptool") if shutil.which(tool) is None]
    if missing or not CUPS_PDF_PPD.is_file():
        raise RuntimeError("the print tests need cups, cups-ipp-utils and printer-driver-cups-pdf "
                           f"(missing: {', '.join(missing) or CUPS_PDF_PPD}); 'make test' installs them as root")
    for name in ("conf", "spool", "cache", "state", "log", "tmp"):
        (root / name).mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    (root / "tmp").chmod(0o1777)  # filters run as the 'lp' user and write there
    port = _free_port()
    (root / "conf" / "cupsd.conf").write_text(f"""Listen 127.0.0.1:{port}
LogLevel info
DefaultAuthType None
WebInterface No
Browsing No
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
""")
    (root / "conf" / "cups-files.conf").write_text(f"""ServerRoot {root}/conf
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
SystemGroup root
""")
    process = subprocess.Popen(["cupsd", "-f", "-c", str(root / "conf" / "cupsd.conf"),
                                "-s", str(root / "conf" / "cups-files.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = CupsServer(root, port, process, time.time() - 1)
    env = {**os.environ, "CUPS_SERVER": server.address}
    deadline = time.monotonic() + 20
    while (
        subprocess.run(["lpstat", "-r"], env=env, capture_output=True, text=True).stdout.strip()
        != "scheduler is running"
    ):
        if time.monotonic() > deadline or process.poll() is not None:
            server.stop()
            raise RuntimeError(f"the test CUPS server did not start\n{server.log()}")
        time.sleep(0.2)
    subprocess.run(["lpadmin", "-p", PRINTER, "-E", "-v", "cups-pdf:/", "-P", str(CUPS_PDF_PPD)],
                   env=env, check=True, capture_output=True)
    return server
