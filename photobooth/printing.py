"""Printing the photos through CUPS (pycups): each photo as it is taken, or
on request from the panel, on 10x15 cm (4x6 in) photo paper.

Printing is an outbox target of its own ("print"): a print waits in the
booth's outbox like a post, so it survives a restart, and it is printed
once. The CUPS job carries the outbox job's idempotency key, in its name
and in an attribute of its own (`photobooth-key`, which CUPS shows to
anyone: its default policy hides job names from requests that did not log
in); before printing, the publisher looks through every job CUPS knows,
finished ones too, for that key.

    publisher = PrintPublisher("Canon_SELPHY_CP1500", copies=1)
    publisher.publish(job)            # "Canon_SELPHY_CP1500/17": the printer and CUPS's job id
    status(config)                    # {"enabled": True, "state": "stopped", "problems": ["media-empty"], ...}
    print_again(photo, config)        # one more print of a photo (the panel's button)

The page (`branded_page`), at the printer's resolution: the photo as the
camera took it (the booth keeps an unbranded copy for the print,
`original_of`), and the branding laid out for paper: under the photo, on the
white of the page, the logo on its corner's side and the caption beside it
in dark ink, set as compose.py sets the photo's (the same fonts and shaping,
its size and the margin measured from the page's long side). A photo whose
unbranded copy is missing (taken before printing was turned on, or the
booth stopped in between) is printed as it was saved, its logo and caption
on it, with its line of the day under it (`page`).
"""

import io
import os
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from . import i18n
from .compose import _scaled_logo, caption_size
from .publishers import NotAPicture, Refused
from .typeset import set_text

TARGET = "print"
PAGE_INCHES = (6, 4)  # 15.24 x 10.16 cm: what photo printers call 10x15 or 4x6
MEDIA = "na_index-4x6_4x6in"  # its IPP (PWG) name: CUPS finds the printer's own name for it
DEFAULT_DPI = 300
LARGEST_DPI = 600  # a 2400 dpi page would be 400 megapixels: photo printers print 300
MARGIN = 0.025  # of the page's long side, as compose's margin on a photo
BAND = 0.1  # the logo's and caption's band under the photo, of the page's long side: 15 mm
ORIGINAL_SIDE = 1800  # the unbranded copy kept for the print: a page's long side at 300 dpi, photo printers' own
INK = (29, 29, 31)
KEY_ATTRIBUTE = "photobooth-key"
NAME_PREFIX = "photobooth "
IPP_NOT_FOUND = 0x0406
PRINTER_STOPPED = 5  # IPP printer-state: 3 idle, 4 processing, 5 stopped
JOB_CANCELED = 7  # IPP job-state: 3 pending, 4 held, 5 processing, 6 stopped, 7 canceled, 8 aborted, 9 completed
# printer-state-reasons the booth explains, most urgent first (CUPS adds -error, -warning or -report).
PROBLEMS = (
    "media-empty",
    "media-needed",
    "media-jam",
    "marker-supply-empty",
    "toner-empty",
    "door-open",
    "offline",
    "paused",
    "marker-supply-low",
    "toner-low",
)
MAX_COPIES = 10


class PrintError(Exception):
    """CUPS could not take the print now (not running, busy): tried again later."""


class PrinterRefused(PrintError, Refused):
    """CUPS refused the print for good (no such printer): fix the settings, then retry."""


class PrintingOff(Exception):
    """The booth's settings do not print ([printing] enabled = false)."""


def _cups():
    import cups  # only a booth that prints needs libcups

    return cups


def connect():
    """A new connection to CUPS (the server in CUPS_SERVER or ~/.cups/client.conf, else the local one).
    pycups connections are not shared between threads: each caller opens its own."""
    cups = _cups()
    try:
        return cups.Connection()
    except RuntimeError as error:
        raise PrintError(f"CUPS is not running or cannot be reached ({error})") from None


# --- The page ------------------------------------------------------------------------


def page_size(dpi: int, *, portrait=False) -> tuple[int, int]:
    """The page in pixels at `dpi`: (1800, 1200) at 300 dpi."""
    long, short = (round(inches * dpi) for inches in PAGE_INCHES)
    return (short, long) if portrait else (long, short)


def page(photo: Image.Image, label: str, language: str, *, dpi=DEFAULT_DPI) -> Image.Image:
    """The printed page: the photo fitted within the page's margin, its line of
    text under it in dark ink on the white paper, both centred. A portrait
    photo gets a portrait page.

    >>> page(Image.new("RGB", (1600, 900)), "Photo 1 of the day, taken at 10:42", "en").size
    (1800, 1200)
    """
    size = page_size(dpi, portrait=photo.height > photo.width)
    width, height = size
    space = round(MARGIN * max(size))
    sheet = Image.new("RGB", size, "white")
    block = set_text(label.strip(), language, width=width - 2 * space, size=caption_size(size) * 2 // 3, max_lines=1)
    line_height = block.ascent + block.descent
    room = (width - 2 * space, height - 2 * space - (line_height + space if block.lines else 0))
    picture = ImageOps.contain(photo.convert("RGB"), room, Image.Resampling.LANCZOS)
    top = space + (room[1] - picture.height) // 2
    sheet.paste(picture, ((width - picture.width) // 2, top))
    if block.lines:
        line = block.lines[0]
        baseline = top + picture.height + space + block.ascent
        line.draw(ImageDraw.Draw(sheet), (width - line.width) // 2, baseline, INK)
    sheet.info["dpi"] = (dpi, dpi)
    return sheet


def branded_page(photo: Image.Image, brand, caption: str, language: str, *, dpi=DEFAULT_DPI) -> Image.Image:
    """The printed page of an unbranded photo: the photo fitted above a band as
    tall as BAND, and in the band the logo (on the side of the brand's corner)
    and the caption beside it, a margin apart, in dark ink on the paper.

    >>> from photobooth.compose import BUNDLED_LOGO, Brand, open_logo
    >>> branded_page(Image.new("RGB", (1600, 900)), Brand(open_logo(BUNDLED_LOGO)), "A Jam", "en").size
    (1800, 1200)
    """
    size = page_size(dpi, portrait=photo.height > photo.width)
    width, height = size
    space, band = round(MARGIN * max(size)), round(BAND * max(size))
    sheet = Image.new("RGB", size, "white")
    room = (width - 2 * space, height - 3 * space - band)
    picture = ImageOps.contain(photo.convert("RGB"), room, Image.Resampling.LANCZOS)
    sheet.paste(picture, ((width - picture.width) // 2, space + (room[1] - picture.height) // 2))
    top = height - space - band
    logo_width = max(1, min(round(band / brand.aspect), width // 3))
    logo = _scaled_logo(brand, logo_width)
    on_left = brand.corner.endswith("left")
    logo_left = space if on_left else width - space - logo.width
    sheet.paste(logo, (logo_left, top + (band - logo.height) // 2), logo)
    left, right = (logo_left + logo.width + space, width - space) if on_left else (space, logo_left - space)
    block = set_text(caption.strip(), language, width=max(1, right - left), size=min(caption_size(size), band // 2))
    line_height = block.ascent + block.descent
    baseline = top + (band - line_height * len(block.lines)) // 2 + block.ascent
    draw = ImageDraw.Draw(sheet)
    for line in block.lines:
        line.draw(draw, right - line.width if block.rtl else left, baseline, INK)
        baseline += line_height
    sheet.info["dpi"] = (dpi, dpi)
    return sheet


def original_of(folder, photo) -> Path:
    """Where the booth keeps a photo's unbranded copy for its print."""
    return Path(folder) / "print-originals" / Path(photo).name


def page_pdf(sheet: Image.Image, dpi: int) -> bytes:
    """The page as a one-page PDF whose page is the paper's size (pixels / dpi)."""
    buffer = io.BytesIO()
    sheet.save(buffer, "PDF", resolution=float(dpi), quality=92)
    return buffer.getvalue()


def printer_dpi(connection, printer: str) -> int:
    """The printer's resolution in dots per inch (its default), at most LARGEST_DPI.
    Raises cups.IPPError if CUPS has no such printer."""
    attributes = connection.getPrinterAttributes(printer, requested_attributes=["printer-resolution-default"])
    try:
        x, _y, units = attributes["printer-resolution-default"]
    except (KeyError, TypeError, ValueError):
        return DEFAULT_DPI
    dpi = round(x * 2.54) if units == 4 else x  # 4: dots per centimetre
    return max(72, min(LARGEST_DPI, int(dpi)))


# --- The publisher ------------------------------------------------------------------


class PrintPublisher:
    """The outbox's publisher for the "print" target (and "print#2"... for prints again)."""

    def __init__(self, printer: str, *, copies=1, connection=connect, folder=None, brand=None):
        if not printer:
            raise PrintError("[printing] printer is not set")
        self.printer, self.copies, self.connection = printer, copies, connection
        self.folder = folder  # the booth's folder, where the unbranded copies are (`original_of`)
        self.brand = brand or (lambda: None)  # () -> the Brand for prints, or None

    def check(self) -> str:
        """The printer's name and how it stands (raises PrintError if CUPS does not know it)."""
        connection = self.connection()
        try:
            attributes = connection.getPrinterAttributes(self.printer, requested_attributes=["printer-info"])
        except _cups().IPPError as error:
            raise _refusal(self.printer, error) from None
        return attributes.get("printer-info") or self.printer

    def publish(self, job, on_remote_id=None) -> str:
        if job.remote_id:
            return job.remote_id  # CUPS has it: its id was recorded
        connection = self.connection()
        try:
            found = find_job(connection, job.idempotency_key)
            if found:
                return found
            dpi = printer_dpi(connection, self.printer)
            sheet = self.page(job, dpi)
            job_id = self._submit(connection, job, page_pdf(sheet, dpi))
        except _cups().IPPError as error:
            raise _refusal(self.printer, error) from None
        except RuntimeError as error:  # pycups: the connection to CUPS broke
            raise PrintError(f"CUPS: {error}") from None
        remote_id = f"{self.printer}/{job_id}"
        if on_remote_id:
            on_remote_id(remote_id)
        return remote_id

    def page(self, job, dpi) -> Image.Image:
        """The job's page: branded for print from the unbranded copy if the booth kept one."""
        language = job.language or "en"
        original = original_of(self.folder, job.photo) if self.folder else None
        brand = self.brand() if original and original.is_file() else None
        try:
            if brand is not None:
                try:
                    with Image.open(original) as photo:
                        return branded_page(photo, brand, job.caption, language, dpi=dpi)
                except (OSError, Image.DecompressionBombError):
                    pass  # a damaged copy: the photo as saved
            with Image.open(job.photo) as photo:
                return page(photo, job.label, language, dpi=dpi)
        except (OSError, Image.DecompressionBombError) as error:
            raise NotAPicture(f"{job.photo.name} is not a picture the booth can read ({error})") from None

    def _submit(self, connection, job, pdf: bytes) -> int:
        handle, path = tempfile.mkstemp(prefix="photobooth-print-", suffix=".pdf")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(pdf)
            options = {
                "copies": str(self.copies),
                "media": MEDIA,
                "print-scaling": "none",
                KEY_ATTRIBUTE: job.idempotency_key,
            }
            return connection.printFile(self.printer, path, f"{NAME_PREFIX}{job.idempotency_key}", options)
        finally:
            os.unlink(path)


def find_job(connection, key: str) -> str:
    """ "printer/id" of the CUPS job carrying `key`, finished or not, or "".
    A job CUPS created but never received the page for (the booth stopped
    between the two requests of a print) is cancelled and not counted: it
    would never print."""
    jobs = connection.getJobs(
        which_jobs="all",
        requested_attributes=[
            "job-id",
            "job-name",
            "job-state",
            "job-printer-uri",
            "number-of-documents",
            KEY_ATTRIBUTE,
        ],
    )
    for job_id, attributes in sorted(jobs.items()):
        if attributes.get(KEY_ATTRIBUTE) != key and attributes.get("job-name") != f"{NAME_PREFIX}{key}":
            continue
        if not attributes.get("number-of-documents"):
            if attributes.get("job-state", JOB_CANCELED) < JOB_CANCELED:
                connection.cancelJob(job_id)
            continue
        printer = attributes.get("job-printer-uri", "").rpartition("/")[2]
        return f"{printer}/{job_id}"
    return ""


def _refusal(printer, error):
    status, message = (*error.args, "", "")[:2]
    if status == IPP_NOT_FOUND:
        return PrinterRefused(f"CUPS has no printer called {printer} (see `lpstat -p`): {message}")
    return PrintError(f"CUPS: {message} (IPP status {status:#06x})" if isinstance(status, int) else str(error))


# --- How the printer stands, for the screen and the panel ---------------------------------


def status(config, *, connection=connect) -> dict:
    """How printing stands, for the screen's status line and the panel:

        {"enabled": True, "printer": "Canon_SELPHY_CP1500", "state": "stopped",
         "problems": ["media-empty", "paused"], "reasons": ["media-empty-error", "paused"],
         "message": "", "queued": 2}

    `state` is "idle", "printing", "stopped", or, when no print can be made,
    "missing" (CUPS has no such printer) or "unreachable" (CUPS is not running);
    `problems` are the reasons the booth explains (PROBLEMS), most urgent first;
    `queued` the prints CUPS has not finished. `message(result, language)` is the line to show."""
    if not config.printing:
        return {
            "enabled": False,
            "printer": "",
            "state": "off",
            "problems": [],
            "reasons": [],
            "message": "",
            "queued": 0,
        }
    result = {"enabled": True, "printer": config.printer, "problems": [], "reasons": [], "message": "", "queued": 0}
    try:
        cups = _cups()
        open_connection = connection()
        attributes = open_connection.getPrinterAttributes(
            config.printer,
            requested_attributes=["printer-state", "printer-state-reasons", "printer-state-message"],
        )
        jobs = open_connection.getJobs(which_jobs="not-completed", requested_attributes=["job-id", "job-printer-uri"])
    except (PrintError, RuntimeError):
        return {**result, "state": "unreachable"}
    except cups.IPPError as error:
        if error.args and error.args[0] == IPP_NOT_FOUND:
            return {**result, "state": "missing"}
        return {**result, "state": "unreachable"}
    reasons = [reason for reason in attributes.get("printer-state-reasons", []) if reason != "none"]
    state = {3: "idle", 4: "printing", PRINTER_STOPPED: "stopped"}.get(attributes.get("printer-state"), "idle")
    problems = [problem for problem in PROBLEMS if any(reason.startswith(problem) for reason in reasons)]
    if state == "stopped" and "paused" not in problems and not problems:
        problems.append("paused")
    queued = sum(1 for job in jobs.values() if job.get("job-printer-uri", "").rpartition("/")[2] == config.printer)
    return {
        **result,
        "state": state,
        "problems": problems,
        "reasons": reasons,
        "message": attributes.get("printer-state-message", ""),
        "queued": queued,
    }


def message(result: dict, language: str) -> str:
    """The line the screen shows for `status()`'s result, in `language`: "" when all is well."""
    _ = i18n.translation(language).gettext
    if not result.get("enabled"):
        return ""
    if result["state"] == "missing":
        return _("Printer %(printer)s is not set up: see the booth's guide.") % {"printer": result["printer"]}
    if result["state"] == "unreachable":
        return _("Printing is not working: the print service is not running.")
    lines = {
        "media-empty": _("The printer is out of paper."),
        "media-needed": _("The printer is out of paper."),
        "media-jam": _("Paper is stuck in the printer."),
        "marker-supply-empty": _("The printer is out of ink."),
        "toner-empty": _("The printer is out of ink."),
        "door-open": _("The printer's cover is open."),
        "offline": _("The printer is switched off or unplugged."),
        "paused": _("The printer is paused."),
        "marker-supply-low": _("The printer's ink is running low."),
        "toner-low": _("The printer's ink is running low."),
    }
    return " ".join(dict.fromkeys(lines[problem] for problem in result["problems"]))


# --- Printing again, from the panel -----------------------------------------------------------


def print_again(photo, config, *, outbox=None) -> str:
    """One more print of `photo` (its path or file name, in the booth's photo
    folder): a new job in the outbox ("print", or "print#2", "print#3"...), so
    it is printed once even if the booth restarts meanwhile. Returns its target.
    Raises PrintingOff if the booth does not print, FileNotFoundError for a photo
    the booth does not have."""
    from .outbox import Outbox, add_print

    if not config.printing:
        raise PrintingOff("printing is off: set [printing] enabled = true")
    folder = (config.folder / "photos").resolve()
    path = (folder / Path(str(photo)).name).resolve()
    if path.parent != folder or path.suffix != ".jpg" or not path.is_file():
        raise FileNotFoundError(f"the booth has no photo called {Path(str(photo)).name}")
    if outbox is not None:
        return add_print(outbox, path)
    with Outbox(config.folder / "outbox.sqlite3") as opened:
        return add_print(opened, path)


def problems_line(problems: tuple, printer: str, language: str) -> str:
    """The printer's problems as the status line says them, in `language` ("" if none)."""
    if not problems:
        return ""
    state = problems[0] if problems[0] in ("missing", "unreachable") else "idle"
    result = {
        "enabled": True,
        "printer": printer,
        "state": state,
        "problems": [] if state != "idle" else list(problems),
    }
    return message(result, language)
