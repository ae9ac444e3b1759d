from django.shortcuts import render
from django.utils import timezone

from conventions.enums import ConventionState
from conventions.models import Convention
from conventions.permissions import Area, area_required
from core.exports import csv_response


@area_required(Area.NATIONAL)
def national_overview(request):
    """ROLE-4, CONV-4: the conventions per juridiction and CAF, the follow-up the circular asks the heads of
    juridiction to report to the SADJPV — those signed by both parties, and apart those awaiting a signature;
    read-only, with a CSV export of both."""
    today = timezone.localdate()
    conventions = Convention.objects.select_related("baj__departement", "caf").order_by(
        "baj__departement", "baj__city", "baj__juridiction", "caf__number"
    )
    signed, awaiting = conventions.signed_by(today), conventions.awaiting_signature_on(today)
    if request.GET.get("format") == "csv":
        return _csv([*signed, *awaiting], today)
    return render(
        request,
        "conventions/national.html",
        {"signed": _rows(signed, today), "awaiting": _rows(awaiting, today), "today": today},
    )


def _rows(conventions, today):
    return [
        (
            c.baj.departement_id,
            str(c.baj),
            c.caf.name,
            c.caf.number or "CMAF",
            c.number,
            c.caf_signed_on,
            c.partner_signed_on,
            c.starts_on,
            ConventionState(c.state_on(today)).label,
        )
        for c in conventions
    ]


def _csv(conventions, today):
    header = [
        "département",
        "juridiction (BAJ)",
        "Caf",
        "n° Caf",
        "convention",
        "signée par la Caf le",
        "signée par la juridiction le",
        "prend effet le",
        "état",
    ]
    rows = (
        [f"{value:%d/%m/%Y}" if hasattr(value, "strftime") else value for value in row]
        for row in _rows(conventions, today)
    )
    return csv_response(header, rows, f"conventions-cafpro-{today:%Y%m%d}.csv", text_columns={0, 3})
