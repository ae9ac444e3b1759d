"""ROLE-7: the insider's world and moves, shared by the path tests (`test_insider.py`) and the property-based test
(`test_insider_property.py`): the Nord, where the Caf de Lille (595) and the Caf de Roubaix (597), the Caf de
Douai (593) and the CMAF all signed a convention with the BAJ of Lille; the multi-CAF greffier T5900001; the
agent CAF59501 of the Caf de Lille; and how a session, opened with a password read in a letter, reads a dossier
or changes a habilitation — through the real login, search and partner pages, never a shortcut."""

from django.test import Client
from django.urls import reverse

from conventions.enums import CafRoleKind, JuridictionKind
from conventions.models import Baj, Caf, CafRole
from tests.allocataires.factories import DossierFactory
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in
from tests.habilitations.test_admin_caf import pdf_text

NEW_PASSWORD = "Kp7mw3"  # what the insider sets at the forced change (6 characters, valid)
PURPOSE = {"legal_aid_file": "2026/000595", "procedure": "admission"}
LILLE, ROUBAIX, DOUAI = "595", "597", "593"


def caf(number):
    return Caf.objects.get(is_maritime=True) if number is None else Caf.objects.get(number=number)


def nord():
    """The BAJ of Lille, its conventions with Lille, Roubaix, Douai and the CMAF; T5900001 habilitated by each
    (Douai's suspended); a dossier in each CAF. Returns a dict."""
    baj = Baj.objects.get(city="Lille", juridiction=JuridictionKind.TGI)
    greffier = UserFactory(identifier="T5900001")
    world = {"baj": baj, "greffier": greffier, "habilitations": {}, "dossiers": {}, "conventions": {}}
    for number, postal in [(LILLE, "59000"), (ROUBAIX, "59100"), (DOUAI, "59500"), (None, "59140")]:
        convention = ConventionFactory(baj=baj, caf=caf(number))
        world["conventions"][number] = convention
        world["habilitations"][number] = HabilitationFactory(
            user=greffier, convention=convention, suspended=number == DOUAI
        )
        world["dossiers"][number] = DossierFactory(
            caf=caf(number), number=f"{number or '999'}0001", postal_code=postal, city="Lille"
        )
    return world


def agent(identifier, number, kinds=(CafRoleKind.ADMINISTRATOR, CafRoleKind.SECURITY_OFFICER)):
    """A CAF's agent holding `kinds` at CAF `number`, logged in on a new client. Returns (client, user)."""
    client = Client()
    user = UserFactory(identifier=identifier, staff=True)
    for kind in kinds:
        CafRole.objects.create(user=user, caf=caf(number), kind=kind)
    log_in(client, user)
    return client, user


def letter_password(response):
    """The password a letter carries, as whoever printed it reads it (None: the letter gives none)."""
    text = pdf_text(response)
    return text.split("mot de passe personnel :")[1].split()[0] if "mot de passe personnel :" in text else None


def session_with(identifier, password):
    """A session opened with `password` — the forced change made as the insider would — or None if refused."""
    client = Client()
    response = client.post("/", {"identifier": identifier, "password": password})
    if response.status_code != 302 or response["Location"] in ("/", "/acces-bloque/"):
        return None
    if response["Location"] == reverse("habilitations:password_change"):
        client.post(
            reverse("habilitations:password_change"),
            {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    return client


def reads(client, dossier):
    """Whether this session opens `dossier` through the search, stating its CAF (CONS-5)."""
    data = {"number": dossier.number, **PURPOSE}
    if dossier.caf.is_maritime:
        data["cmaf"] = "on"
    else:
        data.update(postal_code=dossier.postal_code, caf=dossier.caf.number)
    response = client.post(reverse("allocataires:search"), data)
    target = reverse("allocataires:rubrique", args=[dossier.pk, "paiements"])
    return response.status_code == 302 and response["Location"] == target


def asks_removal(client, habilitation, ends_on):
    """The partner page « Demander la suppression » posted for `habilitation`; its status code."""
    url = reverse("habilitations:partner_removal", args=[habilitation.pk])
    return client.post(url, {"ends_on": f"{ends_on:%d/%m/%Y}"})


# BO-6: the acts that ask a confirmation and a reason first, confirmed as the agent does.
CONFIRMED = {"apply": "1", "reason": "Appel de la personne, identité vérifiée"}
ASKING = {"reset_password", "unlock", "suspend", "print_letter"}


def act(client, model, action, objects, **extra):
    """A list action of the administration on `objects` (confirmed, with a reason, when it asks one)."""
    app = "conventions" if model == "bajmanager" else "habilitations"
    return client.post(
        reverse(f"admin:{app}_{model}_changelist"),
        {
            "action": action,
            "_selected_action": [o.pk for o in objects],
            **(CONFIRMED if action in ASKING else {}),
            **extra,
        },
    )


def button(client, habilitation, name):
    """The same act as a button on the habilitation's page (BO-3), confirmed when it asks (BO-6)."""
    return client.post(
        reverse("admin:habilitations_habilitation_actions", kwargs={"pk": habilitation.pk, "tool": f"button_{name}"}),
        CONFIRMED if name in ASKING else {},
    )
