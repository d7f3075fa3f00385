"""The booth API: what a paired photobooth calls, documented by an OpenAPI
schema at /api/booth/openapi.json (and browsable at /api/booth/docs).

Every error is JSON that says which: {"error": <code>, "message": <words>},
a form the multipart parser cannot take, a method an address does not take
and an address the API does not have included (see `urls()`).
"""

import functools
import logging
from datetime import datetime

from csp.decorators import csp_exempt
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousMultipartForm,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as FieldsRefused
from django.http import Http404, HttpResponseNotAllowed, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, File, Form, NinjaAPI, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from jamportal.feed import services
from jamportal.text import is_one_line

logger = logging.getLogger(__name__)


class BoothToken(HttpBearer):
    """Authorization: Bearer <the token shown when the booth was paired>."""

    def authenticate(self, request, token):
        return services.booth_authenticate(token)


api = NinjaAPI(
    title="JamPortal booth API",
    version="1",
    urls_namespace="booth-api",
    auth=BoothToken(),
    description="For paired photobooths: fetch the Jam's configuration and post photos.",
    # The interactive docs are Swagger UI from a CDN with an inline script: they and
    # the schema they read are the only pages outside the Content-Security-Policy.
    docs_decorator=csp_exempt(),
)


class Error(Schema):
    error: str
    message: str


class PhotoOut(Schema):
    id: int
    url: str
    status: str


class HeartbeatIn(Schema):
    backlog: int = Field(ge=0, le=1_000_000, description="Photos waiting on the booth to be posted anywhere.")


class CampaignOut(Schema):
    name: str
    hashtag: str
    starts_on: str
    ends_on: str


class ConfigOut(Schema):
    jam_title: str
    jam_url: str
    timezone: str
    starts: datetime
    ends: datetime
    language: str
    languages: list[str]
    hashtag: str
    caption_template: str
    campaign: CampaignOut | None
    logo_svg_url: str
    logo_png_url: str
    photo_max_bytes: int = Field(description="The largest photo file this portal takes, in bytes")
    photo_max_pixels: int = Field(description="The most pixels (width times height) a photo may have")
    photo_max_frames: int = Field(description="The most frames an animated photo (a boomerang) may have")
    photo_max_animation_pixels: int = Field(description="The most pixels an animation may have in all its frames")


def error(request, status, code, message):
    return api.create_response(request, {"error": code, "message": message}, status=status)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return error(request, 401, "unauthorised", _("This booth token is unknown or has been revoked."))


@api.exception_handler(ValidationError)
def invalid(request, exc):
    fields = sorted({str(part) for item in exc.errors for part in item.get("loc", [])[-1:]})
    return _fields_not_valid(request, fields)


@api.exception_handler(FieldsRefused)
def refused_by_the_model(request, exc):
    """A rule the model's fields keep (feed.services runs their validators), e.g. a language code."""
    return _fields_not_valid(request, sorted(getattr(exc, "error_dict", {}) or ["?"]))


def _fields_not_valid(request, fields):
    message = _("Some fields are missing or not valid: %(fields)s.") % {"fields": ", ".join(fields)}
    return error(request, 422, "invalid", message)


# The body of a post is parsed when the operation reads its fields, so what the
# parser refuses reaches these handlers, not Django's HTML (or, with DEBUG, its
# traceback): a booth is told, in the API's own words, what to fix.
@api.exception_handler(MultiPartParserError)
@api.exception_handler(SuspiciousMultipartForm)
@api.exception_handler(BadRequest)
@api.exception_handler(UnreadablePostError)
def unreadable(request, exc):
    _body_refused(request, exc)
    message = _("The request is not a form we can read: send multipart/form-data, complete and with its boundary.")
    return error(request, 400, "malformed", message)


# ninja raises HttpError(400, "Cannot parse request body") when a JSON body (the
# heartbeat's) does not parse, and answered it as {"detail": ...}.
@api.exception_handler(HttpError)
def http_error(request, exc):
    if exc.status_code == 400:
        return error(request, 400, "malformed", _("The request body is not JSON we can read."))
    logger.warning("Booth API: %s %s answered %s (%s)", request.method, request.path, exc.status_code, exc)
    return error(request, exc.status_code, "error", _("The booth API cannot answer this request."))


@api.exception_handler(Http404)
def not_found(request, exc=None):
    return error(request, 404, "not_found", _("The booth API has nothing at this address."))


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_many_parts(request, exc):
    _body_refused(request, exc)
    return error(request, 400, "malformed", _("The form has more fields or files than a photo needs."))


@api.exception_handler(RequestDataTooBig)
def fields_too_large(request, exc):
    _body_refused(request, exc)
    return error(request, 413, "too_large", _("The form's text fields are too large."))


def _body_refused(request, exc):
    """Log it, and remove the temporary file of an upload the parser was writing
    when it gave up: Django closes (and so removes) only the files it finished."""
    kind = type(exc).__name__
    logger.warning("Booth API: refused the body of %s %s (%s: %s)", request.method, request.path, kind, exc)
    for handler in request.upload_handlers:
        handler.upload_interrupted()


# The HTTP status for each reason feed.services gives for refusing a photo.
REJECTED_STATUS = {"too_large": 413, "not_an_image": 415, "rate_limited": 429}


def refusing_oversized_bodies(run):
    """A body its Content-Length says is larger than any photo post is refused
    before a byte of it is read (or spooled to disk), token or not."""

    @functools.wraps(run)
    def checked(request, *args, **kwargs):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # as Django reads it: no body
        if declared > services.photo_post_max_bytes():
            limit = settings.PHOTO_MAX_BYTES // 1_000_000
            message = _("The request is too large for a photo of at most %(limit)s MB.") % {"limit": limit}
            return error(request, 413, "too_large", message)
        return run(request, *args, **kwargs)

    return checked


def absolute(path):
    return settings.SITE_URL + path


@api.get("/config", response={200: ConfigOut, 401: Error}, summary="The paired Jam's booth configuration")
def config(request):
    booth = request.auth
    jam = booth.jam
    feed_settings = services.feed_settings_for(jam)
    campaign = jam.campaign
    return {
        "jam_title": jam.title,
        "jam_url": absolute(jam.get_absolute_url()),
        "timezone": jam.timezone,
        "starts": jam.start,
        "ends": jam.end,
        "language": jam.content_language,
        "languages": jam.languages,
        "hashtag": feed_settings.hashtag,
        "caption_template": feed_settings.caption_template,
        "campaign": {
            "name": campaign.name_in(jam.content_language),  # the captions' language
            "hashtag": campaign.hashtag,
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
        }
        if campaign
        else None,
        "logo_svg_url": absolute(staticfiles_storage.url("branding/birthday-jam.svg")),
        "logo_png_url": absolute(staticfiles_storage.url("branding/birthday-jam.png")),
        "photo_max_bytes": settings.PHOTO_MAX_BYTES,
        "photo_max_pixels": settings.PHOTO_MAX_PIXELS,
        "photo_max_frames": settings.PHOTO_MAX_FRAMES,
        "photo_max_animation_pixels": settings.PHOTO_MAX_ANIMATION_PIXELS,
    }


@api.post(
    "/heartbeat", response={204: None, 400: Error, 401: Error, 422: Error}, summary="The booth is alive; its backlog"
)
def heartbeat(request, payload: HeartbeatIn):
    """Sent by the booth about once a minute while it runs, so that its organiser
    sees when it last called and how many photos wait on it (its dashboard)."""
    services.booth_report(request.auth, backlog=payload.backlog)
    return Status(204, None)


@api.post(
    "/photos",
    response={201: PhotoOut, 400: Error, 401: Error, 413: Error, 415: Error, 422: Error, 429: Error},
    summary="Post a photo (idempotent: the same key twice stores one photo)",
)
@decorate_view(refusing_oversized_bodies)
def post_photo(
    request,
    image: File[UploadedFile],
    idempotency_key: Form[str],
    taken_at: Form[datetime],
    caption: Form[str] = "",
    language: Form[str] = "",
    alt_text: Form[str] = "",
):
    booth = request.auth
    if not (1 <= len(idempotency_key) <= 100) or len(caption) > 500 or len(language) > 16 or len(alt_text) > 500:
        return error(request, 422, "invalid", _("A field is too long or empty."))
    typed = {"idempotency_key": idempotency_key, "caption": caption, "language": language, "alt_text": alt_text}
    if refused := sorted(name for name, text in typed.items() if not is_one_line(text)):
        # The model's validators say the same (feed.services.photo_upload); said here first,
        # so that the booth hears which fields, in the API's words.
        message = _("These fields hold line breaks or other control characters: %(fields)s.")
        return error(request, 422, "invalid", message % {"fields": ", ".join(refused)})
    if timezone.is_naive(taken_at):  # the service refuses it too; said here in the API's words
        return error(request, 422, "invalid", _("taken_at needs a timezone, e.g. 2031-03-01T10:00:00+00:00."))
    try:
        photo, _created = services.photo_upload(
            booth,
            upload=image,
            caption=caption,
            language=language,
            taken_at=taken_at,
            idempotency_key=idempotency_key,
            alt_text=alt_text,
        )
    except services.PhotoRejected as rejected:
        return error(request, REJECTED_STATUS[rejected.code], rejected.code, str(rejected))
    url = absolute(photo.jam.get_absolute_url()) + f"#photo-{photo.pk}"
    return Status(201, {"id": photo.pk, "url": url, "status": photo.status})


def answering_in_json(view):
    """One of ninja's URL views, its own answers in Django's HTML made the API's JSON:
    a method no operation at the address takes (ninja's PathView._not_allowed is a
    text/html "Method not allowed"; the Allow header is kept) and the API's root,
    which raises Http404 outside any operation."""

    # csrf_exempt on all of them: the API authenticates by token, never by cookie, and
    # Django's CSRF refusal would be an HTML page (ninja's own root view is not exempt).
    @csrf_exempt
    @functools.wraps(view)
    def answered(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return not_found(request)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = ", ".join(sorted(method.strip() for method in response["Allow"].split(",")))
            message = _("This address does not take %(method)s: use %(allowed)s.")
            response = error(
                request, 405, "method_not_allowed", message % {"method": request.method, "allowed": allowed}
            )
            response["Allow"] = allowed
        return response

    return answered


@csrf_exempt
def unknown_address(request):
    return not_found(request)


def urls():
    """The API's URLs for include(): its own, each answering in JSON, then one that
    takes every other address under it, so that none gets Django's HTML 404 page."""
    patterns, app_name, namespace = api.urls
    answering = [
        URLPattern(pattern.pattern, answering_in_json(pattern.callback), pattern.default_args, pattern.name)
        for pattern in patterns
    ]
    return [*answering, re_path(r"^", unknown_address, name="unknown")], app_name, namespace


# /api/booth without its slash: Django would redirect (or, with DEBUG, refuse a POST
# with an error page); the API answers it as any address it does not have.
bare_root = unknown_address
