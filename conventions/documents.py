"""CONV-1, CONV-3, BO-4: the convention of annex 3 as a PDF, with the annex listing what its profile opens, and the
letter that sends it to the juridiction with the access requests."""

from django.utils import timezone

from core.pdf import render_pdf


def convention_document(convention):
    return render_pdf(
        "documents/convention.html",
        {
            "caf": convention.caf,
            "convention": convention,
            "annex": convention.profile.annex(),
            # BO-4: « , situé Palais de justice, 16000 ANGOULÊME » — the partner's address, on the line.
            "partner_situated": f", situé {', '.join(convention.baj.address.splitlines())}"
            if convention.baj.address
            else "",
            "today": timezone.localdate(),
        },
    )


def cover_letter_document(convention):
    """BO-4: the letter of annex 3 sending the convention and the access requests still to be granted."""
    requests = list(
        # HabilitationState.REQUESTED (#24: the state today, through the habilitations' own QuerySet — a request
        # whose end has passed is no longer one): habilitations builds on conventions, not the reverse.
        convention.habilitations.in_state_on(timezone.localdate(), "requested")
        .select_related("user")
        .order_by("user__last_name")
    )
    return render_pdf(
        "documents/lettre_envoi.html",
        {"caf": convention.caf, "convention": convention, "requests": requests, "today": timezone.localdate()},
    )
