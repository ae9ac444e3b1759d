"""CONV-3, CONS-14: printable PDF documents, rendered by WeasyPrint from templates."""

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template, context):
    """The PDF bytes, or None when WeasyPrint cannot load the system's Pango library."""
    return html_to_pdf(render_to_string(template, context))


def html_to_pdf(html):
    try:
        from weasyprint import HTML
    except OSError:
        return None
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")  # NF-2: tagged, with its language and title


def pdf_response(pdf, filename):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
