"""The consultation portal (CONS-1 … CONS-15): thin views over the user's access (`habilitations.access`), the
dossiers this session opened in scope (`allocataires.scope`), the rubrique declarations
(`allocataires.rubriques`) and the journal services."""

import uuid
from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from allocataires.forms import NOT_FOUND, DialogueForm, SearchForm
from allocataires.links import CAF_LINKS
from allocataires.models import DialogueMessage, Dossier
from allocataires.rubriques import ENTETE
from allocataires.scope import consulted, opened_dossier, remember_consulted, remember_opened
from allocataires.services import consultation_record, consultation_refused_record, dialogue_send
from conventions.models import Baj, Caf
from conventions.rubriques import CATALOGUE
from core.decorators import session_required
from core.pdf import html_to_pdf, pdf_response
from core.text import ascii_digits
from habilitations.access import access_for
from habilitations.views import home_of
from journal.enums import JournalEvent


def _portal(request, template, context, *, access, form=None, caf=None, status=200):
    """CONS-1: a page of the portal — the banner carries the signature of the dossier's CAF (`caf`), or of the
    only CAF of a local access; the menu, the search form."""
    return render(request, template, {**_portal_context(access, form=form, caf=caf), **context}, status=status)


def _portal_context(access, *, form=None, caf=None):
    if caf is None and access.granted and access.local:
        caf = access.cafs[0]
    return {
        "access": access,
        "search_form": form or SearchForm(access=access),
        "caf_links": CAF_LINKS,
        "signature": caf.name if caf else None,
        # DIA-1: the "Dialogue" pictogram, when the CAF of the banner offers the rubrique.
        "dialogue_caf": caf if caf is not None and caf.offers_dialogue else None,
    }


def portal_frame(request):
    """CONS-1, RGPD-1 (#24, `core.frames`): a greffier reading the legal pages keeps the portal's banner and menu
    (the search form when the access is granted)."""
    if home_of(request) != "allocataires:home":
        return None
    return "portal.html", _portal_context(access_for(request))


def consultation_required(view):
    """CONS-5: a page of the consultation, for a user whose habilitation gives access today; the view receives
    that access."""

    @wraps(view)
    @session_required
    def wrapper(request, *args, **kwargs):
        access = access_for(request)
        if not access.granted:
            return _portal(request, "allocataires/no_access.html", {}, access=access, status=403)
        return view(request, access, *args, **kwargs)

    return wrapper


@consultation_required
def home(request, access):
    """CONS-1: the main page, "Pour consulter un dossier, saisissez le n° allocataire" (the manual's « veuillez
    saisir », in the portal's one style), and the CAFs of the access (BO-9)."""
    return _portal(request, "allocataires/home.html", {}, access=access)


@consultation_required
def caf_contacts(request, access):
    """CONV-5: the CAFs of the département of the greffier's BAJs — those of the habilitations giving access — and
    their communication officers."""
    bajs = Baj.objects.filter(conventions__habilitations__pk__in=[grant.habilitation_id for grant in access.grants])
    return _portal(
        request, "allocataires/caf_contacts.html", {"cafs": Caf.objects.local_contacts_of(bajs)}, access=access
    )


@consultation_required
@require_POST
def search(request, access):
    """CONS-2, CONS-4, CONS-5, CONS-15: finds the dossier in the CAF the form decided, within the user's scope.
    Not found and out of scope get the same answer, journaled as a refused consultation."""
    form = SearchForm(request.POST, access=access)
    if form.is_valid():
        number, purpose = form.cleaned_data["number"], form.purpose()
        dossier = None
        if form.target is not None:
            dossier = Dossier.objects.visible_through(access).filter(caf=form.target, number=number).first()
        if dossier is not None:
            remember_opened(request.session, dossier, purpose)
            return redirect("allocataires:rubrique", pk=dossier.pk, code=CATALOGUE.tabs()[0].code)
        consultation_refused_record(
            request=request,
            caf=form.target,
            number=number,
            detail=f"code postal {form.cleaned_data['postal_code']}" if form.cleaned_data.get("postal_code") else "",
            purpose=purpose,
        )
        form.add_error("number", NOT_FOUND)  # tied to the number typed (NF-2)
    elif form.outside_access:
        consultation_refused_record(
            request=request,
            number=form.cleaned_data.get("number", ""),
            detail=f"code postal {form.outside_access} hors de l'accès",
        )
    return _portal(request, "allocataires/home.html", {}, access=access, form=form)


def _not_found(request, access, pk):
    consultation_refused_record(request=request, detail=f"accès direct au dossier interne {pk}")
    return _portal(request, "allocataires/not_found.html", {"message": NOT_FOUND}, access=access, status=404)


def _tabs(profile):
    return [(tab.code, tab.label) for tab in CATALOGUE.tabs() if profile.opens(tab.code)]


@consultation_required
def rubrique(request, access, pk, code):
    """CONS-6 … CONS-13, JRN-2, PUR-2: one rubrique of an opened dossier, if the profile of the habilitation
    that opens its CAF opens the rubrique."""
    declared = CATALOGUE[code] if code in CATALOGUE and CATALOGUE[code].tab else None
    dossier, purpose = opened_dossier(
        request.session,
        access,
        pk,
        related=declared.select if declared else (),
        prefetch=("persons", *(declared.prefetch if declared else ())),
    )
    if dossier is None:
        return _not_found(request, access, pk)
    profile = access.profile_for(dossier.caf_id)
    if declared is None or not profile.opens(code):
        return _portal(request, "allocataires/forbidden.html", {}, access=access, caf=dossier.caf, status=403)
    _, kept = consulted(request.session, dossier.pk)
    # The parameters asked now, else those kept from earlier in the session: a QueryDict, whose reads the ROB-1
    # crawl (tests/test_fuzz.py) records to learn which names the rubriques look for.
    params = request.GET.copy()
    for name, value in kept.get(code, {}).items():
        params.setdefault(name, value)
    data, page = declared.read(dossier, params)
    remember_consulted(request.session, dossier.pk, code, page.get("kept"))
    period = page.get("period")
    consultation_record(
        request=request,
        dossier=dossier,
        purpose=purpose,
        rubrique=code,
        period=period.journal_label() if period else "",
    )
    context = {
        **declared.seen(profile, dossier, data),
        **page,
        "code": code,
        "dossier_pk": dossier.pk,
        "purpose": purpose,
        "rubrique_label": declared.label,
        "rubrique_title": declared.title or declared.label,
        "tabs": _tabs(profile),
    }
    return _portal(request, declared.template, context, access=access, caf=dossier.caf)


@consultation_required
def edition(request, access, pk):
    """CONS-14, PUR-2: the consultation as a PDF — the rubriques of this dossier consulted in this session that the
    profile opens, as they were consulted (the period asked, with every month's detail), stating the legal-aid
    file, the CAF, the date and time and the user who printed it, ready to attach to the legal-aid file;
    journaled."""
    dossier, purpose = opened_dossier(
        request.session,
        access,
        pk,
        related=[name for rubrique in CATALOGUE.tabs() for name in rubrique.select],
        prefetch=["persons", *(name for rubrique in CATALOGUE.tabs() for name in rubrique.prefetch)],
    )
    if dossier is None:
        return _not_found(request, access, pk)
    profile = access.profile_for(dossier.caf_id)
    seen, kept = consulted(request.session, dossier.pk)
    sections, period = [], None
    for declared in CATALOGUE.tabs():
        if declared.code not in seen or not profile.opens(declared.code):
            continue
        data, page = declared.read(dossier, kept.get(declared.code, {}), edition=True)
        period = period or page.get("period")
        html = render_to_string(declared.partial, {**declared.seen(profile, dossier, data), **page})
        sections.append((declared.label, mark_safe(html)))  # noqa: S308 — our own rendered templates
    document = render_to_string(
        "allocataires/edition.html",
        {
            **ENTETE.seen(profile, dossier, {}),
            "caf": dossier.caf,
            "purpose": purpose,
            "sections": sections,
            "printed_at": timezone.localtime(),
            "user": request.user,
        },
    )
    pdf = html_to_pdf(document)
    if pdf is None:
        unavailable = "allocataires/edition_unavailable.html"
        return _portal(request, unavailable, {}, access=access, caf=dossier.caf, status=503)
    consultation_record(
        request=request,
        dossier=dossier,
        purpose=purpose,
        rubrique="edition",
        period=period.journal_label() if period else "",
        event=JournalEvent.EDITION,
    )
    return pdf_response(pdf, f"cafpro-{dossier.caf.number or 'cmaf'}-{dossier.number}.pdf")


@consultation_required
def dialogue(request, access, caf_pk):
    """DIA-1, DIA-2: the Dialogue form; "Envoyer" leads to the confirmation page."""
    caf = access.caf(caf_pk)  # DIA-1: a CAF of the user's access that offers the rubrique
    if caf is None or not caf.offers_dialogue:
        return _portal(request, "allocataires/dialogue_closed.html", {}, access=access, status=403)
    if request.method == "POST":
        form = DialogueForm(request.POST)
        if form.is_valid():
            message, _, notified = dialogue_send(request=request, caf=caf, **form.cleaned_data)
            if notified is False:  # DIA-4: recorded for the CAF, but its e-mail alert could not leave
                messages.warning(
                    request,
                    "Votre message est enregistré, mais le courriel qui prévient la Caf n'a pas pu partir : "
                    "la Caf le lira dans Cafpro. Si votre demande est urgente, appelez-la.",
                )
            return redirect("allocataires:dialogue_sent", token=message.token)
    else:
        user = request.user
        # Opened from a dossier of this session: its number, if it is still in scope (#18 §4).
        pk = request.GET.get("dossier", "")
        dossier, _ = opened_dossier(request.session, access, int(pk)) if ascii_digits(pk) else (None, None)
        form = DialogueForm(
            initial={
                "token": uuid.uuid4(),
                "organisation": access.organisation,
                "name": f"{user.last_name.upper()} {user.first_name}".strip(),
                "email": user.email,
                "allocataire_number": dossier.number if dossier else "",
            }
        )
    return _portal(request, "allocataires/dialogue.html", {"form": form, "caf": caf}, access=access)


@session_required
def dialogue_sent(request, token):
    """DIA-2: the confirmation page, for the sender only."""
    access = access_for(request)
    message = DialogueMessage.objects.sent_by(request.user).filter(token=token).select_related("caf").first()
    if message is None:
        return _portal(
            request, "allocataires/not_found.html", {"message": "Message introuvable."}, access=access, status=404
        )
    return _portal(request, "allocataires/dialogue_sent.html", {"message": message}, access=access)
