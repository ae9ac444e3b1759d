"""CONV-3, CONS-14: printable PDF documents, rendered by WeasyPrint from templates."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from habilitations.models import Profile
from habilitations.rubriques import CATALOGUE


def render_pdf(template, context):
    """The PDF bytes, or None when WeasyPrint cannot load the system's Pango library."""
    try:
        from weasyprint import HTML
    except OSError:
        return None
    return HTML(string=render_to_string(template, context)).write_pdf()


def pdf_response(pdf, filename):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def habilitation_document(template, habilitation, **extra):
    """CONV-3: a document about one habilitation (access request, letter opening the rights, removal
    request)."""
    return render_pdf(
        template,
        {
            "caf": habilitation.convention.caf,
            "habilitation": habilitation,
            "user": habilitation.user,
            "today": timezone.localdate(),
            **extra,
        },
    )


def convention_document(convention):
    """CONV-3: the convention of annex 3, with its profile annex listing the categories opened."""
    profile = Profile.objects.filter(code=convention.profile_code).first()
    annex = [
        (
            rubrique.label,
            [rubrique.fields[field] for field in rubrique.fields if profile and profile.shows(code, field)],
        )
        for code, rubrique in CATALOGUE.items()
        if profile and profile.opens(code)
    ]
    return render_pdf(
        "documents/convention.html",
        {"caf": convention.caf, "convention": convention, "annex": annex, "today": timezone.localdate()},
    )
