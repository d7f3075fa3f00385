"""Printable PDFs (posters, flyers, packing slips, labels, customs forms), drawn
by WeasyPrint from Django templates. Fonts come from the system (Noto), and
WeasyPrint embeds the ones it uses."""

from pathlib import Path

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header


def render_pdf(template: str, context: dict) -> bytes:
    return render_document(template, context).write_pdf()


def render_document(template: str, context: dict) -> weasyprint.document.Document:
    """The template laid out by WeasyPrint, its pages and boxes there to measure."""
    html = render_to_string(template, {"logo_url": logo_uri(), **context})
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def logo_uri() -> str:
    """The birthday artwork as a file: URI, for WeasyPrint to read from disk."""
    return Path(finders.find("branding/birthday-jam.svg")).as_uri()
