"""Reading a calendar from an address someone typed, safely: the server does the
fetching, so the address must not reach what only the server can (its own ports, the
private network, a cloud's metadata service at 169.254.169.254).

- only http and https;
- the host is resolved here and every address it has is checked: private, loopback,
  link-local, multicast, reserved and unspecified ones are refused (loopback only when
  settings.IMPORT_ALLOW_LOOPBACK, which the tests set); the connection goes to the
  address checked, so a name that resolves differently a moment later changes nothing;
- each redirect is checked the same way, at most MAX_REDIRECTS of them;
- at most settings.IMPORT_MAX_BYTES, read in chunks, and settings.IMPORT_TIMEOUT seconds
  in all (a server trickling a byte a second is cut off as surely as a silent one).

    body = fetch("https://www.meetup.com/raspberry-jam/events/ical/")
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 3
CHUNK = 64 * 1024
USER_AGENT = "JamPortal calendar import"


class FetchError(Exception):
    """Why a calendar could not be read: a code of models.PROBLEMS and its values."""

    def __init__(self, code, **values):
        super().__init__(code, values)
        self.code, self.values = code, values


def fetch(url: str) -> bytes:
    deadline = time.monotonic() + settings.IMPORT_TIMEOUT
    for _hop in range(MAX_REDIRECTS + 1):
        status, location, body = _get(url, deadline)
        if status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            continue
        if status != 200:
            raise FetchError("http-status", status=status)
        return body
    raise FetchError("too-many-redirects", most=MAX_REDIRECTS)


def checked_address(host: str, port: int) -> str:
    """The address to connect to for `host`, once every one it resolves to is public."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError("unknown-host", host=host) from None
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise FetchError("unknown-host", host=host)
    for address in addresses:
        if not _public(ipaddress.ip_address(address.split("%")[0])):
            raise FetchError("private-address", host=host)
    return addresses[0]


def _public(ip) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return settings.IMPORT_ALLOW_LOOPBACK
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_unspecified)


def _get(url, deadline):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("scheme")
    host = parts.hostname
    if not host:
        raise FetchError("no-host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("no-host") from None
    address = checked_address(host, port)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(host, port, address=address, timeout=max(deadline - time.monotonic(), 0.001))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        _left(deadline)
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*"})
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            return response.status, response.getheader("Location"), b""
        if response.status != 200:
            return response.status, None, b""
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > settings.IMPORT_MAX_BYTES:
            raise _too_large()
        return 200, None, _read(connection, response, deadline)
    except TimeoutError:
        raise FetchError("too-slow", seconds=settings.IMPORT_TIMEOUT) from None
    except (OSError, http.client.HTTPException, ssl.SSLError):
        raise FetchError("connection", host=host) from None
    finally:
        connection.close()


def _read(connection, response, deadline) -> bytes:
    body = bytearray()
    while True:
        connection.socket.settimeout(_left(deadline))  # (connection.sock is None once the response owns it)
        chunk = response.read1(CHUNK)  # one receive at most: the deadline is checked between them
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > settings.IMPORT_MAX_BYTES:
            raise _too_large()
        _left(deadline)


def _left(deadline) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _too_large():
    return FetchError("too-large", megabytes=settings.IMPORT_MAX_BYTES / 1_000_000)


class _PinnedHTTP(http.client.HTTPConnection):
    """A connection to the address checked, whatever the name resolves to now."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = self.socket = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.socket = self._context.wrap_socket(sock, server_hostname=self.host)
