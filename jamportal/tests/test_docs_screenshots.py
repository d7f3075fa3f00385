"""The screenshots in docs/screenshots/ (issues 18, 19 and 20), taken from the live
server with the demo data (jams/demo.py through `load_demo`) and a few booth photos:
what a visitor sees in English, Persian, Japanese and Welsh at 390 and 1366 px, the
poster in three scripts, and the organiser's and staff's journeys.

Each shot is taken once the fonts are loaded and every map on the page has drawn our
own base layer of land outlines (tiles are never fetched here), and each asserts what
a person would see: land on the map, the page's heading on screen, nothing scrolling
sideways. They land in test-artifacts/docs/; `make screenshots` runs this module and
copies them to docs/screenshots/."""

import io
import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image, ImageChops, ImageDraw

from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.jams.models import Campaign, Jam
from jamportal.jams.tests.factories import PASSWORD
from jamportal.kits.models import KitRequest
from jamportal.tests.test_accessibility import ARTIFACTS, sign_in
from jamportal.tests.test_organiser_pages import show
from jamportal.tests.test_staff_pages import NO_SIDEWAYS_SCROLL, signed_in_page
from photobooth.compose import Brand, brand, open_logo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS / "docs"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
LAND = (244, 241, 234)  # the base layer's fill (static/js/leaflet_maps.js)
LOGO = ARTIFACTS.parent / "static" / "branding" / "birthday-jam.png"  # (ARTIFACTS is in BASE_DIR)
ORGANISER, STAFF = "organiser@jamportal.localhost", "staff@jamportal.localhost"  # the demo logins

# Every map on the page (those shown) has drawn the base layer, then one more frame has
# been painted: Leaflet's canvas draws on the animation frame after the layer is added.
MAPS_DRAWN = """async () => {
  await document.fonts.ready;
  const maps = [...document.querySelectorAll("[data-leaflet-map]")].filter((el) => el.checkVisibility());
  if (!maps.every((el) => el.dataset.baseMapDrawn === "true")) return false;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return true;
}"""

# Whether the first character of the element's text is drawn left of its last.
FIRST_CHARACTER_ON_THE_LEFT = """(selector) => {
  const text = document.querySelector(selector).firstChild;
  const left = (from) => {
    const range = document.createRange();
    range.setStart(text, from);
    range.setEnd(text, from + 1);
    return range.getBoundingClientRect().left;
  };
  return left(0) < left(text.length - 1);
}"""

# Two of the map's controls drawn over each other (the credits over the scale on a phone, in Persian).
CONTROLS_OVERLAP = """(selector) => {
  const boxes = [...document.querySelectorAll(selector + " .leaflet-control")]
    .filter((el) => el.checkVisibility() && el.offsetWidth)
    .map((el) => [el.className.match(/leaflet-control-\\w+/)?.[0], el.getBoundingClientRect()]);
  for (const [i, [name, a]] of boxes.entries()) {
    for (const [other, b] of boxes.slice(i + 1)) {
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
        return `${name} overlaps ${other}`;
      }
    }
  }
  return "";
}"""


@pytest.fixture
def demo(settings, monkeypatch):
    """`make run`'s demo data, with the test password, and booth photos on the wall and in moderation."""
    settings.DEBUG = True
    monkeypatch.setenv("JAMPORTAL_DEMO_PASSWORD", PASSWORD)
    call_command("load_demo", stdout=io.StringIO())
    campaign = Campaign.objects.filter(starts_on__gte=timezone.localdate()).get()
    current = Jam.objects.filter(campaign=campaign, status=Jam.Status.APPROVED)
    photos = [
        ("Cardiff", "cy", "Pen-blwydd hapus, Raspberry Pi!", (200, 60, 90)),
        ("京都", "ja", "誕生日おめでとう、ラズベリーパイ！", (40, 110, 170)),
        ("اصفهان", "fa", "تولدت مبارک رزبری پای!", (60, 140, 90)),
        ("Nairobi", "en", "Our first robot, built by Wanjiru (9)", (230, 150, 40)),
        ("Paris", "fr", "Joyeux anniversaire, Raspberry Pi !", (120, 80, 170)),
        ("Cambridge", "en", "Blinking LEDs and birthday cake", (20, 150, 150)),
    ]
    taken = []
    for number, (city, language, caption, colour) in enumerate(photos):
        jam = current.filter(city=city).first() or Jam.objects.filter(city=city).first()
        booth, _token = feed_services.booth_create(jam, by=jam.organiser, name="Front door")
        upload = SimpleUploadedFile("photo.jpg", booth_photo(caption, language, colour), content_type="image/jpeg")
        photo, _ = feed_services.photo_upload(
            booth, upload=upload, caption=caption, language=language, taken_at=timezone.now(),
            idempotency_key=f"docs-{number}",
        )  # fmt: skip
        taken.append(photo)
    feed_services.photo_report(taken[-1], reason="I am in this photo and did not agree to it being posted.")
    return {
        "campaign": campaign,
        # A Jam whose title is in another script than the page, for each language.
        "jams": {
            "en": current.get(city="اصفهان"),  # "اصفهان Raspberry Jam" (its English translation)
            "fa": current.get(city="京都"),  # "京都 Raspberry Jam"
            "ja": current.get(city="اصفهان"),  # "جشن تولد رزبری پای اصفهان" (no Japanese translation)
        },
    }


def booth_photo(caption, language, colour) -> bytes:
    """A made-up booth photo: a coloured scene with a Raspberry Pi on a table, branded as the booth does."""
    image = Image.new("RGB", (1200, 800), colour)
    draw = ImageDraw.Draw(image)
    for band in range(0, 800, 8):  # a soft light from the top
        shade = tuple(min(255, c + (800 - band) // 12) for c in colour)
        draw.rectangle([0, band, 1200, band + 8], fill=shade)
    draw.rectangle([0, 560, 1200, 800], fill=(110, 80, 55))  # the table
    draw.rounded_rectangle([430, 430, 770, 600], radius=18, fill=(30, 120, 60))  # the board
    for x in range(460, 740, 28):
        draw.ellipse([x, 445, x + 14, 459], fill=(220, 200, 90))  # its pins
    draw.ellipse([300, 180, 480, 360], fill=(250, 220, 190))  # people
    draw.ellipse([720, 150, 920, 350], fill=(160, 110, 80))
    branded = brand(image, Brand(logo=open_logo(LOGO)), caption, language)
    out = io.BytesIO()
    branded.save(out, "JPEG", quality=85)
    return out.getvalue()


def new_context(browser, live_server, width):
    context = browser.new_context(viewport=WIDTHS[width], base_url=live_server.url)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return context


def land_share(page, selector):
    """How much of the map at `selector`, as the screen shows it, is land of the base layer."""
    pixels = Image.open(io.BytesIO(page.locator(selector).screenshot())).convert("RGB")
    red, green, blue = ImageChops.difference(pixels, Image.new("RGB", pixels.size, LAND)).split()
    off = ImageChops.lighter(ImageChops.lighter(red, green), blue)  # each pixel's largest difference
    return off.point(lambda value: 255 if value <= 3 else 0).histogram()[255] / (pixels.width * pixels.height)


def shoot(page, name, *, heading=None):
    """Wait for the fonts and the maps, check what a person sees, save test-artifacts/docs/<name>.png (.jpg)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(MAPS_DRAWN, timeout=20_000, polling=200)
    problems = []
    if not page.evaluate(NO_SIDEWAYS_SCROLL):
        problems.append(f"scrolls sideways: {page.evaluate('document.documentElement.scrollWidth')} px")
    title = page.locator("main h1").first
    if not title.is_visible() or not title.inner_text().strip():
        problems.append("no heading on screen")
    elif heading and heading not in title.inner_text():
        problems.append(f"the heading reads {title.inner_text()!r}, not {heading!r}")
    for map_id in page.evaluate(
        "[...document.querySelectorAll('[data-leaflet-map]')].filter((el) => el.checkVisibility()).map((el) => el.id)"
    ):
        if (share := land_share(page, f"#{map_id}")) < 0.05:
            problems.append(f"the map #{map_id} shows {share:.0%} land")
        if overlap := page.evaluate(CONTROLS_OVERLAP, f"#{map_id}"):
            problems.append(f"on the map #{map_id}, {overlap}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    # The top of long pages (the list of every Jam): two screens at most, so the set stays small.
    size = page.viewport_size
    height = min(page.evaluate("document.documentElement.scrollHeight"), 2 * size["height"])
    clip = {"x": 0, "y": 0, "width": size["width"], "height": height}
    shot = page.screenshot(full_page=True, clip=clip, animations="disabled", caret="hide")
    if name.endswith("-desktop"):  # as PNGs, the desktop shots alone made the set over 8 MB: JPEG, half the size
        Image.open(io.BytesIO(shot)).convert("RGB").save(SHOTS / f"{name}.jpg", quality=88, optimize=True)
    else:
        (SHOTS / f"{name}.png").write_bytes(shot)
    assert not problems, f"{name}: {problems}"


def visitor_pages(demo, language):
    slug = demo["campaign"].slug
    pages = {
        "home": f"/{language}/",
        "jam": f"/{language}/jams/{demo['jams'][language].slug}/" if language in demo["jams"] else None,
        "campaign": f"/{language}/campaigns/{slug}/",
        "wall": f"/{language}/campaigns/{slug}/wall/",
    }
    if language == "cy":
        return {name: pages[name] for name in ("home", "campaign")}
    return pages


@pytest.mark.parametrize("language", ["en", "fa", "ja", "cy"])
def test_visitors_pages_in_screenshots(browser, live_server, demo, language):
    for width in WIDTHS:
        context = new_context(browser, live_server, width)
        page = context.new_page()
        try:
            for name, url in visitor_pages(demo, language).items():
                page.goto(url)
                shoot(page, f"{name}-{language}-{width}")
                assert page.locator("html").get_attribute("lang") == language
                assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
                if name == "jam":  # the title in its own script and direction, isolated from the page's
                    title = page.locator("main h1")
                    assert title.locator("bdi").count() or title.get_attribute("dir") == "auto"
                if name == "wall":
                    assert page.locator("main img").count() >= 5
                    assert page.evaluate("[...document.querySelectorAll('main img')].every((img) => img.naturalWidth)")
        finally:
            context.close()


@pytest.mark.parametrize("language", ["fa", "ja", "cy"])
def test_the_poster_in_screenshots(browser, live_server, demo, language, tmp_path):
    """The A3 poster as the campaign page links it, its first page drawn by pdftoppm."""
    context = new_context(browser, live_server, "desktop")
    try:
        url = f"/{language}/campaigns/{demo['campaign'].slug}/poster-a3.pdf"
        answer = context.request.get(url)
        if answer.status == 202:  # the first time it is rendered (at once, here: tasks run in the web process)
            answer = context.request.get(url)
        assert answer.status == 200, answer.text()[:300]
        pdf = answer.body()
    finally:
        context.close()
    assert pdf.startswith(b"%PDF")
    (tmp_path / "poster.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-l", "1", tmp_path / "poster.pdf", "-"], capture_output=True, text=True)
    name = demo["campaign"].translations.get(language=language).name
    assert name.split()[0] in text.stdout  # the heading in the poster's language
    SHOTS.mkdir(parents=True, exist_ok=True)
    # 60 dpi: an A3 page is 700 px wide, its names still readable.
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", tmp_path / "poster.pdf",
         SHOTS / f"poster-{language}"],
        check=True,
    )  # fmt: skip
    with Image.open(SHOTS / f"poster-{language}.png") as drawn:
        ink = drawn.convert("L").point(lambda value: 255 if value < 128 else 0).histogram()[255]
        ink /= drawn.width * drawn.height
    assert ink > 0.02, f"the poster is {ink:.1%} ink: nearly empty"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_organisers_journey_in_screenshots(browser, live_server, demo, width):
    """Register a Jam by its town, the dashboard, a kit request; in Persian too for the first two."""
    kit_request = KitRequest.objects.filter(jam__organiser__email=ORGANISER).order_by("pk").first()
    context = new_context(browser, live_server, width)
    page = context.new_page()
    try:
        sign_in(page, ORGANISER)
        for language in ["en", "fa"]:
            page.goto(f"/{language}/jams/new/")
            show(page, "form")  # Douala, Cameroon: the map goes there and drops the pin
            shoot(page, f"organiser-register-{language}-{width}")
            assert page.locator("#location-map .leaflet-marker-icon").is_visible()
            page.goto(f"/{language}/dashboard/")
            shoot(page, f"organiser-dashboard-{language}-{width}")
        page.goto(f"/en/kits/requests/{kit_request.pk}/")
        shoot(page, f"organiser-kit-request-en-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_staff_journey_in_screenshots(browser, live_server, demo, width, tmp_path):
    """The queue, a review with its map, the kits, a packed kit to dispatch and its slip, photos to moderate."""
    kit = demo["campaign"].kit
    packed = KitRequest.objects.filter(kit=kit, status="packed").first()
    staff = {"staff": type("Staff", (), {"email": STAFF})}
    context, page = signed_in_page(browser, live_server, staff, WIDTHS[width])
    try:
        for language in ["en", "fa"]:
            page.goto(f"/{language}/moderation/")
            shoot(page, f"staff-queue-{language}-{width}")
            if width == "desktop":  # room enough: an organiser's address on one line ("...localhos" / "t" it was)
                assert page.locator("main td bdi.break").first.evaluate("(el) => el.getClientRects().length") == 1
            page.locator("main a.button").first.click()
            shoot(page, f"staff-review-{language}-{width}")
            assert page.locator("#jam-location .leaflet-marker-icon").is_visible()
            # The event's address reads left to right on a Persian page too ("/https://..." it was).
            assert page.evaluate(FIRST_CHARACTER_ON_THE_LEFT, "main dd a[rel~=nofollow]")
        page.goto(f"/en/kits/{kit.pk}/")
        shoot(page, f"staff-kits-en-{width}")
        page.goto(f"/en/kits/requests/{packed.pk}/")
        shoot(page, f"staff-kit-dispatch-en-{width}")
        # Upright: Japanese and Persian have no italics (the browser slanted 京都 for <address>).
        assert page.locator("main address").evaluate("(el) => getComputedStyle(el).fontStyle") == "normal"
        page.goto("/en/moderation/photos/")
        shoot(page, f"staff-photos-en-{width}")
        assert page.evaluate("[...document.querySelectorAll('main img')].every((img) => img.naturalWidth)")
        page.locator("button[value=delete]").first.click()
        shoot(page, f"staff-photo-delete-en-{width}", heading="Delete this photo?")
        assert Photo.objects.filter(status=Photo.Status.REPORTED).count() == 1  # asked, not yet deleted
        slip = page.request.get(f"/en/kits/{kit.pk}/packing-slips.pdf?status=packed")
        assert slip.status == 200
        slip_pdf = slip.body()
    finally:
        context.close()
    assert slip_pdf.startswith(b"%PDF")
    if width == "desktop":
        (tmp_path / "slip.pdf").write_bytes(slip_pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", tmp_path / "slip.pdf",
             SHOTS / "staff-packing-slip-en"],
            check=True,
        )  # fmt: skip
        text = subprocess.run(["pdftotext", tmp_path / "slip.pdf", "-"], capture_output=True, text=True).stdout
        assert re.search(r"Packing slip · KIT-\d+", text)
