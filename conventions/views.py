from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from conventions.enums import CONVENTION_ENDED, ConventionState
from conventions.models import Convention, DifficultyReport
from conventions.permissions import Area, area_required
from conventions.services import difficulty_answer
from core.exports import csv_response


@area_required(Area.NATIONAL)
def national_overview(request):
    """ROLE-4, CONV-4: the conventions per juridiction and CAF, the follow-up the circular asks the heads of
    juridiction to report to the SADJPV — those signed by both parties and not ended, apart those awaiting a
    signature, and apart those ended (denounced at their deadline, terminated, or ended before their signature):
    each placed by its state on the day (#24: an ended convention is not « signée »); read-only, with a CSV export
    of all three. The difficulties waiting for an answer come first (JUR-3)."""
    today = timezone.localdate()
    conventions = Convention.objects.select_related("baj__departement", "caf").order_by(
        "baj__departement", "baj__city", "baj__juridiction", "caf__number", "number"
    )
    if request.GET.get("format") == "csv":
        return _csv(conventions, today)
    tables = {"signed": [], "awaiting": [], "ended": []}
    for convention in conventions:
        state = convention.state_on(today)
        key = (
            "ended"
            if state in CONVENTION_ENDED
            else "awaiting"
            if state == ConventionState.AWAITING_SIGNATURE
            else "signed"
        )
        tables[key].append(convention)
    reports = DifficultyReport.objects.select_related("baj", "reported_by", "answered_by")
    return render(
        request,
        "conventions/national.html",
        {
            **{key: _rows(rows, today) for key, rows in tables.items()},
            "today": today,
            "waiting": [(report, AnswerForm(prefix=f"r{report.pk}")) for report in reports if not report.answer],
            "answered": [report for report in reports if report.answer],
        },
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Réponse",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Saisissez la réponse."},
    )


@require_POST
@area_required(Area.NATIONAL)
def difficulty_answer_view(request, pk):
    """JUR-3: the follow-up answers a difficulty; the gestionnaire reads it in the juridiction's space."""
    report = DifficultyReport.objects.filter(pk=pk, answer="").first()
    form = AnswerForm(request.POST, prefix=f"r{pk}")
    if report is not None and form.is_valid():
        difficulty_answer(report=report, by=request.user, answer=form.cleaned_data["answer"], request=request)
        messages.success(request, f"Réponse envoyée au {report.baj}.")
    else:
        messages.error(request, "La réponse n'a pas été envoyée : saisissez-la, pour une difficulté sans réponse.")
    return redirect("conventions:national_overview")


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
