"""A real CUPS server of the test's own, with a CUPS-PDF printer, for the
printing tests (test_printing.py) and the crash tests (test_crash.py).

    with CupsServer() as server:                  # its own cupsd, on a socket of its own
        server.add_pdf_printer("booth-pdf")        # a queue through the cups-pdf backend
        cups.setServer(server.socket)              # or CUPS_SERVER=server.socket for a process
        ...
        server.pdfs()                              # what the printer printed

It is Debian's cupsd, run as root (cupsd runs its filters as the lp user and
its backends as root), not the system's: its own ServerRoot, spool, cache,
state and logs under a folder of its own in /tmp (world-searchable: the
filters, run as lp, read the spool; pytest's tmp_path is not), listening
only on its own domain socket. The cups-pdf backend reads its settings from
/etc/cups/cups-pdf-<instance>.conf (a path compiled into it): each printer
gets one naming the server's output folder, removed when the server stops.
"""

import collections
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

CUPSD = "/usr/sbin/cupsd"
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF = Path("/etc/cups")
MIME = Path("/etc/cups")

CUPSD_CONF = """\
Listen {socket}
LogLevel info
WebInterface No
Browsing No
DefaultAuthType None
MaxJobs 0
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess default
  JobPrivateValues default
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
CUPS_FILES_CONF = """\
ServerRoot {root}/etc
RequestRoot {root}/spool
TempDir {root}/spool/tmp
CacheDir {root}/cache
StateDir {root}/state
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
SystemGroup root
"""


def why_not() -> str:
    """Why a CUPS server of our own cannot run here, or ""."""
    if os.geteuid() != 0:
        return "cupsd runs its backends as root: the test must run as root"
    for needed in (Path(CUPSD), CUPS_PDF_PPD, Path("/usr/lib/cups/backend/cups-pdf")):
        if not needed.exists():
            return f"{needed} is missing: install the Debian packages cups and printer-driver-cups-pdf"
    return ""


class CupsServer:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="jp-cups-", dir="/tmp"))
        self.root.chmod(0o755)
        self.socket = str(self.root / "cups.sock")
        self.out = self.root / "out"
        self.instances = []
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        for folder in ("etc", "spool", "cache", "state", "log"):
            (self.root / folder).mkdir(exist_ok=True)
        (self.root / "spool" / "tmp").mkdir(exist_ok=True)
        (self.root / "spool" / "tmp").chmod(0o1777)
        self.out.mkdir(exist_ok=True)
        self.out.chmod(0o1777)
        (self.root / "etc" / "cupsd.conf").write_text(CUPSD_CONF.format(socket=self.socket))
        (self.root / "etc" / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=self.root))
        etc = self.root / "etc"
        self.process = subprocess.Popen(
            [CUPSD, "-f", "-c", str(etc / "cupsd.conf"), "-s", str(etc / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"cupsd did not start: {self.log()}")
            time.sleep(0.1)

    def stop(self):
        """Stop cupsd (its jobs and their history stay in the spool for `start`)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def close(self):
        self.stop()
        for instance in self.instances:
            (CUPS_PDF_CONF / f"cups-pdf-{instance}.conf").unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self):
        self.stop()
        self.start()

    def add_pdf_printer(self, name: str) -> str:
        """A CUPS-PDF queue called `name`, accepting jobs; its PDFs go to `self.out`."""
        instance = f"jp{uuid.uuid4().hex[:10]}"
        self.instances.append(instance)
        (CUPS_PDF_CONF / f"cups-pdf-{instance}.conf").write_text(
            f"Out {self.out}\nAnonDirName {self.out}\nLog {self.root / 'log'}\nUserUMask 0022\n"
        )
        self.lpadmin("-p", name, "-E", "-v", f"cups-pdf:/{instance}", "-P", str(CUPS_PDF_PPD))
        return name

    def lpadmin(self, *arguments):
        self.run("lpadmin", *arguments)

    def run(self, command, *arguments):
        subprocess.run(
            [command, *arguments], env={**os.environ, "CUPS_SERVER": self.socket}, check=True, capture_output=True
        )

    def set_reasons(self, printer: str, *reasons: str):
        """Set the printer's printer-state-reasons, as a driver does when the paper runs out."""
        test = self.root / "reasons.test"
        test.write_text(
            "{\n  OPERATION CUPS-Add-Modify-Printer\n  GROUP operation-attributes-tag\n"
            "  ATTR charset attributes-charset utf-8\n  ATTR naturalLanguage attributes-natural-language en\n"
            "  ATTR uri printer-uri $uri\n  GROUP printer-attributes-tag\n"
            f"  ATTR keyword printer-state-reasons {','.join(reasons) or 'none'}\n"
            "  STATUS successful-ok\n}\n"
        )
        host = self.socket.replace("/", "%2F")
        self.run("ipptool", "-t", f"ipp://{host}/printers/{printer}", str(test))

    def printed_keys(self) -> collections.Counter:
        """How many prints CUPS has (with their page) for each booth job's key."""
        import cups

        from photobooth.printing import KEY_ATTRIBUTE

        jobs = cups.Connection(host=self.socket).getJobs(
            which_jobs="all", requested_attributes=["job-id", "number-of-documents", KEY_ATTRIBUTE]
        )
        return collections.Counter(
            job[KEY_ATTRIBUTE] for job in jobs.values() if job.get("number-of-documents") and KEY_ATTRIBUTE in job
        )

    def pdfs(self) -> list[Path]:
        return sorted(self.out.glob("*.pdf"))

    def log(self) -> str:
        path = self.root / "log" / "error_log"
        return path.read_text(errors="replace")[-3000:] if path.is_file() else "(no log)"

    def _answers(self):
        if not Path(self.socket).exists():
            return False
        result = subprocess.run(
            ["lpstat", "-r"], env={**os.environ, "CUPS_SERVER": self.socket}, capture_output=True, text=True
        )
        return "is running" in result.stdout
