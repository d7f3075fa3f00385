"""A calendar served from this machine for the tests: a real HTTP server on 127.0.0.1
(a thread), whose answers each test sets: a calendar, a web page, a redirect, a body
sent a byte at a time. It records the paths asked for."""

import http.server
import threading
import time

import pytest


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server
        server.asked.append(self.path)
        answer = server.answers.get(self.path.split("?")[0])
        if answer is None:
            self._send(404, b"not here", {"Content-Type": "text/plain"})
            return
        status, body, headers, trickle = answer
        if trickle:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(trickle)
            except OSError:
                pass  # the reader gave up, as it should
            return
        self._send(status, body, headers)

    def _send(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Connection", "close")  # the body ends when the connection does
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # a reader that stops early (a too-large calendar) closes the connection
            self.close_connection = True
            return
        if "Content-Length" not in headers:
            self.close_connection = True

    def log_message(self, *args):
        pass


class CalendarServer:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.answers, self.httpd.asked = {}, []
        # (asked every 50 ms whether to stop: the default half second was most of a short test)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def asked(self):
        return self.httpd.asked

    def url(self, path, host="127.0.0.1"):
        return f"http://{host}:{self.httpd.server_address[1]}{path}"

    def serve(self, path, body, *, status=200, content_type="text/calendar; charset=utf-8", length=True,
              trickle=0.0, headers=None):  # fmt: skip
        body = body.encode() if isinstance(body, str) else body
        sent = {"Content-Type": content_type, **(headers or {})}
        if length and not trickle:
            sent["Content-Length"] = str(len(body))
        self.httpd.answers[path] = (status, body, sent, trickle)

    def redirect(self, path, to, status=302):
        self.serve(path, b"", status=status, content_type="text/plain", headers={"Location": to})

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def calendar_server(settings):
    settings.IMPORT_ALLOW_LOOPBACK = True
    server = CalendarServer()
    yield server
    server.close()


def calendar(*events, name="Jams") -> str:
    """An iCalendar file of `events` (each the lines inside a VEVENT, as one string)."""
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Calendar//EN\r\nX-WR-CALNAME:{name}\r\n"
    return f"{head}{body}END:VCALENDAR\r\n"


def event(uid, start, end, *, summary="Cambridge Raspberry Jam", location="Central Library\\, Cambridge\\, UK",
          extra=""):  # fmt: skip
    """The lines of one VEVENT; `start` and `end` as iCalendar writes them ("DTSTART;TZID=...:2031...")."""
    lines = [f"UID:{uid}", "DTSTAMP:20260101T000000Z", start, end, f"SUMMARY:{summary}"]
    if location:
        lines.append(f"LOCATION:{location}")
    return "\r\n".join([*lines, *([extra] if extra else [])])
