"""Fixtures the booth's tests share."""

import pytest

from photobooth.tests.cups_server import CupsServer, why_not


@pytest.fixture
def cups_server(monkeypatch):
    """A real cupsd of the test's own with a CUPS-PDF printer called "booth-pdf",
    pycups and child processes pointed at it (CUPS_SERVER)."""
    reason = why_not()
    if reason:
        pytest.skip(reason)
    import cups

    server = CupsServer()
    try:
        server.start()
        server.add_pdf_printer("booth-pdf")
        monkeypatch.setenv("CUPS_SERVER", server.socket)
        cups.setServer(server.socket)
        yield server
    finally:
        server.close()
