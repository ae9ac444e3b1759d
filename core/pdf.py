"""CONV-3, CONS-14: printable PDF documents, rendered by WeasyPrint from templates."""

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template, context):
    """The PDF bytes, or None when WeasyPrint cannot load the system's Pango library."""
    return html_to_pdf(render_to_string(template, context))


def html_to_pdf(html):
    """NF-2: a tagged PDF with its language and its title — the page's <title> on one line, as a PDF reader shows
    it in its title bar and a screen reader announces it (#24: the templates' indented titles gave line breaks)."""
    try:
        from weasyprint import HTML
    except OSError:
        return None
    document = HTML(string=html).render()
    document.metadata.title = " ".join((document.metadata.title or "").split()) or "Cafpro"
    return document.write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(pdf, filename):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
