"""BO-5, BO-6 (#24): the acts of the administration say what they did, on the object's page, naming the person;
a repeated or stale act is explained there, never a 403; the destructive ones ask a confirmation and a required
reason first (recorded in the history and the journal) and look destructive; the letter's password is committed
with the letter that carries it, which is served on the object's page and stored nowhere on the server."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from conventions.enums import CafRoleKind, JuridictionKind
from conventions.models import Baj, BajManager, Caf, CafRole, Convention
from habilitations.enums import HabilitationStatus
from habilitations.models import Habilitation, HabilitationHistory, PendingConfirmation, User
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, caf_staff_logged_in, log_in
from tests.habilitations.test_admin_caf import letter_pdf, pdf_text

pytestmark = pytest.mark.django_db

REASON = "Appel de la greffière, identité vérifiée"


@pytest.fixture
def caf_admin(client):
    return caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)


def garnier(**traits):
    """Madame Inès GARNIER (T1001163), habilitated by the Caf de la Charente (requested: no password yet)."""
    user = UserFactory(identifier="T1001163", civility="madame", first_name="Inès", last_name="Garnier")
    if traits.get("requested"):
        user.set_unusable_password()
        user.save()
    return HabilitationFactory(user=user, **traits)


def locked_garnier():
    """Madame GARNIER after three failed logins: « Débloquer » is offered only for a locked identifier (#24)."""
    habilitation = garnier()
    for _ in range(3):
        Client().post("/", {"identifier": "T1001163", "password": "Wrong1"})
    return habilitation


def page_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def button_url(obj, name):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_actions", kwargs={"pk": obj.pk, "tool": f"button_{name}"}
    )


def list_act(client, model, action, objects, **extra):
    opts = model._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects], **extra},
    )


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def text(response):
    return html.unescape(response.content.decode())


def stored_nowhere(client, password):
    """AUTH-5: the password exists only in the letter — not in the session, a cookie (messages), the journal or
    the history (the account keeps its hash only)."""
    assert password not in str(dict(client.session.items()))
    assert password not in str(client.cookies)
    assert not JournalEntry.objects.filter(detail__contains=password).exists()
    assert not HabilitationHistory.objects.filter(detail__contains=password).exists()
    assert not User.objects.filter(password__contains=password).exists()


# --- BO-5: the grant answers on the habilitation's page, with the letter -----------------------------------------


@pytest.mark.parametrize("way", ["button", "list"])
def test_the_grant_answers_on_the_habilitations_page_with_its_new_state_and_the_letter(client, caf_admin, way):
    """« Accorder » downloaded the letter and left the page as it was: no message, same state, same buttons."""
    habilitation = garnier(requested=True)
    if way == "button":
        response = client.post(button_url(habilitation, "grant"))
    else:  # from the list with one habilitation selected: the same
        response = list_act(client, Habilitation, "grant", [habilitation])
    page = text(response)
    assert "Accès accordé à Madame Inès GARNIER" in page
    assert 'class="readonly">Active<' in page, "the new state"
    assert button_url(habilitation, "suspend") in page and button_url(habilitation, "grant") not in page
    assert "Télécharger la lettre d'ouverture des droits (PDF)" in page
    assert "Le mot de passe initial n'existe que dans cette lettre" in page
    pdf, filename = letter_pdf(response)  # also: Cache-Control no-store
    assert filename == "ouverture-droits-T1001163.pdf"
    letter = pdf_text(response)
    password = letter.split("mot de passe personnel :")[1].split()[0]
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.ACTIVE and habilitation.user.check_password(password)
    stored_nowhere(client, password)
    printed = JournalEntry.objects.get(event=JournalEvent.DOCUMENT_PRINTED)
    assert printed.user == caf_admin and "lettre d'ouverture des droits" in printed.detail


def test_a_second_grant_is_explained_on_the_page_never_a_403(client, caf_admin):
    """The second click on « Accorder » of a page left as it was opened the portal's « Accès refusé »."""
    habilitation = garnier(requested=True)
    client.post(button_url(habilitation, "grant"))
    again = client.post(button_url(habilitation, "grant"), follow=True)
    assert again.redirect_chain == [(page_url(habilitation), 302)]
    assert any(
        "n'est plus possible : l'habilitation de Madame Inès GARNIER (T1001163) est maintenant à l'état « active »"
        in message
        for message in said(again)
    )
    from_the_list = list_act(client, Habilitation, "grant", [habilitation])
    assert from_the_list.status_code == 302 and from_the_list["Location"] == page_url(habilitation)
    assert any(
        "Habilitation de Madame Inès GARNIER : Impossible d'accorder" in message for message in said(from_the_list)
    )
    assert habilitation.history.filter(action="ouverture des droits").count() == 1


def _pdf_fails(monkeypatch):
    monkeypatch.setattr("habilitations.admin.habilitation_document", lambda *args, **kwargs: None)
    monkeypatch.setattr("habilitations.admin.render_pdf", lambda *args, **kwargs: None)


def test_a_grant_whose_letter_cannot_be_rendered_commits_nothing(client, caf_admin, monkeypatch):
    """The password was committed before the PDF was rendered: without Pango, it was lost."""
    _pdf_fails(monkeypatch)
    habilitation = garnier(requested=True)
    journaled = JournalEntry.objects.count()
    response = client.post(button_url(habilitation, "grant"), follow=True)
    assert response.redirect_chain == [(page_url(habilitation), 302)]
    assert any("Le document n'a pas pu être produit" in m and "Rien n'a été enregistré" in m for m in said(response))
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.REQUESTED and not habilitation.user.has_usable_password()
    assert not habilitation.history.exists() and JournalEntry.objects.count() == journaled


def test_a_new_password_whose_letter_cannot_be_rendered_keeps_the_old_one(client, caf_admin, monkeypatch):
    _pdf_fails(monkeypatch)
    habilitation = garnier()
    before, journaled = habilitation.user.password, JournalEntry.objects.count()
    client.post(button_url(habilitation, "reset_password"), {"apply": "1", "reason": REASON})
    habilitation.user.refresh_from_db()
    assert habilitation.user.password == before and JournalEntry.objects.count() == journaled
    assert not habilitation.history.exists()


def _hidden(page, name):
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


@pytest.mark.parametrize("name", ["reset_password", "print_letter"])
def test_a_reloaded_letter_page_issues_no_second_password(client, caf_admin, name):
    """BO-5 (#24 walk): the letter's page is the answer to a POST; reloading it sent the form again and issued a
    second password, voiding the letter just downloaded. The form carries the fingerprint of the password in force
    when it was shown: sent again, it issues nothing and says why; confirmed again from that page, it does."""
    obj = garnier() if name == "reset_password" else _manager()
    asked = text(client.post(button_url(obj, name)))
    confirmed = {"apply": "1", "reason": REASON, "credentials": _hidden(asked, "credentials")}
    first = client.post(button_url(obj, name), confirmed)
    assert "no-store" in first["Cache-Control"]
    assert "data:application/pdf;base64," in text(first)
    obj.user.refresh_from_db()
    issued, journaled = obj.user.password, JournalEntry.objects.count()

    reloaded = text(client.post(button_url(obj, name), confirmed))  # F5 on the letter's page
    obj.user.refresh_from_db()
    assert obj.user.password == issued and JournalEntry.objects.count() == journaled
    assert "aucun nouveau mot de passe n'a été donné, la lettre déjà téléchargée reste valable" in reloaded
    assert "data:application/pdf" not in reloaded

    again = client.post(button_url(obj, name), {**confirmed, "credentials": _hidden(reloaded, "credentials")})
    obj.user.refresh_from_db()
    assert obj.user.password != issued and "data:application/pdf;base64," in text(again)


# --- BO-6: the destructive acts ask first, with a required reason --------------------------------------------------


def _manager():
    from habilitations.services import baj_manager_record

    return baj_manager_record(
        baj=Baj.objects.get(city="Angoulême", juridiction=JuridictionKind.TGI),
        designated_on=__import__("datetime").date(2026, 1, 5),
        civility="madame",
        last_name="Moreau",
        first_name="Isabelle",
        email="isabelle.moreau@justice.fr",
        by=UserFactory(identifier="AGENTREC", staff=True),
        caf=Caf.objects.get(number="161"),
    )


def _done(obj):
    obj.refresh_from_db()
    if isinstance(obj, Habilitation):
        return obj.status != HabilitationStatus.ACTIVE or obj.history.exists()
    if isinstance(obj, Convention):
        return obj.ends_on is not None
    return obj.user.has_usable_password()


# (what is made, the button, what the page says will happen, the event journaled, whether a history row is written)
ASKING = {
    "suspend": (
        garnier,
        "Suspendre l'habilitation de Madame Inès GARNIER (T1001163) : ses sessions ouvertes sont fermées",
        JournalEvent.HABILITATION_SUSPENDED,
        "suspension",
    ),
    "unlock": (
        locked_garnier,
        "Débloquer l'identifiant T1001163 de Madame Inès GARNIER : trois nouveaux essais de connexion",
        JournalEvent.UNLOCK,
        "déblocage",
    ),
    "reset_password": (
        garnier,
        "Donner un nouveau mot de passe à Madame Inès GARNIER (T1001163) : l'actuel ne fonctionne plus",
        JournalEvent.PASSWORD_RESET,
        "nouveau mot de passe",
    ),
    "denounce": (
        ConventionFactory,
        "Dénoncer la convention n° {number} avec le BAJ",
        JournalEvent.CONVENTION_DENOUNCED,
        "dénonciation",
    ),
    "terminate": (
        ConventionFactory,
        "Résilier la convention n° {number} avec le BAJ",
        JournalEvent.CONVENTION_TERMINATED,
        "résiliation",
    ),
    "print_letter": (
        _manager,
        "Imprimer la lettre d'ouverture des droits de Madame Isabelle MOREAU",
        JournalEvent.PASSWORD_RESET,
        None,
    ),
}


@pytest.mark.parametrize("name", ASKING)
def test_a_destructive_act_asks_a_confirmation_and_a_required_reason_first(client, caf_admin, name):
    """« Suspendre », « Dénoncer », « Débloquer », « Nouveau mot de passe » acted on one click with no reason."""
    make, consequence, event, history = ASKING[name]
    obj = make()
    if name == "terminate":
        reason_field = "Motif du manquement (article 5)"
    else:
        reason_field = "Motif"
    url = button_url(obj, name)
    journaled = JournalEntry.objects.count()

    asked = client.post(url)
    page = text(asked)
    assert asked.status_code == 200 and consequence.format(number=getattr(obj, "number", "")) in page
    assert reason_field in page
    assert '<button type="submit" class="button destructive">Confirmer</button>' in page
    assert f'<a class="button cancel" href="{page_url(obj)}">Annuler</a>' in page
    assert not _done(obj) and JournalEntry.objects.count() == journaled

    blank = client.post(url, {"apply": "1", "reason": "   "})  # « Confirmer » without a reason
    assert blank.status_code == 200 and "Ce champ est obligatoire" in text(blank)
    assert 'id="id_reason_error"' in text(blank), "the error on its field"
    assert not _done(obj) and JournalEntry.objects.count() == journaled

    done = client.post(url, {"apply": "1", "reason": REASON})
    assert done.status_code in (200, 302)
    if done.status_code == 302:
        assert done["Location"] == page_url(obj)
    assert _done(obj)
    line = JournalEntry.objects.filter(event=event).latest("pk")
    assert line.user == caf_admin and REASON in line.detail, "the reason in the journal line"
    if history:
        assert REASON in obj.history.get(action=history).detail, "the reason in the history row"


def test_the_messages_name_the_person_and_say_what_was_done(client, caf_admin):
    habilitation = garnier()
    response = client.post(button_url(habilitation, "suspend"), {"apply": "1", "reason": REASON})
    assert said(response) == ["Habilitation de Madame Inès GARNIER suspendue."]
    assert response["Location"] == page_url(habilitation)


def test_several_from_the_list_end_on_the_list_with_one_message_each(client, caf_admin):
    first = garnier()
    second = HabilitationFactory(
        user=UserFactory(identifier="T1001164", civility="monsieur", first_name="Hugo", last_name="Roux")
    )
    response = list_act(client, Habilitation, "suspend", [first, second], apply="1", reason=REASON)
    assert response["Location"] == reverse("admin:habilitations_habilitation_changelist")
    assert sorted(said(response)) == [
        "Habilitation de Madame Inès GARNIER suspendue.",
        "Habilitation de Monsieur Hugo ROUX suspendue.",
    ]


def test_an_unlock_of_an_identifier_not_locked_leaves_it_untouched_and_says_so(client, caf_admin):
    """AUTH-3, ROLE-7, BO-5: « Débloquer » from the list on an identifier that is not locked (one failure only)
    reset its attempts, made every other CAF of the identity owe a confirmation and journaled an unlock. Nothing is
    done for it — no reset, no confirmation owed, no history row, no journal line — and the message says so, while
    the locked identifier selected with it is unlocked."""
    from axes.models import AccessAttempt

    locked = locked_garnier()
    free = HabilitationFactory(
        user=UserFactory(identifier="T1001164", civility="monsieur", first_name="Hugo", last_name="Roux")
    )
    HabilitationFactory(
        user=free.user,
        convention=ConventionFactory(caf=Caf.objects.get(number="171"), baj=Baj.objects.get(city="Saintes")),
    )
    Client().post("/", {"identifier": "T1001164", "password": "Wrong1"})
    last = JournalEntry.objects.order_by("pk").last().pk

    response = list_act(client, Habilitation, "unlock", [locked, free], apply="1", reason=REASON)

    assert sorted(said(response)) == [
        "Habilitation de Monsieur Hugo ROUX : T1001164 n'était pas bloqué ; rien n'a été fait.",
        "Identifiant T1001163 de Madame Inès GARNIER débloqué.",
    ]
    assert AccessAttempt.objects.get(username="T1001164").failures_since_start == 1, "its attempts not reset"
    assert not PendingConfirmation.objects.filter(user=free.user).exists()
    assert not free.history.filter(action="déblocage").exists()
    written = JournalEntry.objects.filter(pk__gt=last)
    assert written.filter(event=JournalEvent.UNLOCK, detail__startswith="T1001163 :").exists()
    assert not written.filter(detail__contains="T1001164").exists(), "no journal line for the identifier not locked"


def test_the_withdrawal_preselects_no_reason(client, caf_admin):
    """« Retirer » preselected the first reason and recorded it when the agent confirmed without choosing."""
    habilitation = garnier()
    page = text(client.post(button_url(habilitation, "revoke")))
    select = re.search(r'<select name="reason"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert select.lstrip().startswith('<option value="" selected>— choisissez —</option>')
    assert select.count("selected") == 1 and "Demande refusée" not in select
    refused = client.post(button_url(habilitation, "revoke"), {"apply": "1", "reason": "", "ends_on": ""})
    assert refused.status_code == 200 and "Ce champ est obligatoire" in text(refused)
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.ACTIVE and habilitation.revocation_reason == ""
    later = client.post(
        button_url(habilitation, "revoke"), {"apply": "1", "reason": "removal_request", "ends_on": "2099-01-01"}
    )
    assert said(later) == [
        "Fin d'accès de l'habilitation de Madame Inès GARNIER programmée le 01/01/2099 (Demande de suppression) : "
        "elle donne accès jusqu'à la veille."
    ]
    client.post(button_url(habilitation, "revoke"), {"apply": "1", "reason": "end_of_mission", "ends_on": ""})
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.REVOKED
    assert "Fin de mission" in habilitation.history.filter(action="retrait").latest("pk").detail
    assert "Fin de mission" in JournalEntry.objects.filter(event=JournalEvent.HABILITATION_REVOKED).latest("pk").detail


def test_destructive_buttons_do_not_look_like_the_print_buttons(client, caf_admin):
    """They were the same 19 px pills."""
    habilitation = garnier()
    page = client.get(page_url(habilitation)).content.decode()
    buttons = dict(
        (tool, css)
        for css, tool in re.findall(r'<button type="submit" class="([^"]+)">([^<]+)</button>', html.unescape(page))
    )
    assert buttons["Suspendre (ferme les sessions ouvertes)"] == "button destructive"
    assert buttons["Nouveau mot de passe et lettre (ferme les sessions ouvertes)"] == "button destructive"
    assert buttons["Imprimer la demande d'accès (PDF)"] == "button"
    assert "css/acts.css" in page
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/acts.css"), encoding="utf-8").read()
    rule = css[css.index(".button.destructive,") : css.index("}")]
    assert "min-height: 44px" in rule and "background: #b3261e" in rule, "red, a target of 24 px and more"


def test_an_acts_address_opened_as_a_link_answers_with_the_objects_page(client, caf_admin):
    """A GET on a button's URL answered 405 with an empty body."""
    habilitation = garnier()
    response = client.get(button_url(habilitation, "suspend"), follow=True)
    assert response.redirect_chain == [(page_url(habilitation), 302)]
    assert any("se fait avec son bouton" in message for message in said(response))
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.ACTIVE
    theirs = HabilitationFactory(
        convention=ConventionFactory(
            caf=Caf.objects.get(number="171"), baj=Baj.objects.get(city="Saintes", juridiction=JuridictionKind.TGI)
        )
    )
    assert client.get(button_url(theirs, "suspend")).status_code == 404, "ROLE-3: out of scope is not found"
    listwide = reverse("admin:habilitations_habilitation_actions", kwargs={"tool": "button_suspend"})
    assert client.get(listwide).status_code == client.post(listwide).status_code == 404, "was a server error"


# --- the acting CAF, explicit (#24) ---------------------------------------------------------------------------------


@pytest.fixture
def lille_and_roubaix():
    """An agent administering the Caf de Lille and the Caf de Roubaix, which both deal with the BAJ of Lille."""
    client = Client()
    agent = UserFactory(identifier="CAF59599", staff=True)
    for number in ("595", "597"):
        CafRole.objects.create(user=agent, caf=Caf.objects.get(number=number), kind=CafRoleKind.ADMINISTRATOR)
    log_in(client, agent)
    return client


def test_an_agent_of_several_cafs_says_in_whose_name_a_gestionnaire_is_recorded(lille_and_roubaix):
    client, baj = lille_and_roubaix, Baj.objects.get(city="Lille", juridiction=JuridictionKind.TGI)
    add = reverse("admin:conventions_bajmanager_add")
    assert "Au nom de la Caf" in text(client.get(add))
    data = {
        "baj": baj.pk,
        "designated_on": "05/01/2026",
        "civility": "monsieur",
        "last_name": "Blanc",
        "first_name": "Louis",
        "email": "louis.blanc@justice.fr",
    }
    missing = client.post(add, data)
    assert missing.status_code == 200 and "caf" in missing.context["adminform"].form.errors
    roubaix = Caf.objects.get(number="597")
    response = client.post(add, {**data, "caf": roubaix.pk})
    manager = BajManager.objects.get(user__email="louis.blanc@justice.fr")
    assert response["Location"] == page_url(manager)
    assert manager.recording_caf == roubaix, "the CAF chosen, not the first of the agent's"

    url = button_url(manager, "print_letter")
    asked = text(client.post(url))
    assert "Au nom de la Caf" in asked and "— choisissez —" in asked
    assert "Imprimer la lettre d'ouverture des droits de Monsieur Louis BLANC" in asked, "a first letter"
    refused = client.post(url, {"apply": "1", "reason": "Première lettre"})
    assert refused.status_code == 200 and "Ce champ est obligatoire" in text(refused)
    assert not User.objects.get(pk=manager.user.pk).has_usable_password()
    letter = client.post(url, {"apply": "1", "reason": "Première lettre", "caf": roubaix.pk})
    assert "Télécharger la lettre d'ouverture des droits du gestionnaire (PDF)" in text(letter)
    assert letter_pdf(letter)[1] == f"ouverture-gestionnaire-{manager.user.identifier}.pdf"
    assert "Caf de Roubaix" in pdf_text(letter)
    assert "Désigné le" in pdf_text(letter), "Monsieur: « Désigné », not « Désigné(e) » (#24 walk)"
    lille = PendingConfirmation.objects.get(user=manager.user, caf__number="595")
    assert lille.issued_by == roubaix, "printed in the name of Roubaix: Lille confirms"


def test_a_new_password_comes_in_its_own_letter_which_says_other_cafs_wait(client, caf_admin):
    """AUTH-5, ROLE-7 (#24 walk): « Nouveau mot de passe et lettre » printed the opening letter (« Après réception de
    la convention signée … ouverture des droits ») to a person who has had access for a year, and did not say that
    the other CAFs' dossiers now wait for their confirmation. Its own letter says both — without naming those CAFs
    to the agent printing it."""
    habilitation = garnier()
    HabilitationFactory(
        user=habilitation.user,
        convention=ConventionFactory(caf=Caf.objects.get(number="171"), baj=Baj.objects.get(city="Saintes")),
    )
    asked = text(client.post(button_url(habilitation, "reset_password")))
    assert "Motif du nouveau mot de passe" in asked
    answered = client.post(button_url(habilitation, "reset_password"), {"apply": "1", "reason": REASON})
    assert "Télécharger la lettre du nouveau mot de passe (PDF)" in text(answered)
    letter = pdf_text(answered)
    assert "Cafpro — Nouveau mot de passe" in letter and "ouverture des droits" not in letter.lower()
    assert "Ceux des autres Caf qui vous ont habilitée vous seront de nouveau ouverts" in letter
    assert "La Rochelle" not in letter and "Charente-Maritime" not in letter
