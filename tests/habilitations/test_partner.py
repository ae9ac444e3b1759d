"""JUR-1 … JUR-3: the juridiction's space — its gestionnaire requests accesses and removals for their BAJ and
reports difficulties; the CAF grants or refuses; the national follow-up answers; every act journaled; no
allocataire data and nothing granted there."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conventions.enums import CafRoleKind
from conventions.models import Baj, BajManager, Caf, CafRole, DifficultyReport
from conventions.services import convention_terminate
from habilitations.access import compute_access
from habilitations.enums import GreffeFunction, HabilitationStatus
from habilitations.models import Habilitation
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory, designated, log_in
from tests.habilitations.test_admin_caf import act, pdf_text

pytestmark = pytest.mark.django_db
HOME = reverse("habilitations:partner_home")
REQUEST = reverse("habilitations:partner_request")
DIFFICULTIES = reverse("habilitations:partner_difficulties")


def text(response):
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.fixture
def world():
    """The BAJ of Angoulême (its convention with the CAF 161, a greffier) and its gestionnaire; the BAJ of Saintes
    with its own greffier."""
    ours = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    saintes = ConventionFactory(caf=Caf.objects.get(number="171"), baj=Baj.objects.get(city="Saintes"))
    theirs = HabilitationFactory(user=UserFactory(identifier="T1711711"), convention=saintes)
    manager = UserFactory(identifier="G1600001", civility="madame")
    designated(user=manager, baj=ours.convention.baj, designated_on=dt.date(2026, 1, 5))
    return {"ours": ours, "theirs": theirs, "manager": manager}


@pytest.fixture
def gestionnaire(client, world):
    log_in(client, world["manager"])
    return client


@pytest.fixture
def agent():
    user = UserFactory(identifier="CAF16101", staff=True)
    CafRole.objects.create(user=user, caf=Caf.objects.get(number="161"), kind=CafRoleKind.ADMINISTRATOR)
    client = Client()
    log_in(client, user)
    return client


# The person `ask` requests an access for, by their e-mail: the factories' random French names may be « Roux » too.
ASKED = {"user__email": "hugo.roux@justice.fr"}


def ask(client, convention, **overrides):
    data = {
        "convention": convention.pk,
        "function": GreffeFunction.GREFFIER,
        "civility": "monsieur",
        "last_name": "Roux",
        "first_name": "Hugo",
        "email": "hugo.roux@justice.fr",
        **overrides,
    }
    return client.post(REQUEST, data)


def test_the_gestionnaire_lands_on_the_habilitations_of_their_baj_only(client, world):
    response = client.post("/", {"identifier": "G1600001", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == HOME
    page = text(response)
    assert "T1001161" in page and "T1711711" not in page


def test_no_allocataire_data_and_no_administration(gestionnaire):
    """JUR-1: the gestionnaire holds no habilitation: the consultation refuses; the administration is not theirs."""
    assert gestionnaire.get(reverse("allocataires:home")).status_code == 403
    assert gestionnaire.post(reverse("allocataires:search"), {"number": "1234567"}).status_code == 403
    admin = gestionnaire.get("/admin/", follow=True)
    assert admin.redirect_chain[-1][0] == HOME


def test_an_access_request_goes_to_the_caf_which_grants_it(gestionnaire, world, agent):
    """JUR-2: requested online, journaled for the CAF, on its work list; the CAF prints the letter."""
    convention = world["ours"].convention
    response = ask(gestionnaire, convention)
    assert response.status_code == 302
    habilitation = Habilitation.objects.get(**ASKED)
    assert (habilitation.status, habilitation.user.civility) == (HabilitationStatus.REQUESTED, "monsieur")
    line = JournalEntry.objects.get(event=JournalEvent.HABILITATION_REQUESTED)
    assert (line.user, line.caf_id) == (world["manager"], convention.caf_id)
    assert "envoyée à la Caf de la Charente" in text(gestionnaire.get(HOME))
    lines = {label: count for label, count, _ in agent.get("/admin/").context["lines"]}
    assert lines["demandes d'accès à accorder"] == 1
    letter = pdf_text(act(agent, "habilitation", "grant", [habilitation]))
    assert habilitation.user.identifier in letter and "Monsieur," in letter
    assert "Active" in text(gestionnaire.get(HOME))


def test_a_refusal_and_its_reason_reach_the_gestionnaire(gestionnaire, world, agent):
    ask(gestionnaire, world["ours"].convention)
    habilitation = Habilitation.objects.get(**ASKED)
    page = act(agent, "habilitation", "refuse", [habilitation])
    assert "Motif du refus" in page.content.decode()
    act(agent, "habilitation", "refuse", [habilitation], apply="1", reason="Fonction hors du profil T12.")
    habilitation.refresh_from_db()
    assert habilitation.status == HabilitationStatus.REVOKED
    assert "Demande refusée par la Caf : Fonction hors du profil T12." in text(gestionnaire.get(HOME))
    assert JournalEntry.objects.filter(event=JournalEvent.HABILITATION_REFUSED).exists()


def test_no_request_under_another_bajs_convention(gestionnaire, world):
    response = ask(gestionnaire, world["theirs"].convention)
    assert response.status_code == 200 and "Choisissez la Caf." in text(response)
    assert not Habilitation.objects.filter(**ASKED).exists()


def test_a_removal_request_ends_the_access_at_its_date(gestionnaire, world, settings):
    """JUR-2, HAB-2: from the date given, the greffier's next request finds no access — no CAF step needed."""
    ours = world["ours"]
    url = reverse("habilitations:partner_removal", args=[ours.pk])
    past = gestionnaire.post(url, {"ends_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat()})
    assert "ne peut pas être passée" in text(past)
    end = timezone.localdate() + dt.timedelta(days=10)
    assert gestionnaire.post(url, {"ends_on": end.isoformat()}).status_code == 302
    ours.refresh_from_db()
    assert (ours.status, ours.ends_on, ours.revocation_reason) == (HabilitationStatus.ACTIVE, end, "removal_request")
    assert compute_access(ours.user, timezone.localdate()).granted
    assert not compute_access(ours.user, end).granted
    line = JournalEntry.objects.get(event=JournalEvent.HABILITATION_REVOKED)
    assert line.user == world["manager"] and "demande de suppression de la juridiction" in line.detail
    # A session open until that day (no idle limit here, to see the end date alone bite):
    settings.CAFPRO_IDLE_TIMEOUT = settings.CAFPRO_SESSION_MAX_AGE = settings.SESSION_COOKIE_AGE = 10**8
    greffier = Client()
    log_in(greffier, ours.user)
    assert greffier.get(reverse("allocataires:home")).status_code == 200
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(end, dt.time(9))), tick=False):
        assert greffier.get(reverse("allocataires:home")).status_code == 403, "no access from that day on"


def test_no_removal_of_another_bajs_access(gestionnaire, world):
    url = reverse("habilitations:partner_removal", args=[world["theirs"].pk])
    assert gestionnaire.post(url, {"ends_on": timezone.localdate().isoformat()}).status_code == 404
    world["theirs"].refresh_from_db()
    assert world["theirs"].ends_on is None


def test_a_difficulty_reaches_the_national_page_and_its_answer_comes_back(gestionnaire, world):
    """JUR-3: reported to the SADJPV, answered there, read in the juridiction's space; both journaled."""
    gestionnaire.post(DIFFICULTIES, {"subject": "Mot de passe", "body": "La lettre n'est pas arrivée."})
    report = DifficultyReport.objects.get()
    ministry = UserFactory(identifier="SADJPV01", staff=True)
    from django.contrib.auth.models import Permission

    ministry.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    national = Client()
    log_in(national, ministry)
    assert "La lettre n'est pas arrivée." in text(national.get(reverse("conventions:national_overview")))
    answer = reverse("conventions:national_difficulty_answer", args=[report.pk])
    national.post(answer, {f"r{report.pk}-answer": "Votre Caf vous adresse une nouvelle lettre."})
    assert "Votre Caf vous adresse une nouvelle lettre." in text(gestionnaire.get(DIFFICULTIES))
    events = set(JournalEntry.objects.values_list("event", flat=True))
    assert {JournalEvent.DIFFICULTY_REPORTED, JournalEvent.DIFFICULTY_ANSWERED} <= events
    assert gestionnaire.post(answer, {f"r{report.pk}-answer": "x"}).status_code == 403, "only the follow-up answers"


def test_a_gestionnaire_of_two_bajs_says_which_one_a_difficulty_concerns(gestionnaire, world):
    """JUR-3: with two BAJs the form asks which one, among those two only; with one it does not ask."""
    assert "Juridiction concernée" not in text(gestionnaire.get(DIFFICULTIES))
    saintes = world["theirs"].convention.baj
    designated(user=world["manager"], baj=saintes, designated_on=dt.date(2026, 2, 1))
    report = {"subject": "Accès", "body": "Un greffier de Saintes n'a pas reçu sa lettre."}
    assert "Choisissez la juridiction." in text(gestionnaire.post(DIFFICULTIES, report))
    other = Baj.objects.exclude(pk__in=[saintes.pk, world["ours"].convention.baj.pk]).first()
    assert "Choisissez la juridiction." in text(gestionnaire.post(DIFFICULTIES, {**report, "baj": other.pk}))
    assert not DifficultyReport.objects.exists()
    gestionnaire.post(DIFFICULTIES, {**report, "baj": saintes.pk})
    assert DifficultyReport.objects.get().baj == saintes


def test_the_caf_records_a_gestionnaire_and_prints_the_letter(world, agent):
    """JUR-1: the account, journaled for the CAF; the letter carries the initial password, changed at first use."""
    baj = world["ours"].convention.baj
    response = agent.post(
        reverse("admin:conventions_bajmanager_add"),
        {
            "baj": baj.pk,
            "designated_on": "05/01/2026",
            "civility": "monsieur",
            "last_name": "Blanc",
            "first_name": "Louis",
            "email": "louis.blanc@justice.fr",
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    manager = BajManager.objects.get(user__email="louis.blanc@justice.fr")
    assert manager.user.identifier.startswith("G16") and manager.recorded_by.identifier == "CAF16101"
    assert JournalEntry.objects.filter(event=JournalEvent.BAJ_MANAGER_RECORDED, caf__number="161").exists()
    letter = pdf_text(
        agent.post(
            reverse("admin:conventions_bajmanager_changelist"),
            {"action": "print_letter", "_selected_action": [manager.pk], "apply": "1", "reason": "Première lettre"},
        )
    )
    password = letter.split("mot de passe personnel :")[1].split()[0]
    manager.user.refresh_from_db()
    assert manager.user.check_password(password) and manager.user.must_change_password
    other = agent.post(
        reverse("admin:conventions_bajmanager_add"),
        {
            "baj": world["theirs"].convention.baj.pk,
            "designated_on": "05/01/2026",
            "civility": "madame",
            "last_name": "Noir",
            "first_name": "Eve",
            "email": "eve@justice.fr",
        },
    )
    assert other.status_code == 200 and not BajManager.objects.filter(user__email="eve@justice.fr").exists()


def test_the_function_and_habilitee_agree_with_the_civility(gestionnaire, world):
    """#24 wording: « Madame Claire MARTIN (…), greffière, habilitée par la Caf … », not « greffier, habilité »."""
    ours = world["ours"]
    ours.user.civility, ours.user.first_name, ours.user.last_name = "madame", "Claire", "Martin"
    ours.user.save()
    page = text(gestionnaire.get(reverse("habilitations:partner_removal", args=[ours.pk])))
    assert "Madame Claire MARTIN (T1001161), greffière, habilitée par la Caf de la Charente" in page
    assert "Greffière" in text(gestionnaire.get(reverse("habilitations:partner_home")))
    ours.user.civility = "monsieur"
    ours.user.save()
    page = text(gestionnaire.get(reverse("habilitations:partner_removal", args=[ours.pk])))
    assert "greffier, habilité par la Caf" in page


def test_a_suspended_access_may_be_removed(gestionnaire, world):
    """JUR-2, HAB-5: a suspended access is still the person's: the gestionnaire may ask its removal (#24 walk); an
    access already withdrawn may not."""
    ours = world["ours"]
    Habilitation.objects.filter(pk=ours.pk).update(status=HabilitationStatus.SUSPENDED)
    url = reverse("habilitations:partner_removal", args=[ours.pk])
    assert url in gestionnaire.get(HOME).content.decode()
    assert gestionnaire.post(url, {"ends_on": timezone.localdate().isoformat()}).status_code == 302
    ours.refresh_from_db()
    assert (ours.status, ours.ends_on) == (HabilitationStatus.REVOKED, timezone.localdate())
    assert url not in gestionnaire.get(HOME).content.decode()
    assert gestionnaire.get(url).status_code == 404


def test_the_access_request_preselects_neither_function_nor_civility(gestionnaire, world):
    """#24: the function and the civility are the gestionnaire's choice — an empty first option, selected, and an
    error when left so."""
    page = gestionnaire.get(REQUEST).content.decode()
    for name in ("function", "civility"):
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
        assert select and "required" in select.group(0)
        options = re.findall(r'<option value="([^"]*)"( selected)?', select.group(1))
        assert options[0] == ("", " selected"), options
        assert [value for value, selected in options if selected] == [""]
    response = ask(gestionnaire, world["ours"].convention, function="", civility="")
    assert "Choisissez la fonction." in text(response) and "Choisissez la civilité." in text(response)


NO_CONVENTION = (
    "Aucune convention n'est en vigueur entre votre BAJ et une Caf : aucun accès ne peut être demandé. Adressez-vous "
    "à votre Caf."
)


def test_no_access_can_be_requested_once_the_only_convention_is_terminated(gestionnaire, world):
    """JUR-2, CONV-4 (#24 walk: an empty « Caf » list, then « Choisissez la Caf »): no form, but why — and the home
    page offers no « Demander un accès »."""
    assert NO_CONVENTION not in text(gestionnaire.get(REQUEST)) and NO_CONVENTION not in text(gestionnaire.get(HOME))
    convention = world["ours"].convention
    convention_terminate(convention=convention, by=None, reason="Codes communiqués à un tiers")
    page = gestionnaire.get(REQUEST)
    assert NO_CONVENTION in text(page) and page.context["form"] is None
    assert 'name="convention"' not in page.content.decode() and '<form method="post" class="form"' not in text(page)
    home = gestionnaire.get(HOME)
    assert NO_CONVENTION in text(home) and f'href="{REQUEST}" class="button"' not in home.content.decode()
    posted = ask(gestionnaire, convention)
    assert posted.status_code == 200 and NO_CONVENTION in text(posted)
    assert not Habilitation.objects.filter(**ASKED).exists()


@pytest.mark.parametrize(
    "second",
    [
        {},  # the same request twice (#24 walk: two identifiers, both « Demandée »)
        {"last_name": "ROUX", "first_name": "hugo", "email": "h.roux@justice.fr"},  # the same name, any case
        {"last_name": "Rousseau", "first_name": "Hugues", "email": "Hugo.Roux@Justice.fr"},  # the same e-mail
    ],
)
def test_a_second_request_for_the_same_person_is_refused_naming_the_first(gestionnaire, world, second):
    """HAB-1, JUR-2 (#24): one request per person under a convention while the first is open."""
    convention = world["ours"].convention
    assert ask(gestionnaire, convention).status_code == 302
    first = Habilitation.objects.get(**ASKED)
    response = ask(gestionnaire, convention, **second)
    assert response.status_code == 200
    assert Habilitation.objects.filter(convention=convention).count() == 2, "no second request (the greffier's one)"
    page = text(response)
    assert f"identifiant {first.user.identifier}, état « Demandée »" in page and "Hugo ROUX" in page
    assert "Un accès a déjà été demandé pour" in page


def test_a_request_for_a_person_whose_access_is_active_is_refused_and_one_after_a_refusal_accepted(
    gestionnaire, world
):
    """HAB-1 (#24): an active access is « open » too; a refused or withdrawn one leaves the person free to ask for."""
    convention = world["ours"].convention
    ours = world["ours"].user
    response = ask(
        gestionnaire, convention, last_name=ours.last_name, first_name=ours.first_name, email="x@justice.fr"
    )
    assert f"identifiant {ours.identifier}, état « Active »" in text(response)
    HabilitationFactory(
        convention=convention,
        revoked=True,
        user=UserFactory(identifier="T1001169", last_name="Roux", first_name="Hugo", email="hugo.roux@justice.fr"),
    )
    assert ask(gestionnaire, convention).status_code == 302


def test_the_service_refuses_the_duplicate_whoever_calls_it(world):
    from django.core.exceptions import ValidationError

    from habilitations.services import partner_access_request

    person = {"function": GreffeFunction.GREFFIER, "civility": "monsieur", "last_name": "Dupont", "first_name": "Jean"}
    convention, manager = world["ours"].convention, world["manager"]
    partner_access_request(manager=manager, convention=convention, email="jean.dupont@justice.fr", **person)
    with pytest.raises(ValidationError) as error:
        partner_access_request(manager=manager, convention=convention, email="JEAN.DUPONT@justice.fr", **person)
    assert list(error.value.message_dict) == ["last_name"] and "état « Demandée »" in error.value.messages[0]
    assert Habilitation.objects.filter(user__email="jean.dupont@justice.fr").count() == 1
