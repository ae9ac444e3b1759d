"""JUR-1 … JUR-3: the juridiction's space — its gestionnaire (the chef de greffe, or another person the president
designated) sees the habilitations of their BAJ, asks an access or a removal, reports a difficulty to the national
follow-up. No allocataire data here, nothing granted here: the CAF decides (the same services as its
administration, each journaled)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from conventions.models import Caf, DifficultyReport
from conventions.permissions import Area, area_required, bajs_managed
from conventions.services import difficulty_report
from habilitations.enums import HabilitationState
from habilitations.forms import DifficultyForm, PartnerAccessRequestForm, PartnerRemovalForm
from habilitations.models import Habilitation, HabilitationHistory
from habilitations.permissions import conventions_managed
from habilitations.services import partner_access_request, partner_removal_request

# JUR-2, HAB-5 (#24): the states whose removal a gestionnaire may ask — a suspended access is still the person's
# until it is withdrawn, and an end already set only moves earlier.
REMOVABLE = (
    HabilitationState.ACTIVE,
    HabilitationState.ENDING,
    HabilitationState.AWAITING_CONVENTION,
    HabilitationState.SUSPENDED,
)


def _removable(user):
    """JUR-2, HAB-5: the accesses of the BAJ whose removal the gestionnaire may ask, by their state today."""
    return Habilitation.objects.filter(convention__in=conventions_managed(user)).in_state_on(
        timezone.localdate(), *REMOVABLE
    )


def _page(request, template, context, section):
    return render(request, template, {"section": section, "bajs": bajs_managed(request.user), **context})


@area_required(Area.PARTNER)
def home(request):
    """JUR-2: the habilitations of the BAJ, their state today (`Habilitation.state_on`'s twin, #24), the CAF's
    refusals with their reason."""
    today = timezone.localdate()
    habilitations = (
        Habilitation.objects.filter(convention__in=conventions_managed(request.user))
        .with_state(today)
        .select_related("user", "convention__caf", "convention__baj")
        .prefetch_related(Prefetch("history", HabilitationHistory.objects.filter(action="refus"), to_attr="refusals"))
        .order_by("user__last_name", "user__first_name", "convention__caf__number")
    )
    return _page(
        request,
        "habilitations/partner/home.html",
        {
            "habilitations": habilitations,
            "STATES": HabilitationState,
            "removable": set(_removable(request.user).values_list("pk", flat=True)),
            "may_request": _conventions(request.user).exists(),  # #24: « Demander un accès » only under one in force
            "awaiting": Caf.objects.filter(pk__in=request.user.pending_confirmations.values("caf"))
            .order_by("pk")
            .values_list("name", flat=True),
        },
        "home",
    )


def _conventions(user):
    return (
        conventions_managed(user).active_on(timezone.localdate()).select_related("caf", "baj").order_by("caf__number")
    )


@area_required(Area.PARTNER)
def access_request(request):
    """JUR-2: « Demander un accès » — the demande d'accès, online; the CAF grants it and prints the letter. Without a
    convention in force (CONV-4, #24: its only one terminated), no form but why: nothing can be requested."""
    conventions = _conventions(request.user)
    if not conventions.exists():
        return _page(request, "habilitations/partner/request.html", {"form": None}, "request")
    form = PartnerAccessRequestForm(request.POST or None, conventions=conventions)
    if request.method == "POST" and form.is_valid():
        try:
            habilitation = partner_access_request(manager=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:  # a field's error on its field (HAB-1: the person already asked for)
            form.add_error(None if hasattr(error, "error_dict") else "convention", error)
        else:
            messages.success(
                request,
                f"Demande d'accès pour {habilitation.user.first_name} {habilitation.user.last_name.upper()} "
                f"envoyée à la {habilitation.convention.caf.name}.",
            )
            return redirect("habilitations:partner_home")
    return _page(request, "habilitations/partner/request.html", {"form": form}, "request")


@area_required(Area.PARTNER)
def removal_request(request, pk):
    """JUR-2, HAB-2: « Demander la suppression » of an access of the BAJ, on a change of post."""
    habilitation = _removable(request.user).filter(pk=pk).select_related("user", "convention__caf").first()
    if habilitation is None:
        raise Http404
    form = PartnerRemovalForm(
        request.POST or None, initial={"ends_on": timezone.localdate()}, latest=habilitation.ends_on
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner_removal_request(
                manager=request.user, habilitation=habilitation, ends_on=form.cleaned_data["ends_on"], request=request
            )
        except ValidationError as error:
            form.add_error("ends_on", error)
        else:
            messages.success(
                request,
                f"Suppression de l'accès de {habilitation.user.first_name} {habilitation.user.last_name.upper()} "
                f"enregistrée : plus d'accès à compter du {form.cleaned_data['ends_on']:%d/%m/%Y}.",
            )
            return redirect("habilitations:partner_home")
    return _page(request, "habilitations/partner/removal.html", {"form": form, "habilitation": habilitation}, "home")


@area_required(Area.PARTNER)
def difficulties(request):
    """JUR-3: « Signaler une difficulté » to the national follow-up (for the BAJ chosen, when the gestionnaire
    manages several), and its answers."""
    bajs = list(bajs_managed(request.user).order_by("pk"))
    form = DifficultyForm(request.POST or None, bajs=bajs)
    if request.method == "POST" and form.is_valid() and bajs:
        data = {name: form.cleaned_data[name] for name in ("subject", "body")}
        difficulty_report(manager=request.user, baj=form.chosen_baj(), request=request, **data)
        messages.success(request, "Difficulté signalée au suivi national : sa réponse s'affichera ici.")
        return redirect("habilitations:partner_difficulties")
    reports = DifficultyReport.objects.filter(baj__in=bajs).select_related("baj")
    return _page(
        request, "habilitations/partner/difficulties.html", {"form": form, "reports": reports}, "difficulties"
    )


@area_required(Area.PARTNER)
def cafs(request):
    """CONV-5: the CAFs of the juridiction's département and their communication officers."""
    contacts = Caf.objects.local_contacts_of(bajs_managed(request.user))
    return _page(request, "habilitations/partner/cafs.html", {"cafs": contacts}, "cafs")
