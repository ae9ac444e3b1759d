import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from conventions.enums import ConventionState
from conventions.models import Convention
from conventions.permissions import Area, area_required


class _Echo:
    def write(self, value):
        return value


@area_required(Area.NATIONAL)
def national_overview(request):
    """ROLE-4: the signed conventions per juridiction and CAF, the follow-up the circular asks the heads of
    juridiction to report to the SADJPV; read-only, with a CSV export."""
    today = timezone.localdate()
    conventions = Convention.objects.select_related("baj__departement", "caf").order_by(
        "baj__departement", "baj__city", "baj__juridiction", "caf__number"
    )
    rows = [
        (
            c.baj.departement_id,
            str(c.baj),
            c.caf.name,
            c.caf.number or "CMAF",
            c.number,
            c.signed_on,
            c.starts_on,
            ConventionState(c.state_on(today)).label,
        )
        for c in conventions
    ]
    if request.GET.get("format") == "csv":
        writer = csv.writer(_Echo(), delimiter=";")
        header = [
            "département",
            "juridiction (BAJ)",
            "Caf",
            "n° Caf",
            "convention",
            "signée le",
            "prend effet le",
            "état",
        ]
        lines = (
            writer.writerow([value.isoformat() if hasattr(value, "isoformat") else value for value in row])
            for row in [header, *rows]
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="conventions-cafpro-{today:%Y%m%d}.csv"'
        return response
    return render(request, "conventions/national.html", {"rows": rows, "today": today})
