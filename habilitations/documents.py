"""CONV-3: the printable documents about one habilitation — the access request, the letter opening the rights
and the removal request."""

from django.utils import timezone

from core.pdf import render_pdf


def habilitation_document(template, habilitation, **extra):
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
