"""`python -m photobooth`: pair, check, outbox; run in-process through main()."""

import io
import stat

import pytest
import segno

from jamportal.feed import services as feed_services
from jamportal.jams.tests.factories import JamFactory
from photobooth.__main__ import main
from photobooth.outbox import Outbox
from photobooth.tests.bluesky_standin import StandInPDS, serve

TAKEN = "2031-03-01T10:00:00+00:00"


def settings_file(tmp_path, portal_url="http://127.0.0.1:9", extra=""):
    path = tmp_path / "photobooth.toml"
    path.write_text(
        f'[portal]\nurl = "{portal_url}"\n'
        f'[booth]\nfolder = "{tmp_path / "booth"}"\nsecrets = "{tmp_path / "secrets.toml"}"\n'
        f'[camera]\nkind = "fake"\n[gpio]\nenabled = false\n{extra}'
    )
    return path


@pytest.fixture
def paired_jam(live_server, settings):
    settings.SITE_URL = live_server.url
    jam = JamFactory(title="Llandudno Jam")
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    return jam, token


@pytest.mark.django_db(transaction=True)
def test_pair_with_the_token_text_checks_it_and_keeps_it_private(paired_jam, live_server, tmp_path, capsys):
    _jam, token = paired_jam
    config = settings_file(tmp_path, live_server.url)

    status = main(["--config", str(config), "pair", token])

    secrets = tmp_path / "secrets.toml"
    assert status == 0
    assert "Paired with Llandudno Jam." in capsys.readouterr().out
    assert secrets.read_text() == f'portal_token = "{token}"\n'
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600


@pytest.mark.django_db(transaction=True)
def test_pair_reads_the_qr_code_from_a_photo_of_the_booth_page(paired_jam, live_server, tmp_path, capsys):
    _jam, token = paired_jam
    config = settings_file(tmp_path, live_server.url)
    (tmp_path / "secrets.toml").write_text('[x]\nconsumer_key = "kept"\n')
    (tmp_path / "secrets.toml").chmod(0o600)
    segno.make(token, error="m").save(tmp_path / "qr.png", scale=6)

    assert main(["--config", str(config), "pair", str(tmp_path / "qr.png")]) == 0

    assert (tmp_path / "secrets.toml").read_text() == f'portal_token = "{token}"\n\n[x]\nconsumer_key = "kept"\n'


@pytest.mark.django_db(transaction=True)
def test_pair_refuses_a_token_the_portal_does_not_know(paired_jam, live_server, tmp_path, capsys):
    config = settings_file(tmp_path, live_server.url)

    status = main(["--config", str(config), "pair", "jpb_not-a-real-token"])

    assert status == 2
    assert "refused this token (401: This booth token is unknown or has been revoked.)" in capsys.readouterr().err
    assert not (tmp_path / "secrets.toml").exists()


def test_pair_explains_what_a_token_looks_like(tmp_path, capsys):
    image = tmp_path / "blank.png"
    segno.make("https://example.org").save(image, scale=4)

    assert main(["--config", str(settings_file(tmp_path)), "pair", "hello"]) == 2
    assert main(["--config", str(settings_file(tmp_path)), "pair", str(image)]) == 2

    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "photobooth: That is not a booth token (they start with jpb_): copy it from the Jam's booth page.",
        f"photobooth: No booth QR code found in {image}: photograph it straight on, filling most of the frame.",
    ]


@pytest.mark.django_db(transaction=True)
def test_check_reports_each_part(paired_jam, live_server, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    _jam, token = paired_jam
    config = settings_file(tmp_path, live_server.url)
    main(["--config", str(config), "pair", token])
    capsys.readouterr()

    status = main(["--config", str(config), "check"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert f"  ok    portal: {live_server.url} knows this booth: Llandudno Jam" in out
    assert "  ok    camera: fake camera: live view 1024x576, photos 1280x720; no autofocus" in out
    assert "  ok    gpio: turned off in the settings (keyboard only)" in out
    assert "  ok    font for English: " in out
    assert out.rstrip().endswith("All good.")


def test_check_fails_loudly_without_a_token_or_with_bad_x_keys(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    config = settings_file(tmp_path)

    status = main(["--config", str(config), "check"])

    out = capsys.readouterr().out
    assert status == 1
    assert "  FAIL  portal: no booth token: run `python -m photobooth pair <token or QR image>`" in out
    assert "1 problem(s) found." in out


def test_bad_settings_stop_every_command_with_the_reasons(tmp_path, capsys):
    config = tmp_path / "photobooth.toml"
    config.write_text('[camera]\nkind = "canon"\n')

    assert main(["--config", str(config), "run"]) == 2
    assert capsys.readouterr().err == (
        f'photobooth: {config} has 1 problem:\n  [camera] kind: "canon" is not one of picamera2, webcam, fake.\n'
    )


def test_outbox_lists_retries_and_purges_but_never_deletes_photos(tmp_path, capsys):
    config = settings_file(tmp_path)
    photo = tmp_path / "booth" / "photos" / "a.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"jpeg")
    with Outbox(tmp_path / "booth" / "outbox.sqlite3") as outbox:
        outbox.enqueue(photo, ["portal", "x", "mastodon"], caption="", language="en", taken_at=TAKEN)
        portal_job, x_job, mastodon_job = outbox.due(now=1e12)
        outbox.mark_done(portal_job, "17")
        outbox.mark_failed(x_job, "XError: 503: Service Unavailable", now=0)
        outbox.mark_refused(mastodon_job, "MastodonRefused: 422: Validation failed")

    main(["--config", str(config), "outbox"])
    listing = capsys.readouterr().out.splitlines()
    main(["--config", str(config), "outbox", "retry"])
    main(["--config", str(config), "outbox", "purge"])
    after = capsys.readouterr().out.splitlines()

    assert listing == [
        "#3     a.jpg  mastodon  FAILED after 1 attempt(s): MastodonRefused: 422: Validation failed",
        "#2     a.jpg  x         waiting, 1 attempt(s), due now  XError: 503: Service Unavailable",
        "#1     a.jpg  portal    posted  17",
        "1 waiting, 1 posted, 1 failed, 0 in a consent window, 0 declined.",
        "A failed job is not tried again until you say so: python -m photobooth outbox retry ID|all",
    ]
    assert after == [
        "2 job(s) will be tried now, by the booth when it runs.",
        f"1 posted job(s) forgotten; the photos stay in {tmp_path / 'booth' / 'photos'}.",
    ]
    assert photo.read_bytes() == b"jpeg"


def test_outbox_retry_takes_the_jobs_by_number_and_refuses_anything_else(tmp_path, capsys):
    config = settings_file(tmp_path)
    with Outbox(tmp_path / "booth" / "outbox.sqlite3") as outbox:
        outbox.enqueue(tmp_path / "a.jpg", ["portal", "x"], caption="", language="en", taken_at=TAKEN)
        for job in outbox.due(now=1e12):
            outbox.mark_refused(job, "PortalError: 401: This booth token is unknown or has been revoked.")

    statuses = [
        main(["--config", str(config), "outbox", "retry", "#2", "9"]),
        main(["--config", str(config), "outbox", "retry", "two"]),
        main(["--config", str(config), "outbox", "list", "2"]),
    ]

    out, err = capsys.readouterr()
    assert statuses == [0, 2, 2]
    assert out.splitlines() == [
        "1 job(s) will be tried now, by the booth when it runs.",
        "The others are posted, declined, held in a consent window or not in the outbox.",
    ]
    assert err.splitlines() == [
        "photobooth: outbox retry takes job numbers as `outbox list` shows them (#12), or all; not two.",
        "photobooth: outbox list takes no job numbers (outbox retry does).",
    ]
    with Outbox(tmp_path / "booth" / "outbox.sqlite3") as outbox:
        assert [(job.id, job.status) for job in outbox.jobs()] == [(2, "pending"), (1, "failed")]


@pytest.mark.django_db(transaction=True)
def test_pair_reads_the_token_from_standard_input(paired_jam, live_server, tmp_path, monkeypatch):
    _jam, token = paired_jam
    monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))

    assert main(["--config", str(settings_file(tmp_path, live_server.url)), "pair", "-"]) == 0

    assert (tmp_path / "secrets.toml").read_text() == f'portal_token = "{token}"\n'


@pytest.mark.django_db(transaction=True)
def test_check_names_the_portal_url_when_it_has_a_path(paired_jam, live_server, tmp_path, capsys, monkeypatch):
    """Found by an outsider: an address copied from the browser (…/en/) printed the
    portal's whole 404 page and said to pair again."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    _jam, token = paired_jam
    config = settings_file(tmp_path, f"{live_server.url}/en/")
    main(["--config", str(settings_file(tmp_path, live_server.url)), "pair", token])
    settings_file(tmp_path, f"{live_server.url}/en/")
    capsys.readouterr()

    status = main(["--config", str(config), "check"])

    out = capsys.readouterr().out
    [portal] = [line for line in out.splitlines() if line.strip().startswith("FAIL  portal")]
    assert status == 1
    assert "is [portal] url the portal's own address, with no path after it" in portal
    assert "<" not in portal
    assert "pair" not in portal


def test_outbox_list_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    """`outbox list | head -1` ended in a BrokenPipeError traceback (found by an outsider)."""
    import subprocess
    import sys

    config = settings_file(tmp_path)
    photos = tmp_path / "booth" / "photos"
    photos.mkdir(parents=True)
    with Outbox(tmp_path / "booth" / "outbox.sqlite3") as outbox:
        for number in range(3000):
            (photos / f"{number}.jpg").write_bytes(b"jpeg")
            outbox.enqueue(photos / f"{number}.jpg", ["portal"], caption="", language="en", taken_at=TAKEN)
    command = f"{sys.executable} -m photobooth --config {config} outbox list | head -1"

    finished = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=60)

    assert finished.stdout.count("\n") == 1
    assert "Traceback" not in finished.stderr, finished.stderr


# --- Bluesky ---


@pytest.mark.parametrize(
    ("app_password", "line"),
    [
        ("abcd-efgh-ijkl-mnop", "  ok    bluesky: posting as @ourjam.bsky.social"),
        (
            "wxyz-wxyz-wxyz-wxyz",
            "  FAIL  bluesky: Bluesky refused the login of ourjam.bsky.social (401 AuthenticationRequired: Invalid "
            "identifier or password): check [bluesky] handle and its app password",
        ),
        (
            "our own password",
            "  FAIL  targets: bluesky: [bluesky] app_password is not an app password (four groups of four letters "
            "and digits, such as abcd-efgh-ijkl-mnop): make one in Bluesky's Settings > Privacy and security > "
            "App passwords; never give the booth the account's own password",
        ),
    ],
    ids=["app password", "wrong app password", "the account's own password"],
)
@pytest.mark.django_db(transaction=True)
def test_check_logs_in_to_bluesky_and_names_the_account(
    paired_jam, live_server, tmp_path, capsys, monkeypatch, app_password, line
):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("PHOTOBOOTH_BLUESKY_APP_PASSWORD", app_password)
    _jam, token = paired_jam
    with serve(StandInPDS()) as pds:
        bluesky = f'[bluesky]\nhandle = "ourjam.bsky.social"\nservice = "{pds}"\n'
        config = settings_file(tmp_path, live_server.url, extra=bluesky)
        text = config.read_text().replace('folder = "', 'targets = ["portal", "bluesky"]\nfolder = "')
        config.write_text(text)
        main(["--config", str(config), "pair", token])
        capsys.readouterr()

        status = main(["--config", str(config), "check"])

    out = capsys.readouterr().out
    assert line in out.splitlines(), out
    assert status == (0 if line.startswith("  ok") else 1)
    assert app_password not in out
