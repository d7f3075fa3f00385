"""What the portal keeps of a booth upload, and what it refuses (the findings of the
outside security review): metadata never survives, truncated or broken files and
oversized images are refused with the documented answers."""

import concurrent.futures
import contextlib
import io
import struct
import threading
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile, ImageOps, PngImagePlugin

from jamportal.feed import files, images, services
from jamportal.feed.models import Photo
from jamportal.feed.tests import multipart
from jamportal.jams.tests.factories import JamFactory

pytestmark = pytest.mark.django_db
API = "/api/booth"
RED = (200, 30, 70)
NOT_AN_IMAGE = {"error": "not_an_image", "message": "The file is not an image we can read."}
TOO_MANY_PIXELS = {"error": "too_large", "message": "The image has more than 40 million pixels."}


@pytest.fixture
def token():
    jam = JamFactory()
    return services.booth_create(jam, by=jam.organiser, name="Door")[1]


def post(client, token, data, name="photo.jpg"):
    return client.post(
        f"{API}/photos",
        {
            "image": SimpleUploadedFile(name, data, content_type="application/octet-stream"),
            "idempotency_key": "key-1",
            "taken_at": "2031-03-01T10:00:00+00:00",
        },
        headers={"authorization": f"Bearer {token}"},
    )


def encode(image, kind, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **params)
    return buffer.getvalue()


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to its first scan (0xE0 APP0 ... 0xFE COM)."""
    assert data[:2] == b"\xff\xd8"
    markers, position = [], 2
    while True:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return markers
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length


def photoshop_iptc(text: bytes) -> bytes:
    """An APP13 segment carrying an IPTC caption, as photo tools write it."""
    iptc = b"\x1c\x02\x78" + struct.pack(">H", len(text)) + text
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc + b"\x00" * (len(iptc) % 2)
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def exif_with(text: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = text  # ImageDescription
    exif[0x013B] = text  # Artist
    return exif


def png_text(marker: str) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", marker)  # tEXt, which Pillow reads into info["comment"]
    info.add_text("Description", marker, zip=True)  # zTXt
    info.add_itxt("Title", marker, lang="en")  # iTXt
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{marker}</x:xmpmeta>")
    return info


def with_metadata(kind: str, marker: str) -> tuple[bytes, str]:
    """A small red picture of the given kind carrying `marker` in one kind of metadata."""
    picture = Image.new("RGB", (320, 240), RED)
    text = marker.encode()
    return {
        "jpeg-comment": lambda: encode(picture, "JPEG", comment=text),
        "jpeg-exif": lambda: encode(picture, "JPEG", exif=exif_with(marker)),
        "jpeg-xmp": lambda: encode(picture, "JPEG", xmp=b"<x:xmpmeta>" + text + b"</x:xmpmeta>"),
        "jpeg-icc": lambda: encode(picture, "JPEG", icc_profile=b"\x00\x00\x02\x00" + text * 8),
        "jpeg-iptc": lambda: encode(picture, "JPEG", extra=photoshop_iptc(text)),
        "gif-comment": lambda: encode(picture.convert("P", palette=Image.Palette.ADAPTIVE), "GIF", comment=text),
        "png-text": lambda: encode(picture, "PNG", pnginfo=png_text(marker)),
        "png-exif-icc": lambda: encode(picture, "PNG", exif=exif_with(marker), icc_profile=text * 8),
        "webp-exif-xmp-icc": lambda: encode(
            picture, "WEBP", lossless=True, exif=exif_with(marker), xmp=text, icc_profile=text * 8
        ),
    }[kind]()


# Row 3: no metadata of any kind survives, in the original kept or in any size made from it.


@pytest.mark.parametrize(
    "kind",
    [
        "jpeg-comment",
        "jpeg-exif",
        "jpeg-xmp",
        "jpeg-icc",
        "jpeg-iptc",
        "gif-comment",
        "png-text",
        "png-exif-icc",
        "webp-exif-xmp-icc",
    ],
)
def test_no_metadata_survives_in_any_stored_size(client, token, kind):
    marker = f"JAMSECRET-{kind}-4711"
    data = with_metadata(kind, marker)
    assert marker.encode() in data  # the marker really is in the upload

    response = post(client, token, data)
    photo = Photo.objects.get()
    services.photo_make_sizes(photo)

    assert response.status_code == 201
    for field in ("image", "web", "thumbnail"):
        with getattr(photo, field).open("rb") as stored:
            kept = stored.read()
        assert marker.encode() not in kept, field
        # Only the JFIF header (APP0), tables, the frame and the scan: no APP1-APP15, no COM.
        assert [hex(m) for m in jpeg_segments(kept) if 0xE1 <= m <= 0xEF or m == 0xFE] == [], field
        image = Image.open(io.BytesIO(kept))
        assert image.info.keys() <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression"}
        centre = image.convert("RGB").getpixel((image.width // 2, image.height // 2))
        assert all(abs(got - want) <= 6 for got, want in zip(centre, RED, strict=True)), (field, centre)


# Row 4: truncated or broken files are refused whatever another library set for the whole process.


def noisy(kind) -> bytes:
    picture = Image.effect_noise((640, 480), 64).convert("RGB")
    return encode(picture.convert("P") if kind == "GIF" else picture, kind)


def first_60_percent(data: bytes) -> bytes:
    return data[: len(data) * 6 // 10]


def corrupt_middle(data: bytes) -> bytes:
    """A stray start-of-image marker halfway through the scan: libjpeg gives up there."""
    middle = len(data) // 2
    return data[:middle] + b"\xff\xd8" + data[middle:]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: first_60_percent(noisy("JPEG")), id="first 60 % of a JPEG"),
        pytest.param(lambda: first_60_percent(noisy("GIF")), id="first 60 % of a GIF"),
        pytest.param(lambda: first_60_percent(noisy("PNG")), id="first 60 % of a PNG"),
        pytest.param(lambda: corrupt_middle(noisy("JPEG")), id="a JPEG broken in the middle"),
    ],
)
def test_truncated_or_broken_files_are_refused_even_after_weasyprint_is_imported(client, token, make):
    import jamportal.pdf  # noqa: F401 (the import is the point: WeasyPrint sets Pillow's flag for everyone)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True

    response = post(client, token, make())

    assert (response.status_code, response.json()) == (415, NOT_AN_IMAGE)
    assert not Photo.objects.exists()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's choice is left as it was


def test_a_file_cut_short_is_refused_even_if_another_thread_turns_the_flag_on_meanwhile(monkeypatch):
    # As if another thread set the flag again between our turning it off and our decode.
    monkeypatch.setattr(images, "_refusing_truncated_files", contextlib.nullcontext)
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    upload = SimpleUploadedFile("cut.jpg", first_60_percent(noisy("JPEG")))

    with pytest.raises(images.PhotoRejected) as rejected:
        images.upload_clean(upload)

    assert (rejected.value.code, str(rejected.value)) == ("not_an_image", NOT_AN_IMAGE["message"])


@pytest.mark.parametrize("before", [True, False])
def test_overlapping_decodes_refuse_truncation_and_then_give_the_flag_back(monkeypatch, before):
    # Two decodes overlap, and the one that started first finishes first (the order in
    # which a naive save-and-restore would leave the flag wrong for everyone).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", before)
    first_inside, second_inside, first_done = threading.Event(), threading.Event(), threading.Event()
    seen_while_decoding = []
    exif_transpose = ImageOps.exif_transpose

    def meet_the_other_decode(image):
        if not first_inside.is_set():
            first_inside.set()
            second_inside.wait(timeout=10)
        else:
            second_inside.set()
            first_done.wait(timeout=10)
        seen_while_decoding.append(ImageFile.LOAD_TRUNCATED_IMAGES)
        return exif_transpose(image)

    monkeypatch.setattr(ImageOps, "exif_transpose", meet_the_other_decode)

    def decode(name):
        try:
            return images.upload_clean(SimpleUploadedFile(name, noisy("JPEG")))[1]
        finally:
            if name == "first.jpg":
                first_done.set()

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(decode, "first.jpg")
        assert first_inside.wait(timeout=10)
        second = pool.submit(decode, "second.jpg")
        sizes = [first.result(timeout=30), second.result(timeout=30)]

    assert sizes == [(640, 480), (640, 480)]
    assert seen_while_decoding == [False, False]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is before


# The request checks what it can afford and keeps the upload privately; the worker cleans it.


def with_an_undefined_quantisation_table(data: bytes) -> bytes:
    """A JPEG whose frame names a table the file never defines: whole as a file, but
    libjpeg refuses to decode it."""
    data = bytearray(data)
    frame = data.index(b"\xff\xc0")
    data[frame + 12] = 3  # the first component's quantisation table: 3, never defined
    return bytes(data)


def stored(folder) -> list[Path]:
    return sorted(path for path in Path(folder).rglob("*") if path.is_file())


def test_an_upload_waits_in_private_unshown_until_the_worker_has_cleaned_it(
    client, token, settings, django_capture_on_commit_callbacks
):
    marker = "JAMSECRET-gps-4711"
    data = encode(Image.new("RGB", (320, 240), RED), "JPEG", exif=exif_with(marker))

    response = post(client, token, data)  # the worker's task is not run: its on-commit callback is not executed
    photo = Photo.objects.get()
    gallery = client.get(reverse("feed:photos-json", args=[photo.jam.slug])).json()
    [waiting] = stored(settings.PRIVATE_MEDIA_ROOT)

    assert response.status_code == 201
    assert stored(settings.MEDIA_ROOT) == []
    assert marker.encode() in waiting.read_bytes()  # as the booth sent it, but only in the private folder
    assert (photo.image.name, photo.web.name, photo.thumbnail.name) == ("", "", "")
    assert gallery["photos"] == []

    with django_capture_on_commit_callbacks(execute=True):  # the worker's task commits
        services.photo_make_sizes(photo)

    gallery = client.get(reverse("feed:photos-json", args=[photo.jam.slug])).json()
    assert [shown["id"] for shown in gallery["photos"]] == [photo.pk]
    assert stored(settings.PRIVATE_MEDIA_ROOT) == []  # the upload is gone once cleaned
    assert sorted(path.name for path in stored(settings.MEDIA_ROOT)) == sorted(
        Path(name).name for name in files.names(photo)
    )
    assert all(marker.encode() not in path.read_bytes() for path in stored(settings.MEDIA_ROOT))
    assert (photo.width, photo.height) == (320, 240)


def test_an_upload_the_full_check_refuses_is_deleted_by_the_worker(
    client, token, settings, django_capture_on_commit_callbacks
):
    data = with_an_undefined_quantisation_table(encode(Image.new("RGB", (320, 240), RED), "JPEG"))

    response = post(client, token, data)
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_make_sizes(Photo.objects.get())

    assert response.status_code == 201  # whole as a file: what a request checks
    photo = Photo.objects.get()
    assert photo.status == Photo.Status.DELETED
    assert (photo.upload.name, photo.image.name) == ("", "")
    assert stored(settings.PRIVATE_MEDIA_ROOT) == []
    assert stored(settings.MEDIA_ROOT) == []


# Row 7: more pixels than we take is 413, however many more (Pillow's own guard included).


def png_claiming(width, height) -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def gif_claiming(width, height) -> bytes:
    screen = struct.pack("<HHBBB", width, height, 0, 0, 0)  # no colour table
    one_pixel = b",\x00\x00\x00\x00\x01\x00\x01\x00\x00" + b"\x02\x02D\x01\x00"
    return b"GIF89a" + screen + one_pixel + b";"


def webp_claiming(width, height) -> bytes:
    extended = b"VP8X" + struct.pack("<I", 10) + b"\x00" * 4 + (width - 1).to_bytes(3, "little")
    extended += (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(extended)) + b"WEBP" + extended


def jpeg_claiming(width, height) -> bytes:
    frame = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    scan = b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + b"\xff\xc0"
        + struct.pack(">H", len(frame) + 2)
        + frame
        + b"\xff\xda"
        + struct.pack(">H", len(scan) + 2)
        + scan
        + b"\x00" * 16
        + b"\xff\xd9"
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(png_claiming(20_000, 20_000), id="PNG 20000x20000, over Pillow's own limit"),
        pytest.param(png_claiming(60_000, 60_000), id="PNG 60000x60000"),
        pytest.param(gif_claiming(20_000, 20_000), id="GIF 20000x20000"),
        pytest.param(jpeg_claiming(20_000, 20_000), id="JPEG 20000x20000"),
        pytest.param(webp_claiming(16_000, 16_000), id="WebP 16000x16000, refused by Pillow's guard in its plugin"),
        pytest.param(png_claiming(8000, 6000), id="PNG 8000x6000, under Pillow's limit and over ours"),
    ],
)
def test_images_with_too_many_pixels_get_413_whatever_pillow_thinks(client, token, data):
    assert len(data) < 200  # a tiny file: only its header claims the size

    response = post(client, token, data)

    assert (response.status_code, response.json()) == (413, TOO_MANY_PIXELS)
    assert not Photo.objects.exists()


def test_formats_a_booth_does_not_send_are_not_opened(client, token):
    # Pillow reads dozens of formats (some through outside programs); the portal takes the four a camera sends.
    data = encode(Image.new("RGB", (64, 48), RED), "TIFF")

    response = post(client, token, data, name="photo.tif")

    assert (response.status_code, response.json()) == (415, NOT_AN_IMAGE)


# Row 6: a form the multipart parser cannot take is answered by the API, in its JSON.

MALFORMED = {
    "error": "malformed",
    "message": "The request is not a form we can read: send multipart/form-data, complete and with its boundary.",
}
TOO_MANY_PARTS = {"error": "malformed", "message": "The form has more fields or files than a photo needs."}
FIELDS_TOO_LARGE = {"error": "too_large", "message": "The form's text fields are too large."}
FORM = f"multipart/form-data; boundary={multipart.BOUNDARY.decode()}"


@pytest.mark.parametrize("debug", [False, True], ids=["production", "DEBUG"])
@pytest.mark.parametrize(
    ("content_type", "body", "status", "answer"),
    [
        pytest.param("multipart/form-data", multipart.photo_form(), 400, MALFORMED, id="no boundary"),
        pytest.param("multipart/form-data; boundary=é", multipart.photo_form(), 400, MALFORMED, id="bad boundary"),
        pytest.param(
            FORM,
            b"".join(multipart.part(f"field{n}".encode(), b"1") for n in range(5000)) + multipart.end(),
            400,
            TOO_MANY_PARTS,
            id="5000 fields",
        ),
        pytest.param(
            FORM,
            b"".join(multipart.part(b"image", b"x", filename=b"%d.jpg" % n) for n in range(150)) + multipart.end(),
            400,
            TOO_MANY_PARTS,
            id="150 files",
        ),
        pytest.param(
            FORM,
            multipart.part(b"caption", b"x" * 3_000_000) + multipart.photo_form(),
            413,
            FIELDS_TOO_LARGE,
            id="3 MB of text",
        ),
    ],
)
def test_forms_the_parser_cannot_take_get_the_apis_json(token, settings, debug, content_type, body, status, answer):
    settings.DEBUG = debug

    got_status, headers, content = multipart.send(body, token=token, content_type=content_type)

    assert (got_status, multipart.json_error(headers, content)) == (status, answer)
    assert not Photo.objects.exists()


@pytest.mark.parametrize("debug", [False, True], ids=["production", "DEBUG"])
def test_a_body_that_breaks_off_gets_the_apis_json(token, settings, debug):
    settings.DEBUG = debug
    body = multipart.photo_form(image=noisy("JPEG"))

    status, headers, content = multipart.send(
        body, token=token, content_type=FORM, stream=multipart.BreakingInput(body, after=len(body) // 2)
    )

    assert (status, multipart.json_error(headers, content)) == (400, MALFORMED)
    assert not Photo.objects.exists()


@pytest.mark.parametrize("declared", [str(28_000_000), str(10**20)])
def test_a_body_declared_larger_than_any_photo_post_is_refused_unread(token, declared):
    body = multipart.photo_form()
    unreadable = multipart.BreakingInput(body, after=0)  # any read of the body would fail

    status, headers, content = multipart.send(
        body, token=token, content_type=FORM, content_length=declared, stream=unreadable
    )

    answer = {"error": "too_large", "message": "The request is too large for a photo of at most 25 MB."}
    assert (status, multipart.json_error(headers, content)) == (413, answer)
