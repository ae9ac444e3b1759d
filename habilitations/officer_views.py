"""JRN-3, JRN-4, ROLE-2: the security officer's pages — the journal of their CAF (filters, keyset pages, CSV),
the irregularity report, the users under surveillance. Every page an officer opens is journaled too."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from conventions.permissions import Area, area_required, cafs_in
from conventions.rubriques import CATALOGUE
from core.exports import csv_response
from core.forms import DateField
from habilitations.irregularities import RULES, find
from habilitations.models import Surveillance, User, journal_visible_to_officer
from habilitations.services import locked_identifiers, surveillance_lift, surveillance_start, user_unlock
from journal.enums import JournalEvent
from journal.models import JournalEntry
from journal.services import journal_record

PAGE_SIZE = 50


class JournalFilterForm(forms.Form):
    utilisateur = forms.CharField(label="Utilisateur (identifiant)", required=False, max_length=32)
    identifiant = forms.CharField(label="Identifiant saisi (même inconnu)", required=False, max_length=32)
    du = DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = DateField(label="Au (inclus)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    evenement = forms.ChoiceField(label="Événement", required=False, choices=[("", "Tous"), *JournalEvent.choices])
    allocataire = forms.CharField(label="N° d'allocataire", required=False, max_length=16)
    dossier_aj = forms.CharField(label="N° de dossier d'aide juridictionnelle", required=False, max_length=30)
    adresse = forms.GenericIPAddressField(label="Adresse source", required=False)
    avant = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            self.add_error("au", "La date de fin doit suivre la date de début.")
        return data

    def apply(self, queryset):
        """The filters on an already scoped queryset; the keyset cursor is applied by the caller."""
        data = self.cleaned_data
        if data.get("utilisateur"):
            # The user's key first: filtering on it uses the (user, id) index, a join on the identifier does not.
            identifier = data["utilisateur"].strip().upper()
            queryset = queryset.filter(
                user_id__in=list(User.objects.filter(identifier=identifier).values_list("pk", flat=True))
            )
        if data.get("identifiant"):
            queryset = queryset.filter(identifier_typed=data["identifiant"].strip().upper())
        if data.get("du"):
            queryset = queryset.filter(
                occurred_at__gte=timezone.make_aware(dt.datetime.combine(data["du"], dt.time()))
            )
        if data.get("au"):
            end = timezone.make_aware(dt.datetime.combine(data["au"] + dt.timedelta(days=1), dt.time()))
            queryset = queryset.filter(occurred_at__lt=end)
        if data.get("evenement"):
            queryset = queryset.filter(event=data["evenement"])
        if data.get("allocataire"):
            queryset = queryset.filter(allocataire_number=data["allocataire"].strip())
        if data.get("dossier_aj"):
            queryset = queryset.filter(legal_aid_file=data["dossier_aj"].strip())
        if data.get("adresse"):
            queryset = queryset.filter(source_ip=data["adresse"])
        return queryset

    def describe(self):
        return ", ".join(f"{k}={v}" for k, v in self.cleaned_data.items() if v and k != "avant")[:200]


def _watched_user_ids(user):
    return set(Surveillance.objects.of_cafs(cafs_in(user, Area.SECURITY)).open().values_list("user_id", flat=True))


@area_required(Area.SECURITY)
def journal(request):
    """JRN-3: newest first, keyset pagination (no COUNT over the table), filters, CSV export."""
    form = JournalFilterForm(request.GET or None)
    scoped = journal_visible_to_officer(request.user)
    if form.is_bound and not form.is_valid():
        return render(request, "habilitations/officer/journal.html", {"form": form, "rows": [], "section": "journal"})
    queryset = form.apply(scoped) if form.is_bound else scoped
    if request.GET.get("format") == "csv":
        journal_record(
            event=JournalEvent.JOURNAL_EXPORTED,
            request=request,
            user=request.user,
            detail=form.describe() if form.is_bound else "",
        )
        return _csv(queryset, request.user)
    cursor = form.cleaned_data.get("avant") if form.is_bound else None
    if cursor:
        queryset = queryset.filter(pk__lt=cursor)
    rows = list(queryset.select_related("user", "caf").order_by("-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    journal_record(
        event=JournalEvent.JOURNAL_VIEWED,
        request=request,
        user=request.user,
        detail=form.describe() if form.is_bound else "",
    )
    params = {k: v for k, v in request.GET.items() if k not in {"avant", "format"} and v}
    return render(
        request,
        "habilitations/officer/journal.html",
        {
            "form": form,
            "rows": rows,
            "watched": _watched_user_ids(request.user),
            "next_url": f"?{urlencode({**params, 'avant': rows[-1].pk})}" if more else None,
            "csv_url": f"?{urlencode({**params, 'format': 'csv'})}",
            "section": "journal",
        },
    )


def _csv(queryset, user):
    """JRN-3: the selection, streamed in chunks."""
    watched = _watched_user_ids(user)
    header = [
        "date et heure (heure de Paris)",
        "événement",
        "identifiant saisi",
        "utilisateur",
        "sous surveillance",
        "adresse source",
        "navigateur",
        "Caf",
        "n° d'allocataire",
        "rubrique",
        "période",
        "n° de dossier d'aide juridictionnelle",
        "procédure",
        "précision",
    ]
    rows = (
        [
            f"{timezone.localtime(row.occurred_at):%d/%m/%Y %H:%M:%S}",
            row.get_event_display(),
            row.identifier_typed,
            row.user.identifier if row.user else "",
            "oui" if row.user_id in watched else "",
            row.source_ip or "",
            row.user_agent,
            row.caf.number if row.caf else "",
            row.allocataire_number,
            CATALOGUE.label(row.rubrique) if row.rubrique else "",
            row.period,
            row.legal_aid_file,
            row.get_procedure_display() if row.procedure else "",
            row.detail,
        ]
        for row in queryset.select_related("user", "caf").order_by("-pk").iterator(chunk_size=2000)
    )
    caf, allocataire = header.index("Caf"), header.index("n° d'allocataire")
    return csv_response(
        header, rows, f"journal-cafpro-{timezone.localdate():%Y%m%d}.csv", text_columns={caf, allocataire}
    )


class PeriodForm(forms.Form):
    du = DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = DateField(label="Au (inclus)", required=False, widget=forms.DateInput(attrs={"type": "date"}))


@area_required(Area.SECURITY)
def report(request):
    """JRN-4: the irregularities of the officer's CAF over a period (the last 7 days by default)."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    start, end = today - dt.timedelta(days=6), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("du") or start
        end = form.cleaned_data.get("au") or end
    findings = (
        find(
            journal_visible_to_officer(request.user),
            start,
            end + dt.timedelta(days=1),
            unknown=JournalEntry.objects.unknown_identifiers(),
        )
        if start <= end
        else []
    )
    watched = _watched_user_ids(request.user)
    journal_url = reverse("habilitations:officer_journal")
    grouped = [
        (
            label,
            [(f, f"{journal_url}?{urlencode(f.filters)}", f.user_id in watched) for f in findings if f.rule == rule],
        )
        for rule, label in RULES.items()
    ]
    journal_record(
        event=JournalEvent.REPORT_VIEWED, request=request, user=request.user, detail=f"{start:%d/%m/%Y}-{end:%d/%m/%Y}"
    )
    return render(
        request,
        "habilitations/officer/report.html",
        {
            "form": form,
            "grouped": grouped,
            "start": start,
            "end": end,
            "total": len(findings),
            "invalid_period": start > end,
        },
    )


class SurveillanceForm(forms.Form):
    """JRN-4: whom to watch, why — and, for an officer of several CAFs, for which one (#24: the acting CAF is a
    choice, never the first of several)."""

    caf = forms.ModelChoiceField(
        label="Pour la Caf",
        queryset=None,
        error_messages={"required": "Choisissez la Caf.", "invalid_choice": "Choisissez la Caf."},
    )
    identifier = forms.CharField(label="Identifiant de l'utilisateur", max_length=32)
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, cafs, **kwargs):
        super().__init__(*args, **kwargs)
        self.cafs = cafs
        if len(cafs) > 1:
            self.fields["caf"].queryset = cafs
        else:
            del self.fields["caf"]

    def chosen_caf(self):
        """The CAF the surveillance is for: the officer's only one, or the one chosen."""
        return self.cleaned_data["caf"] if "caf" in self.fields else self.cafs[0]


@area_required(Area.SECURITY)
def surveillances(request):
    """JRN-4: put a user of the CAF under surveillance (for the CAF chosen, when the officer has several), list
    and lift."""
    cafs = cafs_in(request.user, Area.SECURITY)
    form = SurveillanceForm(
        request.POST or None, cafs=cafs, initial={"identifier": request.GET.get("utilisateur", "")}
    )
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"].strip().upper()
        caf = form.chosen_caf()
        user = User.objects.issued_by([caf]).filter(identifier=identifier).first()
        if user is None:
            form.add_error("identifier", f"Aucun utilisateur de la {caf.name} ne porte cet identifiant.")
        else:
            try:
                surveillance_start(
                    user=user, caf=caf, reason=form.cleaned_data["reason"], by=request.user, request=request
                )
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                messages.success(
                    request, f"{user.identifier} mis sous surveillance : ses lignes sont marquées au journal."
                )
                return redirect("habilitations:officer_surveillances")
    rows = Surveillance.objects.of_cafs(cafs).select_related("user", "caf", "started_by", "lifted_by")
    return render(
        request, "habilitations/officer/surveillances.html", {"form": form, "rows": rows, "section": "surveillance"}
    )


@area_required(Area.SECURITY)
def surveillance_lift_view(request, pk):
    """JRN-4: the act answers on the list — lifted, or already lifted (by whom, when). BO-6: with a required reason,
    no default, in the journal line; without one, nothing is done."""
    if request.method != "POST":
        return redirect("habilitations:officer_surveillances")
    surveillance = get_object_or_404(
        Surveillance.objects.of_cafs(cafs_in(request.user, Area.SECURITY)).select_related("user", "lifted_by"), pk=pk
    )
    identifier = surveillance.user.identifier
    if surveillance.lifted_at is not None:  # a second click, or another officer first: said, not a 404
        lifted = timezone.localtime(surveillance.lifted_at)
        messages.info(
            request,
            f"La surveillance de {identifier} était déjà levée "
            f"(le {lifted:%d/%m/%Y à %H:%M} par {surveillance.lifted_by.identifier}).",
        )
        return redirect("habilitations:officer_surveillances")
    reason = str(request.POST.get("reason", "")).strip()[:300]
    if not reason:
        messages.error(
            request, f"Indiquez le motif de la levée de la surveillance de {identifier} : rien n'a été fait."
        )
        return redirect("habilitations:officer_surveillances")
    try:
        surveillance_lift(surveillance=surveillance, reason=reason, by=request.user, request=request)
    except ValidationError:  # another officer lifted it since it was read here
        messages.info(request, f"La surveillance de {identifier} était déjà levée.")
        return redirect("habilitations:officer_surveillances")
    messages.success(request, f"Surveillance de {identifier} levée.")
    return redirect("habilitations:officer_surveillances")


@area_required(Area.STAFF_LOCKOUTS)
def staff_lockouts(request):
    """AUTH-3, ROLE-7: the staff identifiers locked now (their lockout lifts by itself after the cool-off); the
    national security officer unlocks one at once, journaled as their act — BO-6: with a required reason, no
    default, in the journal line. A CAF's staff cannot unlock another CAF's agent, nor themselves."""
    locked = User.objects.staff().filter(identifier__in=locked_identifiers()).order_by("identifier")
    if request.method == "POST":
        user = get_object_or_404(locked, identifier=str(request.POST.get("identifier", ""))[:32])
        reason = str(request.POST.get("reason", "")).strip()[:300]
        if not reason:
            messages.error(request, f"Indiquez le motif du déblocage de {user.identifier} : rien n'a été fait.")
            return redirect("habilitations:officer_staff_lockouts")
        try:
            user_unlock(user=user, by=request.user, request=request, reason=reason)
        except ValidationError as error:  # its lockout lifted by itself since the page was shown
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Accès de {user.identifier} débloqué.")
        return redirect("habilitations:officer_staff_lockouts")
    return render(
        request,
        "habilitations/officer/staff_lockouts.html",
        {"rows": locked, "section": "staff_lockouts", "cooloff_minutes": settings.CAFPRO_STAFF_LOCKOUT_COOLOFF // 60},
    )
