"""The consultation portal for profile T12 (CONS-1 … CONS-15): thin views over `access_for`, the scoped
`Dossier.objects.visible_through(access)`, the rubrique readers of `consultation` and the journal services."""

import datetime as dt
import uuid

from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from allocataires import consultation
from allocataires.forms import NOT_FOUND, DialogueForm, PaymentPeriodForm, SearchForm
from allocataires.links import CAF_LINKS
from allocataires.models import DialogueMessage, Dossier, RmiRight
from allocataires.periods import PeriodError, payment_period
from allocataires.services import consultation_record, consultation_refused_record, dialogue_send, edition_record
from habilitations.access import access_for
from habilitations.decorators import session_required
from habilitations.documents import pdf_response, render_pdf
from habilitations.rubriques import CATALOGUE, ENTETE, TABS

OPENED = "cafpro_opened_dossiers"  # the dossiers this session reached through the search form
MAX_OPENED = 50


def _banner_caf(access, dossier):
    """CONS-1: the CAF whose signature the banner shows — the dossier's, or the only one of a local access."""
    if dossier is not None:
        return dossier.caf
    return access.cafs[0] if access.granted and access.local else None


def _portal(request, template, context, *, access, form=None, dossier=None, status=200):
    banner_caf = _banner_caf(access, dossier)
    context = {
        "access": access,
        "search_form": form or SearchForm(access=access),
        "dossier": dossier,
        "caf_links": CAF_LINKS,
        "signature": banner_caf.name if banner_caf else None,
        # DIA-1: the "Dialogue" pictogram, when the CAF of the banner offers the rubrique.
        "dialogue_caf": banner_caf if banner_caf is not None and banner_caf.offers_dialogue else None,
        **context,
    }
    return render(request, template, context, status=status)


def _no_access(request, access):
    return _portal(request, "allocataires/no_access.html", {}, access=access, status=403)


@session_required
def home(request):
    """CONS-1: the main page, "Pour consulter un dossier, veuillez saisir le n° allocataire"."""
    access = access_for(request.user)
    if not access.granted:
        return _no_access(request, access)
    return _portal(request, "allocataires/home.html", {}, access=access)


@session_required
@require_POST
def search(request):
    """CONS-2, CONS-4, CONS-5, CONS-15: finds the dossier in the CAF the form decided, within the user's scope.
    Not found and out of scope get the same answer, journaled as a refused consultation."""
    access = access_for(request.user)
    if not access.granted:
        return _no_access(request, access)
    form = SearchForm(request.POST, access=access)
    if form.is_valid():
        number = form.cleaned_data["number"]
        dossier = None
        if form.target is not None:
            dossier = Dossier.objects.visible_through(access).filter(caf=form.target, number=number).first()
        if dossier is not None:
            opened = [pk for pk in request.session.get(OPENED, []) if pk != dossier.pk]
            request.session[OPENED] = [*opened, dossier.pk][-MAX_OPENED:]
            return redirect("allocataires:rubrique", pk=dossier.pk, code=TABS[0])
        consultation_refused_record(
            request=request,
            caf=form.target,
            number=number,
            detail=f"code postal {form.cleaned_data['postal_code']}" if form.cleaned_data.get("postal_code") else "",
        )
        form.add_error(None, NOT_FOUND)
    return _portal(request, "allocataires/home.html", {}, access=access, form=form)


def _opened_dossier(request, access, pk, code=None):
    """The dossier, if this session opened it through the search and it is still in scope today (a
    convention or habilitation may have ended since): else None. Loaded with what rubrique `code` shows
    (every rubrique when None), in a fixed number of queries."""
    if pk not in request.session.get(OPENED, []):
        return None
    related, prefetch = ["caf"], ["persons"]
    if code in ("rmi", None):
        related.append("rmi_right")
    if code in ("famille", None):
        prefetch.append("dependants")
    queryset = Dossier.objects.visible_through(access)
    return queryset.select_related(*related).prefetch_related(*prefetch).filter(pk=pk).first()


def _not_found(request, access, pk):
    consultation_refused_record(request=request, detail=f"accès direct au dossier interne {pk}")
    return _portal(request, "allocataires/not_found.html", {"message": NOT_FOUND}, access=access, status=404)


def _paiements(request, dossier):
    form = PaymentPeriodForm(request.GET if "date" in request.GET else None)
    context = {"period_form": form}
    if form.is_valid():
        try:
            period = payment_period(form.cleaned_data["date"], form.cleaned_data["mode"], timezone.localdate())
        except PeriodError as error:
            form.add_error("date", str(error))
        else:
            months = consultation.payments_by_month(dossier, period)
            wanted = _month_param(request.GET.get("mois"))
            shown_month, previous_month, next_month = consultation.month_navigation(months, wanted)
            context.update(
                period=period,
                months=months,
                shown_month=shown_month,
                previous_month=previous_month,
                next_month=next_month,
                total=months[-1].cumulative,
                query=f"date={request.GET['date']}&mode={request.GET['mode']}",
            )
    return context


def _month_param(value):
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except (TypeError, ValueError):
        return None


def _ressources(request, dossier):
    years = consultation.resources_years(dossier)
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        year = None
    if year not in years:
        year = years[0] if years else None
    index = years.index(year) if year in years else 0
    return {
        "years": years,
        "year": year,
        "resources": consultation.resources_of_year(dossier, year) if year else [],
        "older_year": years[index + 1] if index + 1 < len(years) else None,
        "newer_year": years[index - 1] if index > 0 else None,
    }


def _famille(request, dossier):
    children, others = consultation.dependants_split(dossier)
    return {"children": children, "others": others}


def _rmi(request, dossier):
    try:
        return {"rmi": dossier.rmi_right}
    except RmiRight.DoesNotExist:
        return {"rmi": None}


def _no_context(request, dossier):
    return {}


READERS = {
    "paiements": _paiements,
    "dossier": _no_context,
    "famille": _famille,
    "rmi": _rmi,
    "ressources": _ressources,
    "adresse": _no_context,
}


@session_required
def rubrique(request, pk, code):
    """CONS-6 … CONS-13, JRN-2: one rubrique of an opened dossier, if the profile opens it."""
    access = access_for(request.user)
    if not access.granted:
        return _no_access(request, access)
    if code not in READERS or not access.profile.opens(code):
        return _portal(request, "allocataires/forbidden.html", {}, access=access, status=403)
    dossier = _opened_dossier(request, access, pk, code)
    if dossier is None:
        return _not_found(request, access, pk)
    context = READERS[code](request, dossier)
    period = context.get("period")
    consultation_record(
        request=request, dossier=dossier, rubrique=code, period=period.journal_label() if period else ""
    )
    return _portal(
        request,
        f"allocataires/rubriques/{code}.html",
        {**_dossier_context(access, dossier, code), **context},
        access=access,
        dossier=dossier,
    )


def _dossier_context(access, dossier, code):
    profile = access.profile
    return {
        "code": code,
        "persons": consultation.persons_by_role(dossier),
        "entete": profile.shown_fields(ENTETE),
        "fields": profile.shown_fields(code),
        "rubrique_label": CATALOGUE[code].label,
        "tabs": [(tab, CATALOGUE[tab].label) for tab in TABS if profile.opens(tab)],
    }


@session_required
def edition(request, pk):
    """CONS-14: a PDF of the rubriques the profile opens, stating the CAF, the date and time and the user who
    printed it, ready to attach to the legal-aid file; journaled."""
    access = access_for(request.user)
    if not access.granted:
        return _no_access(request, access)
    dossier = _opened_dossier(request, access, pk)
    if dossier is None:
        return _not_found(request, access, pk)
    profile = access.profile
    persons = consultation.persons_by_role(dossier)
    sections, period = [], None
    for code in TABS:
        if not profile.opens(code):
            continue
        context = {
            "dossier": dossier,
            "persons": persons,
            "entete": profile.shown_fields(ENTETE),
            "fields": profile.shown_fields(code),
        }
        context.update(READERS[code](request, dossier))
        template = f"allocataires/rubriques/_{code}.html"
        if code == "ressources":  # the edition carries every known year
            html = "".join(
                render_to_string(
                    template, {**context, "year": year, "resources": consultation.resources_of_year(dossier, year)}
                )
                for year in context["years"]
            ) or render_to_string(template, context)
        else:
            html = render_to_string(template, context)
        period = period or context.get("period")
        sections.append((CATALOGUE[code].label, mark_safe(html)))  # noqa: S308 — our own rendered templates
    pdf = render_pdf(
        "allocataires/edition.html",
        {
            "dossier": dossier,
            "persons": persons,
            "entete": profile.shown_fields(ENTETE),
            "sections": sections,
            "printed_at": timezone.localtime(),
            "user": request.user,
            "period": period,
        },
    )
    if pdf is None:
        unavailable = "allocataires/edition_unavailable.html"
        return _portal(request, unavailable, {}, access=access, dossier=dossier, status=503)
    edition_record(request=request, dossier=dossier, period=period.journal_label() if period else "")
    return pdf_response(pdf, f"cafpro-{dossier.caf.number or 'cmaf'}-{dossier.number}.pdf")


def _dialogue_caf(access, caf_pk):
    """DIA-1: the CAF to write to — within the user's scope, and offering the rubrique."""
    return next((caf for caf in access.cafs if caf.pk == caf_pk and caf.offers_dialogue), None)


@session_required
def dialogue(request, caf_pk):
    """DIA-1, DIA-2: the Dialogue form; "Envoyer" leads to the confirmation page."""
    access = access_for(request.user)
    if not access.granted:
        return _no_access(request, access)
    caf = _dialogue_caf(access, caf_pk)
    if caf is None:
        return _portal(request, "allocataires/dialogue_closed.html", {}, access=access, status=403)
    if request.method == "POST":
        form = DialogueForm(request.POST)
        if form.is_valid():
            message, _ = dialogue_send(request=request, caf=caf, **form.cleaned_data)
            return redirect("allocataires:dialogue_sent", token=message.token)
    else:
        user = request.user
        form = DialogueForm(
            initial={
                "token": uuid.uuid4(),
                "organisation": str(access.habilitation.convention.baj),
                "name": f"{user.last_name.upper()} {user.first_name}".strip(),
                "email": user.email,
            }
        )
    return _portal(request, "allocataires/dialogue.html", {"form": form, "caf": caf}, access=access, dossier=None)


@session_required
def dialogue_sent(request, token):
    """DIA-2: the confirmation page, for the sender only."""
    access = access_for(request.user)
    message = DialogueMessage.objects.filter(token=token, sender=request.user).select_related("caf").first()
    if message is None:
        return _portal(
            request, "allocataires/not_found.html", {"message": "Message introuvable."}, access=access, status=404
        )
    return _portal(request, "allocataires/dialogue_sent.html", {"message": message}, access=access)
