"""ROLE-3, HAB-3, CONV-3: the CAF administrator's pages — scoped to their CAF (also by URL), the lifecycle
actions, the read-only history, the printable documents."""

import base64
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole, Convention
from habilitations.admin import full_name as person
from habilitations.enums import GreffeFunction, HabilitationStatus
from habilitations.models import Habilitation
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, caf_staff_logged_in, log_in

pytestmark = pytest.mark.django_db


LETTER = re.compile(r'href="data:application/pdf;base64,([A-Za-z0-9+/=]+)"\s+download="([^"]+)"')


def letter_pdf(response):
    """BO-5: the letter an act answers with on the object's page, as the link's download (and its file name)."""
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html"), response
    assert "no-store" in response["Cache-Control"], "the page carrying a password is not kept by the browser"
    found = LETTER.search(response.content.decode())
    assert found, "no letter on the page"
    return base64.b64decode(found.group(1)), found.group(2)


def pdf_text(response):
    """The text of a printed PDF, served as a download or, for a letter carrying a password, linked on the object's
    page (BO-5)."""
    content = response.content if response["Content-Type"] == "application/pdf" else letter_pdf(response)[0]
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def caf_admin(client):
    return caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)


@pytest.fixture
def two_cafs():
    ours = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    theirs = HabilitationFactory(
        user=UserFactory(identifier="T1711711"),
        convention=ConventionFactory(
            caf=Caf.objects.get(number="171"),
            baj=__import__("conventions.models", fromlist=["Baj"]).Baj.objects.get(city="Saintes"),
        ),
    )
    return ours, theirs


def act(client, model, action, objects, **extra):
    return client.post(
        reverse(
            f"admin:habilitations_{model}_changelist"
            if model == "habilitation"
            else f"admin:conventions_{model}_changelist"
        ),
        {"action": action, "_selected_action": [o.pk for o in objects], **extra},
    )


def test_a_caf_administrator_sees_only_their_cafs_rows(client, caf_admin, two_cafs):
    ours, theirs = two_cafs
    listing = client.get(reverse("admin:habilitations_habilitation_changelist"))
    assert list(listing.context["cl"].queryset) == [ours]
    conventions = client.get(reverse("admin:conventions_convention_changelist"))
    assert list(conventions.context["cl"].queryset) == [ours.convention]


def test_url_tampering_reaches_nothing_of_another_caf(client, caf_admin, two_cafs):
    ours, theirs = two_cafs
    for url in [
        reverse("admin:habilitations_habilitation_change", args=[theirs.pk]),
        reverse("admin:conventions_convention_change", args=[theirs.convention.pk]),
    ]:
        assert client.get(url).status_code == 302  # Django admin: "doesn't exist", back to the index
    response = act(client, "habilitation", "suspend", [theirs])
    theirs.refresh_from_db()
    assert theirs.status == HabilitationStatus.ACTIVE
    assert response.status_code == 302


def test_agents_without_the_administrator_role_are_refused(client):
    officer = UserFactory(identifier="RSSI1610", staff=True)
    CafRole.objects.create(user=officer, caf=Caf.objects.get(number="161"), kind=CafRoleKind.SECURITY_OFFICER)
    log_in(client, officer)
    assert client.get(reverse("admin:habilitations_habilitation_changelist")).status_code == 403


def test_request_grant_letter_then_revoke(client, caf_admin):
    convention = ConventionFactory()
    response = client.post(
        reverse("admin:habilitations_habilitation_add"),
        {
            "convention": convention.pk,
            "function": GreffeFunction.GREFFIER,
            "last_name": "Martin",
            "first_name": "Claire",
        },
    )
    habilitation = Habilitation.objects.get()
    assert response["Location"] == reverse("admin:habilitations_habilitation_change", args=[habilitation.pk])
    letter = act(client, "habilitation", "grant", [habilitation])
    text = pdf_text(letter)
    identifier = habilitation.user.identifier
    assert identifier in text and "Ouverture des droits de consultation" in text and "profil T12" in text
    password = text.split("mot de passe personnel :")[1].split()[0]
    habilitation.user.refresh_from_db()
    assert habilitation.user.check_password(password), "the letter carries the initial password, and only it does"
    response = act(client, "habilitation", "revoke", [habilitation])
    assert response.status_code == 200 and "Motif du retrait" in response.content.decode()
    act(client, "habilitation", "revoke", [habilitation], apply="1", reason="end_of_mission", ends_on="")
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.REVOKED
    history = client.get(reverse("admin:habilitations_habilitation_change", args=[habilitation.pk])).content.decode()
    assert "ouverture des droits" in history and "retrait" in history and "CAF16101" in history


def test_a_function_outside_the_greffe_is_refused_in_the_form(client, caf_admin):
    response = client.post(
        reverse("admin:habilitations_habilitation_add"),
        {"convention": ConventionFactory().pk, "function": "avocat", "last_name": "X", "first_name": "Y"},
    )
    assert response.status_code == 200 and not Habilitation.objects.exists()


@pytest.mark.parametrize(
    "action, expected",
    [
        ("print_access_request", "Demande d'accès au service Cafpro"),
        ("print_removal_request", "Demande de suppression d'accès au service Cafpro"),
    ],
)
def test_request_documents(client, caf_admin, two_cafs, action, expected):
    ours, _ = two_cafs
    text = pdf_text(act(client, "habilitation", action, [ours]))
    assert expected.lower() in text.lower()
    assert ours.user.last_name.upper() in text and ours.convention.number in text


def test_convention_document_with_its_t12_annex(client, caf_admin, two_cafs):
    ours, _ = two_cafs
    text = pdf_text(act(client, "convention", "print_convention", [ours.convention]))
    assert f"Convention Caf n° {ours.convention.number}" in text
    assert "Article 5" in text and "préavis de deux mois" in text
    assert "Annexe — profil T12" in text and "Nom de naissance de Madame" in text


def test_terminate_needs_a_reason_and_denounce_gives_the_date(client, caf_admin, two_cafs):
    ours, _ = two_cafs
    act(client, "convention", "terminate", [ours.convention], apply="1", reason="")
    ours.convention.refresh_from_db()
    assert ours.convention.ends_on is None
    asked = act(client, "convention", "denounce", [ours.convention])  # BO-6: asked first, with a reason
    ours.convention.refresh_from_db()
    assert asked.status_code == 200 and "Motif de la dénonciation" in asked.content.decode()
    assert ours.convention.ends_on is None
    act(client, "convention", "denounce", [ours.convention], apply="1", reason="Juridiction supprimée")
    ours.convention.refresh_from_db()
    assert ours.convention.ends_on is not None
    history = Convention.objects.get(pk=ours.convention.pk).history.get(action="dénonciation")
    assert "Juridiction supprimée" in history.detail


def test_unlock_and_reset_from_the_habilitations(client, caf_admin, two_cafs):
    ours, _ = two_cafs
    other = Client()
    for _ in range(3):
        other.post("/", {"identifier": "T1001161", "password": "Wrong1"})
    reason = {"apply": "1", "reason": "Appel de la greffière, identité vérifiée"}
    act(client, "habilitation", "unlock", [ours], **reason)
    letter = act(client, "habilitation", "reset_password", [ours], **reason)
    password = pdf_text(letter).split("mot de passe personnel :")[1].split()[0]
    assert other.post("/", {"identifier": "T1001161", "password": password})["Location"] == reverse(
        "habilitations:password_change"
    )


def test_the_administration_speaks_to_caf_staff(client, caf_admin, two_cafs):
    """BO-1 (#17 §1): named for its users, no « Django », titles that elide and agree, filters of the CAF's own."""
    ours, theirs = two_cafs
    pages = {
        "index": reverse("admin:index"),
        "list": reverse("admin:habilitations_habilitation_changelist"),
        "change": reverse("admin:habilitations_habilitation_change", args=[ours.pk]),
        "add": reverse("admin:habilitations_habilitation_add"),
        "conventions": reverse("admin:conventions_convention_changelist"),
    }
    html = {name: client.get(url).content.decode() for name, url in pages.items()}
    for name, page in html.items():
        assert "Django" not in page and "Cafpro — administration" in page, name
        assert "— Caf de la Charente</span>" in page, "the agent's CAF in the header"
    assert "<h1>Habilitations</h1>" in html["list"] and "Sélectionnez" not in html["list"]
    assert "<h1>Habilitation</h1>" in html["change"] and "Modification de habilitation" not in html["change"]
    assert "Demander une habilitation" in html["add"] and "Ajout de habilitation" not in html["add"]
    assert "Par dernière connexion" in html["list"] and "Par sans connexion" not in html["list"]
    assert ours.convention.baj.city in html["list"] and theirs.convention.baj.city not in html["list"], "BAJ filter"
    assert "Caf de Charente-Maritime" not in html["conventions"] and "Caf de La Rochelle" not in html["conventions"]


def test_the_home_page_is_the_cafs_work_list(client, caf_admin, two_cafs, django_assert_max_num_queries):
    """BO-2 (#17 §1): each line a count of the CAF's own rows and a link to exactly those rows."""
    ours, theirs = two_cafs
    requested = HabilitationFactory(
        user=UserFactory(identifier="T1001165"), convention=ours.convention, requested=True
    )
    HabilitationFactory(user=UserFactory(identifier="T1711712"), convention=theirs.convention, requested=True)
    ConventionFactory(caf=Caf.objects.get(number="161"), unsigned=True)
    ConventionFactory(caf=Caf.objects.get(number="171"), unsigned=True)
    other = Client()
    for _ in range(3):
        other.post("/", {"identifier": "T1001161", "password": "Wrong1"})
    with django_assert_max_num_queries(20):
        page = client.get(reverse("admin:index"))
    lines = {label: (count, url) for label, count, url in page.context["lines"]}
    for label in (
        "demandes d'accès à accorder",
        "identifiants bloqués après trois échecs",
        "conventions en attente de signature",
    ):
        assert lines[label][0] == 1, (label, lines)  # the CAF 171's requests and conventions are not counted
    listed = client.get(lines["demandes d'accès à accorder"][1])
    assert list(listed.context["cl"].queryset) == [requested]
    locked = client.get(lines["identifiants bloqués après trois échecs"][1])
    assert list(locked.context["cl"].queryset) == [ours]
    assert "Rien à traiter" not in page.content.decode()


def test_lifecycle_buttons_on_the_habilitations_page(client, caf_admin, two_cafs):
    """BO-3 (#17 §1): the acts its state allows, as POST buttons; the same services; never on another CAF's."""
    ours, theirs = two_cafs
    page = client.get(reverse("admin:habilitations_habilitation_change", args=[ours.pk])).content.decode()
    suspend = reverse("admin:habilitations_habilitation_actions", kwargs={"pk": ours.pk, "tool": "button_suspend"})
    assert f'action="{suspend}"' in page and ">Suspendre (ferme les sessions ouvertes)</button>" in page
    assert "button_reactivate" not in page and "button_grant" not in page, "only what an active one allows"
    assert "onclick" not in page, "no script: a form and its button"
    opened = client.get(suspend, follow=True)  # a state change is never a link: the page says so, nothing done
    assert opened.redirect_chain == [(reverse("admin:habilitations_habilitation_change", args=[ours.pk]), 302)]
    assert "se fait avec son bouton" in html.unescape(opened.content.decode())
    ours.refresh_from_db()
    assert ours.status == HabilitationStatus.ACTIVE
    assert client.post(suspend).status_code == 200, "BO-6: asked first"
    assert client.post(suspend, {"apply": "1", "reason": "Poste vacant"}).status_code == 302
    ours.refresh_from_db()
    assert ours.status == HabilitationStatus.SUSPENDED
    assert ours.history.filter(action="suspension").exists()

    revoke = reverse("admin:habilitations_habilitation_actions", kwargs={"pk": ours.pk, "tool": "button_revoke"})
    confirmation = client.post(revoke)
    assert confirmation.status_code == 200 and "Motif du retrait" in confirmation.content.decode()
    client.post(revoke, {"apply": "1", "reason": "assignment", "_selected_action": ours.pk, "action": "revoke"})
    ours.refresh_from_db()
    assert ours.status == HabilitationStatus.REVOKED

    foreign = reverse("admin:habilitations_habilitation_actions", kwargs={"pk": theirs.pk, "tool": "button_suspend"})
    missing = reverse("admin:habilitations_habilitation_actions", kwargs={"pk": 10**9, "tool": "button_suspend"})
    # ROLE-3 (#22 §4): another CAF's habilitation is "not found", as a missing one: no id leaks (403 before).
    assert client.post(foreign).status_code == client.post(missing).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == HabilitationStatus.ACTIVE


def test_every_button_on_another_cafs_object_answers_not_found(client, caf_admin, two_cafs):
    """ROLE-3 (#22 §4): every button of every admin with buttons, on an object of another CAF: 404."""
    from django.contrib import admin

    from core.admin import ObjectButtonsMixin

    _, theirs = two_cafs
    objects = {Habilitation: theirs, Convention: theirs.convention}
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ObjectButtonsMixin) or model not in objects:
            continue
        opts = model._meta
        for name in model_admin.buttons:
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_actions",
                kwargs={"pk": objects[model].pk, "tool": f"button_{name}"},
            )
            assert client.post(url).status_code == 404, url
    theirs.refresh_from_db()
    assert theirs.status == HabilitationStatus.ACTIVE


def test_a_button_the_state_no_longer_allows_is_explained_on_the_page(client, caf_admin, two_cafs):
    """BO-5: a stale page (the habilitation was suspended meanwhile): a message on the object's page, no act."""
    ours, _ = two_cafs
    grant = reverse("admin:habilitations_habilitation_actions", kwargs={"pk": ours.pk, "tool": "button_grant"})
    response = client.post(grant, follow=True)
    assert response.status_code == 200
    assert (
        "« Accorder et imprimer la lettre d'ouverture des droits (mot de passe initial) » n'est plus possible : "
        f"l'habilitation de {person(ours.user)} (T1001161) est maintenant à l'état « active »"
    ) in html.unescape(response.content.decode())
    assert ours.history.count() == 0


def test_the_request_form_is_for_the_cafs_administrators_only(client, two_cafs):
    """ROLE-3 (#22 §4): the add form checks the area like every other page (it answered 200 to any staff)."""
    ours, theirs = two_cafs
    caf_staff_logged_in(client, "CAF16102", CafRoleKind.SECURITY_OFFICER)
    add = reverse("admin:habilitations_habilitation_add")
    assert client.get(add).status_code == 403
    data = {"convention": ours.convention.pk, "function": GreffeFunction.GREFFIER, "last_name": "X", "first_name": "Y"}
    assert client.post(add, data).status_code == 403
    assert Habilitation.objects.count() == 2


def test_the_request_form_refuses_another_cafs_convention(client, caf_admin, two_cafs):
    _, theirs = two_cafs
    add = reverse("admin:habilitations_habilitation_add")
    data = {
        "convention": theirs.convention.pk,
        "function": GreffeFunction.GREFFIER,
        "last_name": "X",
        "first_name": "Y",
    }
    response = client.post(add, data)
    assert response.status_code == 200 and "convention" in response.context["form"].errors
    assert Habilitation.objects.count() == 2


def test_the_convention_page_prints_and_denounces(client, caf_admin, two_cafs):
    ours, _ = two_cafs
    url = reverse(
        "admin:conventions_convention_actions", kwargs={"pk": ours.convention.pk, "tool": "button_print_convention"}
    )
    assert client.post(url)["Content-Type"] == "application/pdf"


@pytest.fixture
def addressed(two_cafs):
    """The BAJ of Angoulême with the postal address its CAF entered; Claire Martin, Madame."""
    ours, _ = two_cafs
    baj = ours.convention.baj
    baj.address, baj.phone, baj.fax = (
        "Bureau d'aide juridictionnelle\nPalais de justice\n16000 ANGOULÊME",
        "05 45 00",
        "05 45 01",
    )
    baj.save()
    ours.user.civility = "madame"
    ours.user.save()
    return ours


def test_letters_carry_the_address_and_greet_the_person(client, caf_admin, addressed):
    """BO-4 (#17 §2): the recipient's address, the employer's address and telephone, the salutation."""
    requested = HabilitationFactory(
        user=UserFactory(identifier="T1001165", civility="monsieur", last_name="Roux", first_name="Hugo"),
        convention=addressed.convention,
        requested=True,
    )
    letter = pdf_text(act(client, "habilitation", "grant", [requested]))
    assert "16000 ANGOULÊME" in letter and "Monsieur, Après réception" in letter
    assert "Madame, Monsieur" not in letter and "agréer, Monsieur, mes salutations" in letter
    access = pdf_text(act(client, "habilitation", "print_access_request", [addressed]))
    assert "Palais de justice" in access and "Tél. professionnel 05 45 00 Fax professionnel 05 45 01" in access
    assert f"Madame {addressed.user.last_name.upper()}" in access and "page 1 / 1" in access, "on one page"
    convention = pdf_text(act(client, "convention", "print_convention", [addressed.convention]))
    assert "situé Bureau d'aide juridictionnelle, Palais de justice, 16000 ANGOULÊME," in convention
    assert "page 3 / 3" in convention and "page 4" not in convention, "the annex on a page of its own, whole"
    assert "Fait en double exemplaire, à Angoulême, le" in convention


def test_the_cover_letter_of_annex_3(client, caf_admin, addressed):
    """BO-4: the letter sending the convention and the access requests of the persons designated — to be signed:
    the convention awaits the BAJ's signature (BO-3, CONV-4)."""
    addressed.convention.partner_signed_on = None
    addressed.convention.save()
    HabilitationFactory(
        user=UserFactory(identifier="T1001165", civility="monsieur", last_name="Roux", first_name="Hugo"),
        convention=addressed.convention,
        requested=True,
    )
    text = pdf_text(act(client, "convention", "print_cover_letter", [addressed.convention]))
    assert "Je vous prie de bien vouloir trouver, ci-joint" in text and "double exemplaire" in text
    assert "signé par Monsieur Hugo ROUX" in text and "16000 ANGOULÊME" in text


def test_a_caf_administrator_enters_the_address_of_its_bajs_only(client, caf_admin, two_cafs):
    """BO-4, AUD-1: the BAJs of the CAF, their address, telephone and fax editable, journaled; nothing else."""
    from conventions.models import Baj
    from journal.enums import JournalEvent
    from journal.models import JournalEntry

    ours, theirs = two_cafs
    listing = client.get(reverse("admin:conventions_baj_changelist"))
    bajs = set(listing.context["cl"].queryset)
    assert ours.convention.baj in bajs and theirs.convention.baj not in bajs
    assert client.get(reverse("admin:conventions_baj_change", args=[theirs.convention.baj.pk])).status_code == 302
    assert client.get(reverse("admin:conventions_baj_add")).status_code == 403
    baj = ours.convention.baj
    url = reverse("admin:conventions_baj_change", args=[baj.pk])
    response = client.post(
        url, {"address": "Palais de justice\n16000 ANGOULÊME", "phone": "05 45", "fax": "", "city": "Ailleurs"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    baj = Baj.objects.get(pk=baj.pk)
    assert baj.address == "Palais de justice\n16000 ANGOULÊME" and baj.city == "Angoulême", (
        "the reference is not theirs"
    )
    line = JournalEntry.objects.get(event=JournalEvent.BAJ_CONTACT_EDITED)
    assert line.caf.number == "161" and line.user == caf_admin and "Adresse postale" in line.detail
