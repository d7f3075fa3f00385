"""Hand-made multipart bodies, sent straight to the WSGI application as a server
would (Django's test client cannot send a body that breaks off)."""

import io
import json
from wsgiref.util import setup_testing_defaults

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from PIL import Image

BOUNDARY = b"jam-booth-boundary"
PHOTOS = "/api/booth/photos"
application = get_wsgi_application()


def part(name: bytes, value: bytes, *, filename: bytes | None = None, boundary: bytes = BOUNDARY) -> bytes:
    disposition = b'form-data; name="' + name + b'"'
    if filename is not None:
        disposition += b'; filename="' + filename + b'"'
    return b"--" + boundary + b"\r\nContent-Disposition: " + disposition + b"\r\n\r\n" + value + b"\r\n"


def end(boundary: bytes = BOUNDARY) -> bytes:
    return b"--" + boundary + b"--\r\n"


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 70)).save(buffer, "JPEG")
    return buffer.getvalue()


def photo_form(image: bytes | None = None) -> bytes:
    """A complete, valid photo post."""
    return (
        part(b"image", image or small_jpeg(), filename=b"photo.jpg")
        + part(b"idempotency_key", b"multipart-1")
        + part(b"taken_at", b"2031-03-01T10:00:00+00:00")
        + end()
    )


class BreakingInput(io.BytesIO):
    """A request body whose sender goes away after `after` bytes."""

    def __init__(self, data: bytes, *, after: int):
        super().__init__(data)
        self.after = after

    def read(self, size=-1, /):
        left = self.after - self.tell()
        if left <= 0:
            raise OSError("Connection reset by peer")
        return super().read(left if size is None or size < 0 else min(size, left))


def send(body: bytes, *, token: str, content_type: str, content_length: str | None = None, stream=None):
    """POST `body` to the photo endpoint; (status, headers, content)."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": PHOTOS,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)) if content_length is None else content_length,
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.input": stream or io.BytesIO(body),
    }
    setup_testing_defaults(environ)  # the other keys a WSGI server sets (host 127.0.0.1)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    # Django would close the test's database connection around the request (its
    # test client keeps it the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        try:
            content = b"".join(response)
        finally:
            response.close()  # as a server does: the request's uploaded files are closed now
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content


def json_error(headers, content) -> dict:
    """The API's error answer, or an AssertionError saying what came instead."""
    assert headers["Content-Type"] == "application/json; charset=utf-8", content[:300]
    body = json.loads(content)
    assert set(body) == {"error", "message"}, body
    return body
