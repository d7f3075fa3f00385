"""A stand-in for a Bluesky PDS (personal data server), for the booth's tests:
the few XRPC methods the booth calls, answered as the lexicons and the
reference PDS answer them, with what it was sent kept for the test to look at.

    pds = StandInPDS()
    with serve(pds) as url:        # http://127.0.0.1:PORT, for [bluesky] service
        ...
    pds.posts                      # the records created, in order

Like a real PDS it keeps one record per record key (a second create at a key
already taken fails, with a 500 as the reference PDS answers today), checks
each image blob against app.bsky.embed.images (uploaded, at most 1,000,000
bytes) and the post's text against app.bsky.feed.post (300 graphemes, 3,000
bytes) when the post refers to it, not at upload, and logs in only with the
right handle and app password.
"""

import base64
import collections
import contextlib
import hashlib
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from uniseg.graphemecluster import grapheme_clusters

HANDLE, DID, APP_PASSWORD = "ourjam.bsky.social", "did:plc:ewvi7nxzyoun6zhxrhs64oiz", "abcd-efgh-ijkl-mnop"
MAX_IMAGE_BYTES = 1_000_000
TID_CHARACTERS = set("234567abcdefghijklmnopqrstuvwxyz")


def jwt(subject, scope, lifetime_s, serial):
    """A token shaped as the PDS's (the SDK reads its expiry to know when to refresh it); not signed."""

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"scope": scope, "sub": subject, "iat": now, "exp": now + lifetime_s, "jti": str(serial)}
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


def blob_cid(data: bytes) -> str:
    """The CID a PDS gives a blob: CIDv1, raw codec, SHA-256, in base32."""
    digest = bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(digest).decode().lower().rstrip("=")


class StandInPDS:
    def __init__(self, *, handle=HANDLE, password=APP_PASSWORD, access_lifetime_s=2 * 3600):
        self.handle, self.password, self.access_lifetime_s = handle, password, access_lifetime_s
        self.lock = threading.Lock()
        self.blobs, self.records, self.tokens, self.refresh_tokens = {}, {}, set(), set()
        self.posts = []  # each created record's value, in order, with its "rkey"
        self.calls = collections.Counter()  # method name -> times called
        self.serial = itertools.count(1)
        self.fail_next = {}  # method name -> (status, error): answered once, instead of doing it
        self.key_taken = (500, "InternalServerError")  # how a create at a key already taken is answered

    def answer(self, method, path, query, body, headers):
        """(status, JSON answer) for an XRPC request: `path` is "xrpc/<method>"."""
        name = path.removeprefix("xrpc/")
        with self.lock:
            self.calls[name] += 1
            if name in self.fail_next:
                status, error = self.fail_next.pop(name)
                return status, {"error": error, "message": f"{error} (the test's choice)"}
            if (method, name) == ("POST", "com.atproto.server.createSession"):
                return self._create_session(json.loads(body))
            if (method, name) == ("POST", "com.atproto.server.refreshSession"):
                return self._refresh_session(headers.get("Authorization", "").removeprefix("Bearer "))
            if (method, name) == ("GET", "com.atproto.repo.getRecord"):  # needs no login
                return self._get_record({key: values[0] for key, values in query.items()})
            if headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
                return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}
            if (method, name) == ("POST", "com.atproto.repo.uploadBlob"):
                cid = blob_cid(body)
                self.blobs[cid] = (headers.get("Content-Type", ""), body)
                blob = {"$type": "blob", "ref": {"$link": cid}, "mimeType": self.blobs[cid][0], "size": len(body)}
                return 200, {"blob": blob}
            if (method, name) == ("POST", "com.atproto.repo.createRecord"):
                return self._create_record(json.loads(body))
        return 501, {"error": "MethodNotImplemented", "message": f"Method Not Implemented: {name}"}

    def _create_session(self, sent):
        if sent.get("identifier") != self.handle or sent.get("password") != self.password:
            return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
        return 200, self._session()

    def _refresh_session(self, token):
        if token not in self.refresh_tokens:
            return 400, {"error": "ExpiredToken", "message": "Token has expired"}
        self.refresh_tokens.discard(token)  # a refresh token is used once
        return 200, self._session()

    def _session(self):
        access = jwt(DID, "com.atproto.appPass", self.access_lifetime_s, next(self.serial))
        refresh = jwt(DID, "com.atproto.refresh", 90 * 24 * 3600, next(self.serial))
        self.tokens.add(access)
        self.refresh_tokens.add(refresh)
        return {"did": DID, "handle": self.handle, "accessJwt": access, "refreshJwt": refresh, "active": True}

    def _get_record(self, params):
        uri = f"at://{params['repo']}/{params['collection']}/{params['rkey']}"
        if uri not in self.records:
            return 400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}
        return 200, {"uri": uri, "cid": self.records[uri][0], "value": self.records[uri][1]}

    def _create_record(self, sent):
        record, rkey = sent["record"], sent.get("rkey") or self._next_tid()
        if sent["repo"] not in (DID, self.handle):
            return 401, {"error": "InvalidRequest", "message": "Invalid repo"}
        if len(rkey) != 13 or not set(rkey) <= TID_CHARACTERS or rkey[0] not in "234567abcdefghij":
            return 400, {"error": "InvalidRequest", "message": "Invalid record key: app.bsky.feed.post keys are TIDs"}
        text = record.get("text", "")
        if len(list(grapheme_clusters(text))) > 300 or len(text.encode()) > 3000:
            return 400, {"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post record: text too long"}
        for image in record.get("embed", {}).get("images", []):
            cid = image["image"]["ref"]["$link"]
            if cid not in self.blobs:
                return 400, {"error": "BlobNotFound", "message": f"Could not find blob: {cid}"}
            if len(self.blobs[cid][1]) > MAX_IMAGE_BYTES:
                return 400, {"error": "BlobTooLarge", "message": "This file is too large"}
        uri = f"at://{DID}/{sent['collection']}/{rkey}"
        if uri in self.records:  # the reference PDS: "There is already a value at key", as a 500
            status, error = self.key_taken
            return status, {"error": error, "message": f"Record already exists: {uri}"}
        cid = blob_cid(json.dumps(record, sort_keys=True).encode())
        self.records[uri] = (cid, record)
        self.posts.append({**record, "rkey": rkey})
        return 200, {"uri": uri, "cid": cid, "validationStatus": "valid"}

    def _next_tid(self):
        """A record key the PDS chooses itself: the next TID."""
        value, alphabet = (
            (int(time.time() * 1_000_000) << 10) | next(self.serial) % 1024,
            "234567abcdefghijklmnopqrstuvwxyz",
        )
        return "".join(alphabet[(value >> shift) & 31] for shift in range(60, -1, -5))

    def blob(self, cid) -> bytes:
        return self.blobs[cid][1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._any("GET")

    def do_POST(self):
        self._any("POST")

    def _any(self, method):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = urlsplit(self.path)
        status, data = self.server.pds.answer(method, parts.path.lstrip("/"), parse_qs(parts.query), body, self.headers)
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@contextlib.contextmanager
def serve(pds):
    """The stand-in PDS over loopback HTTP; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.pds = pds
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)  # (stops within 50 ms)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
