"""CONV-1, CONV-3: the convention of annex 3 as a PDF, with the annex listing what its profile opens."""

from django.utils import timezone

from conventions.models import Profile
from core.pdf import render_pdf


def convention_document(convention):
    profile = Profile.objects.filter(code=convention.profile_code).first()
    return render_pdf(
        "documents/convention.html",
        {
            "caf": convention.caf,
            "convention": convention,
            "annex": profile.annex() if profile else [],
            "today": timezone.localdate(),
        },
    )
