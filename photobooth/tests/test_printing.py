"""Printing through a real CUPS server of the test's own and its CUPS-PDF
printer (the `cups_server` fixture, conftest.py): the page, exactly once,
the queue across restarts, and how the printer stands on the screen."""

import subprocess
import time
from pathlib import Path

import cups
import pytest
from PIL import Image

from photobooth import app, printing
from photobooth.compose import BUNDLED_LOGO, Brand, logo_box, open_logo
from photobooth.config import ConfigError, parse
from photobooth.outbox import Outbox, publish_due
from photobooth.printing import PrintPublisher, branded_page, original_of, page, print_again, status

TAKEN = "2031-03-01T10:00:00+00:00"
LABEL = "Photo 12 of the day, taken at 10:42"
RASPBERRY = (197, 26, 74)


def booth_config(folder, **printing_settings):
    settings = {"enabled": True, "printer": "booth-pdf", **printing_settings}
    lines = "\n".join(f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value)}"
                      for key, value in settings.items())  # fmt: skip
    lines = lines.replace("'", '"')
    return parse(f'[booth]\nfolder = "{folder}"\n[camera]\nkind = "fake"\n[printing]\n{lines}')


def take_photo(outbox, folder, targets=("print",), colour=RASPBERRY, size=(1600, 900)):
    image = Image.new("RGB", size, colour)
    path = Path(folder) / "photos" / f"{len(list((Path(folder) / 'photos').glob('*.jpg')))}-photo.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=95)
    outbox.enqueue(path, list(targets), caption="A Jam", language="en", taken_at=TAKEN, label=LABEL)
    return path


def cups_jobs(printer="booth-pdf"):
    jobs = cups.Connection().getJobs(
        which_jobs="all", requested_attributes=["job-id", "job-state", "job-printer-uri", printing.KEY_ATTRIBUTE]
    )
    return {job_id: job for job_id, job in jobs.items() if job.get("job-printer-uri", "").endswith(f"/{printer}")}


def wait_for_pdfs(server, count, timeout=60):
    """The PDFs, once CUPS has finished `count` jobs (cups-pdf writes each as it goes)."""
    deadline = time.monotonic() + timeout
    while sum(job["job-state"] == cups.IPP_JOB_COMPLETED for job in cups_jobs().values()) < count:
        assert time.monotonic() < deadline, f"no PDF from CUPS-PDF after {timeout}s: {server.log()}"
        time.sleep(0.2)
    return server.pdfs()


@pytest.fixture
def outbox(tmp_path):
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        yield box


# --- The page -----------------------------------------------------------------------


def test_page_is_10x15_at_the_printers_resolution_with_the_photo_and_its_line():
    sheet = page(Image.new("RGB", (1600, 900), RASPBERRY), LABEL, "en", dpi=300)

    assert sheet.size == (1800, 1200)
    assert sheet.getpixel((900, 500)) == RASPBERRY
    assert sheet.getpixel((10, 10)) == (255, 255, 255)  # the margin
    band = sheet.crop((0, 1200 - 200, 1800, 1200 - 45)).convert("L")
    assert band.getextrema()[0] < 100  # the line's dark ink under the photo
    assert page(Image.new("RGB", (1600, 900)), LABEL, "en", dpi=600).size == (3600, 2400)


def non_white(image, box):
    """How many pixels in `box` are not the paper's white."""
    return image.crop(box).convert("L").point(lambda value: 255 if value < 200 else 0).histogram()[255]


def test_branded_page_has_the_photo_above_the_logo_and_caption_laid_out_for_paper():
    brand = Brand(open_logo(BUNDLED_LOGO), corner="top-right")

    sheet = branded_page(Image.new("RGB", (1600, 900), RASPBERRY), brand, "Cambridge Jam, 3 March", "en", dpi=300)

    assert sheet.size == (1800, 1200)
    assert sheet.getpixel((900, 450)) == RASPBERRY
    band_top = 1200 - 45 - 180  # the margin and the band: 2.5 % and 10 % of the long side
    assert non_white(sheet, (0, 0, 1800, 45)) == 0  # the top margin
    assert non_white(sheet, (1800 - 45 - 150, band_top, 1800 - 45, 1200 - 45)) > 2000  # the logo, on the right
    assert non_white(sheet, (45, band_top, 900, 1200 - 45)) > 2000  # the caption's ink, on the left
    assert non_white(sheet, (45, 1200 - 45, 1800, 1200)) == 0  # the bottom margin


def test_branded_page_puts_a_left_corners_logo_on_the_left_and_rtl_captions_on_the_right():
    brand = Brand(open_logo(BUNDLED_LOGO), corner="bottom-left")

    sheet = branded_page(Image.new("RGB", (900, 1600), RASPBERRY), brand, "جم تهران", "fa", dpi=300)

    assert sheet.size == (1200, 1800)
    band = (1800 - 45 - 180, 1800 - 45)
    assert non_white(sheet, (45, band[0], 45 + 150, band[1])) > 2000  # the logo
    assert non_white(sheet, (600, band[0], 1200 - 45, band[1])) > 1000  # the caption, from the right
    assert non_white(sheet, (45 + 150 + 45, band[0], 500, band[1])) == 0


def test_a_booth_that_prints_keeps_each_photo_unbranded_for_its_print(tmp_path):
    from photobooth.camera import FakeCamera

    config = booth_config(tmp_path)
    settings = {"jam_title": "Caerdydd Jam", "language": "en"}
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        booth = app.make_booth(config, settings, FakeCamera((1280, 720)), outbox, Image.new("RGBA", (10, 12), "red"))
        booth.press("short", now=0)
        booth.tick(now=3)
        [photo] = (tmp_path / "photos").glob("*.jpg")

    logo = logo_box((1280, 720), Brand(logo=Image.new("RGBA", (10, 12))))  # where compose put it: top right
    spot = (logo[0] + 5, logo[1] + 5)
    with Image.open(original_of(tmp_path, photo)) as original, Image.open(photo) as saved:
        assert original.size == saved.size == (1280, 720)
        assert saved.convert("RGB").getpixel(spot)[0] > 200  # red: the logo on the saved photo
        assert original.convert("RGB").getpixel(spot) == saved_without_logo(tmp_path, spot)


def test_the_unbranded_copy_of_a_12_megapixel_photo_is_a_pages_size():
    capture = Image.new("RGB", (4608, 2592), RASPBERRY)

    assert app.for_print(capture).size == (1800, 1013)
    assert capture.size == (4608, 2592)  # the capture itself is branded and saved as it is


def saved_without_logo(tmp_path, spot):
    """The fake camera's pixel at `spot`, as JPEG keeps it: what the unbranded copy has there."""
    from photobooth.camera import FakeCamera

    image = FakeCamera((1280, 720)).capture().convert("RGB")
    image.save(tmp_path / "plain.jpg", quality=92)
    with Image.open(tmp_path / "plain.jpg") as plain:
        return plain.convert("RGB").getpixel(spot)


def test_a_portrait_photo_gets_a_portrait_page():
    assert page(Image.new("RGB", (900, 1600)), LABEL, "fa", dpi=300).size == (1200, 1800)


def test_printer_resolution_is_read_from_cups(cups_server):
    assert printing.printer_dpi(cups.Connection(), "booth-pdf") == 300


# --- Printing, once ---------------------------------------------------------------------------


def test_a_photo_printed_reaches_the_cups_pdf_printer_on_10x15_paper(cups_server, outbox, tmp_path):
    photo = take_photo(outbox, tmp_path, colour="white")  # as saved, branded: not what is printed
    original_of(tmp_path, photo).parent.mkdir()
    Image.new("RGB", (1600, 900), RASPBERRY).save(original_of(tmp_path, photo))
    brand = Brand(open_logo(BUNDLED_LOGO))
    publisher = PrintPublisher("booth-pdf", folder=tmp_path, brand=lambda: brand)

    posted, failed = publish_due(outbox, {"print": publisher})

    assert (posted, failed) == (1, 0)
    [job] = outbox.jobs()
    assert job.status == "done"
    assert job.remote_id.startswith("booth-pdf/")
    [pdf] = wait_for_pdfs(cups_server, 1)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    [size] = [line for line in info.splitlines() if line.startswith("Page size:")]
    width, height = (float(number) for number in size.split()[2:5:2])
    assert sorted((round(width), round(height))) == [288, 432]  # 4 x 6 in, 10.16 x 15.24 cm
    assert "Pages:           1" in info
    subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "image")], check=True)
    [image] = tmp_path.glob("image-*.png")
    with Image.open(image) as printed:
        assert sorted(printed.size) == [1200, 1800]  # the page, at the printer's 300 dpi
        landscape = printed.convert("RGB").rotate(90 if printed.width < printed.height else 0, expand=True)
    expected = branded_page(Image.new("RGB", (1600, 900), RASPBERRY), brand, "A Jam", "en", dpi=300)
    # the page CUPS-PDF made (rotated onto 4x6 paper fed portrait, either way) is the branded page
    difference = min(
        sum(abs(a - b) for a, b in zip(turned.tobytes()[::97], expected.tobytes()[::97], strict=True))
        for turned in (landscape, landscape.rotate(180))
    )
    assert difference / len(expected.tobytes()[::97]) < 6, difference


def test_a_photo_without_its_unbranded_copy_is_printed_as_saved(tmp_path):
    photo = tmp_path / "photos" / "a.jpg"
    photo.parent.mkdir()
    Image.new("RGB", (1600, 900), RASPBERRY).save(photo)
    brand = Brand(open_logo(BUNDLED_LOGO))
    publisher = PrintPublisher("booth-pdf", folder=tmp_path, brand=lambda: brand)
    job = type("Job", (), {"photo": photo, "caption": "A Jam", "label": LABEL, "language": "en"})

    sheet = publisher.page(job, 300)

    with Image.open(photo) as saved:
        assert sheet.tobytes() == page(saved, LABEL, "en", dpi=300).tobytes()


def test_a_print_cups_has_is_not_printed_again_after_a_lost_answer(cups_server, outbox, tmp_path):
    take_photo(outbox, tmp_path)
    [job] = outbox.due()
    publisher = PrintPublisher("booth-pdf")
    first = publisher.publish(job)  # CUPS has it; the booth "died" before recording the answer
    cups_server.restart()  # and CUPS restarted too: its history is kept

    posted, _failed = publish_due(outbox, {"print": publisher})

    assert posted == 1
    assert outbox.jobs()[0].remote_id == first
    jobs = cups_jobs()
    assert [job[printing.KEY_ATTRIBUTE] for job in jobs.values()] == [outbox_key(outbox)]


def test_a_print_cups_created_but_never_got_the_page_for_is_printed_anew(cups_server, outbox, tmp_path):
    take_photo(outbox, tmp_path)
    [job] = outbox.due()
    connection = cups.Connection()
    # The booth stopped between the print's two requests: CUPS made the job, the page never came.
    half = connection.createJob("booth-pdf", "photobooth half", {printing.KEY_ATTRIBUTE: job.idempotency_key})

    assert publish_due(outbox, {"print": PrintPublisher("booth-pdf")}) == (1, 0)

    jobs = cups_jobs()
    assert jobs[half]["job-state"] == cups.IPP_JOB_CANCELED
    [printed] = [job_id for job_id in jobs if job_id != half]
    assert outbox.jobs()[0].remote_id == f"booth-pdf/{printed}"
    wait_for_pdfs(cups_server, 1)


def outbox_key(outbox):
    return outbox._db.execute("SELECT idempotency_key FROM jobs").fetchone()[0]


def test_the_print_queue_survives_a_restart_while_cups_is_down(cups_server, tmp_path):
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        take_photo(outbox, tmp_path)
        cups_server.stop()
        errors = []
        assert publish_due(outbox, {"print": PrintPublisher("booth-pdf")}, errors=errors) == (0, 1)
        assert isinstance(errors[0], printing.PrintError)
        assert outbox.counts()["pending"] == 1
    cups_server.start()  # the booth and CUPS come back

    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        outbox.retry_waiting()
        assert publish_due(outbox, {"print": PrintPublisher("booth-pdf")}) == (1, 0)
        assert outbox.counts()["done"] == 1
    assert len(cups_jobs()) == 1
    wait_for_pdfs(cups_server, 1)


def test_a_printer_cups_does_not_have_fails_the_job_until_retried(cups_server, outbox, tmp_path):
    take_photo(outbox, tmp_path)
    errors = []

    assert publish_due(outbox, {"print": PrintPublisher("no-such-printer")}, errors=errors) == (0, 1)

    assert outbox.counts()["failed"] == 1
    assert "CUPS has no printer called no-such-printer" in str(errors[0])
    assert status(booth_config(tmp_path, printer="no-such-printer"))["state"] == "missing"


def test_print_again_prints_the_photo_once_more(cups_server, outbox, tmp_path):
    photo = take_photo(outbox, tmp_path, targets=("portal",))
    config = booth_config(tmp_path, auto=False)

    assert print_again(photo.name, config, outbox=outbox) == "print"
    assert print_again(photo, config, outbox=outbox) == "print#2"
    assert publish_due(outbox, {"print": PrintPublisher("booth-pdf")}) == (2, 0)

    keys = sorted(job[printing.KEY_ATTRIBUTE] for job in cups_jobs().values())
    assert len(keys) == 2
    assert keys[0] != keys[1]
    labels = outbox._db.execute("SELECT DISTINCT label FROM jobs WHERE target LIKE 'print%'").fetchall()
    assert labels == [(LABEL,)]


def test_print_again_refuses_a_photo_outside_the_booths_folder(outbox, tmp_path):
    config = booth_config(tmp_path)
    outside = tmp_path / "elsewhere.jpg"
    Image.new("RGB", (10, 10)).save(outside)

    with pytest.raises(FileNotFoundError, match=r"the booth has no photo called elsewhere\.jpg"):
        print_again(outside, config, outbox=outbox)
    with pytest.raises(FileNotFoundError):
        print_again("../elsewhere.jpg", config, outbox=outbox)
    with pytest.raises(printing.PrintingOff):
        print_again(outside, parse(f'[booth]\nfolder = "{tmp_path}"'), outbox=outbox)
    assert outbox.counts()["pending"] == 0


# --- How the printer stands ---------------------------------------------------------------------------


def test_out_of_paper_is_shown_on_the_screen_and_for_the_panel(cups_server, tmp_path):
    config = booth_config(tmp_path)
    cups_server.set_reasons("booth-pdf", "media-empty-error", "marker-supply-low-warning")

    result = status(config)

    assert result["problems"] == ["media-empty", "marker-supply-low"]
    assert result["reasons"] == ["media-empty-error", "marker-supply-low-warning"]
    assert printing.message(result, "en") == "The printer is out of paper. The printer's ink is running low."
    outlook = app.Outlook()
    outlook.update_printer(result)
    assert printing.problems_line(*outlook.read_printer(), "fr") == (
        "L’imprimante n’a plus de papier. L’encre de l’imprimante est presque épuisée."
    )


def test_a_paused_printer_is_shown(cups_server, tmp_path):
    config = booth_config(tmp_path)
    assert status(config)["problems"] == []
    cups_server.run("cupsdisable", "booth-pdf")

    result = status(config)

    assert (result["state"], result["problems"]) == ("stopped", ["paused"])
    assert printing.message(result, "en") == "The printer is paused."


def test_the_status_line_says_what_is_wrong_with_the_printer(tmp_path):
    from photobooth.booth import Booth
    from photobooth.camera import FakeCamera

    outlook = app.Outlook()
    outlook.update_printer({"enabled": True, "printer": "booth-pdf", "state": "idle", "problems": ["media-jam"]})
    booth = Booth(
        camera=FakeCamera((64, 36)),
        brand=lambda image, caption, language: image,
        save=lambda image, caption, language: "photo.jpg",
        enqueue=lambda path, caption, language: None,
        caption=lambda language: "Hi",
        languages=["de"],
    )
    session = app.Session(booth=booth, screen=None, camera=FakeCamera((64, 36)), outlook=outlook)

    assert session.view(0).status == "Alle Fotos veröffentlicht · Papierstau im Drucker."


def test_cups_not_running_is_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no.sock"))
    before = cups.getServer()
    cups.setServer(str(tmp_path / "no.sock"))
    try:
        result = status(booth_config(tmp_path))
    finally:
        cups.setServer(before)

    assert result["state"] == "unreachable"
    assert printing.message(result, "en") == "Printing is not working: the print service is not running."


def test_a_booth_that_does_not_print_says_nothing_about_printing(tmp_path):
    config = parse(f'[booth]\nfolder = "{tmp_path}"')

    assert status(config)["enabled"] is False
    assert app.printer_status(config) is None
    assert config.targets == ("portal",)


def test_the_publishing_thread_tells_the_screen_how_the_printer_stands(outbox):
    outlook = app.Outlook()
    answers = iter([{"enabled": True, "printer": "p", "state": "stopped", "problems": ["media-empty"]}])
    publishing = app.Publishing(outbox, {}, outlook, printer=lambda: next(answers))

    publishing.round()
    publishing.round()  # within PRINTER_EVERY_S: CUPS is not asked again

    assert outlook.read_printer() == (("media-empty",), "p")


def test_a_booth_that_prints_on_request_only_has_a_print_publisher(tmp_path):
    config = booth_config(tmp_path, auto=False, copies=3)

    publishers = app.publishers_for(config, {}, {}, portal=object())

    assert sorted(publishers) == ["portal", "print"]
    assert (publishers["print"].printer, publishers["print"].copies) == ("booth-pdf", 3)


# --- Settings ---------------------------------------------------------------------------


def test_printing_each_photo_makes_print_a_target(tmp_path):
    assert booth_config(tmp_path).targets == ("portal", "print")
    assert booth_config(tmp_path, auto=False).targets == ("portal",)
    assert booth_config(tmp_path, copies=2).print_copies == 2


def test_printing_settings_are_checked_with_clear_messages():
    with pytest.raises(ConfigError) as raised:
        parse('[printing]\nenabled = "yes"\nprinter = "my printer"\ncopies = 0\nauto = 1\npaper = "4x6"')

    assert raised.value.problems == [
        '[printing] enabled: must be true or false, not "yes".',
        '[printing] printer: must be the CUPS name of the printer (`lpstat -p` lists them), such as "SELPHY_CP1500", '
        'not "my printer".',
        "[printing] copies: must be a whole number from 1 to 10, not 0.",
        "[printing] auto: must be true or false, not 1.",
        "[printing] paper is not a setting; [printing] takes enabled, printer, auto, copies.",
    ]
    with pytest.raises(ConfigError, match=r"\[printing\] printer: needed to print"):
        parse("[printing]\nenabled = true")


# --- The booth itself ---------------------------------------------------------------------------


@pytest.mark.slow  # the booth's whole main loop against a live server and a real cupsd
@pytest.mark.django_db(transaction=True)
def test_run_prints_the_photo_and_says_the_printer_is_out_of_paper(
    live_server, settings, tmp_path, monkeypatch, cups_server
):
    import threading

    import pygame

    from jamportal.feed import services as feed_services
    from jamportal.feed.models import Photo
    from jamportal.jams.tests.factories import JamFactory

    settings.SITE_URL = live_server.url
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "no-such-factory")
    monkeypatch.setattr(app, "PRINTER_EVERY_S", 0.5)
    jam = JamFactory(title="Print Jam")
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    monkeypatch.setenv("PHOTOBOOTH_PORTAL_TOKEN", token)
    config = parse(
        f'[portal]\nurl = "{live_server.url}"\n[booth]\nfolder = "{tmp_path}"\nsecrets = "{tmp_path / "none.toml"}"\n'
        '[camera]\nkind = "fake"\nresolution = [640, 360]\n[screen]\nfullscreen = false\nsize = [320, 180]\n'
        '[gpio]\nenabled = false\n[printing]\nenabled = true\nprinter = "booth-pdf"',
        base=tmp_path,
    )
    cups_server.run("cupsdisable", "booth-pdf")  # the print waits in CUPS's queue while the tray is empty
    cups_server.set_reasons("booth-pdf", "media-empty-error")
    statuses = []
    real_show = app.Screen.show

    def show(screen, view):
        statuses.append(view.status)
        real_show(screen, view)

    monkeypatch.setattr(app.Screen, "show", show)

    def done():
        if not (tmp_path / "outbox.sqlite3").exists():
            return False
        with Outbox(tmp_path / "outbox.sqlite3") as outbox:
            return outbox.counts()["done"] == 2  # the portal and the print

    def attendee():
        def key(kind, name):
            pygame.event.post(pygame.event.Event(kind, key=name))

        time.sleep(1.0)
        key(pygame.KEYDOWN, pygame.K_SPACE)
        key(pygame.KEYUP, pygame.K_SPACE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (done() and statuses and "paper" in statuses[-1]):
            time.sleep(0.2)
        key(pygame.KEYDOWN, pygame.K_ESCAPE)

    threading.Thread(target=attendee, daemon=True).start()
    assert app.run(config) == 0

    assert Photo.objects.get().jam == jam
    [photo] = (tmp_path / "photos").glob("*.jpg")
    assert original_of(tmp_path, photo).is_file()
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        [key] = outbox._db.execute("SELECT idempotency_key FROM jobs WHERE target = 'print'").fetchone()
    assert cups_server.printed_keys() == {key: 1}
    assert statuses[-1] == "All photos posted · The printer is out of paper."
