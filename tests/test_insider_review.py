"""ROLE-3, ROLE-7, HAB-3, AUD-1, BO-5, BO-6 (#24 review): the insider — an agent of the Caf de Lille — against the
new ways in: the confirmation pages of the acts (another CAF's ids posted, the `apply` step with ids swapped, an
act's address opened as a link), the acting-CAF fields, the letter returned inline as a `data:` link, the stale
act's message, the partner space's removal of a suspended access, the legal pages' frame, and the superuser's acts.
A test that passes documents an attack the defence holds."""

import datetime as dt
import html
import logging

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conventions.enums import CafRoleKind
from conventions.models import Baj, BajManager, Caf, CafRole, Convention
from habilitations.enums import HabilitationStatus
from habilitations.models import Habilitation, HabilitationHistory, PendingConfirmation, Surveillance
from journal.models import JournalEntry
from tests.habilitations.factories import (
    PASSWORD,
    STAFF_PASSWORD,
    HabilitationFactory,
    UserFactory,
    designated,
    log_in,
)
from tests.habilitations.insider import (
    CONFIRMED,
    DOUAI,
    LILLE,
    ROUBAIX,
    act,
    agent,
    asks_removal,
    button,
    caf,
    letter_password,
    nord,
    session_with,
)

pytestmark = pytest.mark.django_db

SECRET_NAME = "Sauvageot"  # a person only Roubaix habilitated: Lille's agent must never read this name


@pytest.fixture
def world():
    return nord()


@pytest.fixture
def lille():
    return agent("CAF59501", LILLE)[0]


@pytest.fixture
def theirs(world):
    """An active habilitation of Roubaix's, of a person Lille never habilitated."""
    person = UserFactory(identifier="T5970002", last_name=SECRET_NAME, first_name="Odile")
    return HabilitationFactory(user=person, convention=world["conventions"][ROUBAIX])


@pytest.fixture
def ours(world):
    person = UserFactory(identifier="T5950002", last_name="Lemaire", first_name="Paul")
    return HabilitationFactory(user=person, convention=world["conventions"][LILLE])


def _untouched(habilitation):
    before = (habilitation.status, habilitation.ends_on, habilitation.user.password)
    habilitation.refresh_from_db()
    habilitation.user.refresh_from_db()
    return (habilitation.status, habilitation.ends_on, habilitation.user.password) == before and not (
        HabilitationHistory.objects.filter(habilitation=habilitation)
        .exclude(action__in=["demande", "accord"])
        .exists()
    )


def _text(response):
    return response.content.decode(errors="replace") if not response.streaming else ""


def _followed(client, response):
    """The page an answer ends on (a redirect followed once)."""
    return client.get(response["Location"]) if response.status_code == 302 else response


HABILITATION_ACTS = [
    "confirm_credentials",
    "grant",
    "refuse",
    "suspend",
    "reactivate",
    "revoke",
    "print_access_request",
    "print_removal_request",
    "unlock",
    "reset_password",
]


@pytest.mark.parametrize("action", HABILITATION_ACTS)
def test_another_cafs_ids_posted_to_the_list_step_show_nothing_of_them(world, lille, theirs, action):
    """ROLE-3, BO-6: the first step (no `apply`) with Roubaix's id: no confirmation page naming the person, no
    PDF; the answer says nothing was available."""
    response = lille.post(
        reverse("admin:habilitations_habilitation_changelist"), {"action": action, "_selected_action": [theirs.pk]}
    )
    assert response.get("Content-Type", "").startswith("text/html") or response.status_code == 302
    page = _text(_followed(lille, response))
    assert SECRET_NAME.upper() not in page.upper() and "T5970002" not in page
    assert _untouched(theirs)


@pytest.mark.parametrize("action", HABILITATION_ACTS)
def test_the_apply_step_with_another_cafs_id_swapped_in_does_nothing_to_it(world, lille, theirs, ours, action):
    """ROLE-3, BO-6: the confirmation page's hidden ids replaced by Roubaix's, `apply` and a reason posted: Roubaix's
    habilitation, its password and its history are untouched, and no page names the person."""
    extra = {"reason": "assignment", "ends_on": ""} if action == "revoke" else CONFIRMED
    response = lille.post(
        reverse("admin:habilitations_habilitation_changelist"),
        {"action": action, "_selected_action": [theirs.pk], "apply": "1", **extra},
    )
    assert response.get("Content-Type") != "application/pdf"
    page = _text(_followed(lille, response))
    assert SECRET_NAME.upper() not in page.upper() and "T5970002" not in page
    assert _untouched(theirs)
    assert not JournalEntry.objects.filter(detail__contains="T5970002").exists()


def test_mixed_ids_act_on_the_agents_own_only(world, lille, theirs, ours):
    """ROLE-3, BO-6: ours and theirs together, confirmed: ours is suspended, theirs is not."""
    act(lille, "habilitation", "suspend", [ours, theirs])
    ours.refresh_from_db()
    assert ours.status == HabilitationStatus.SUSPENDED
    assert _untouched(theirs)


@pytest.mark.parametrize("name", HABILITATION_ACTS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_cafs_button_is_not_found_by_link_or_form(world, lille, theirs, name, method):
    """ROLE-3, BO-5: a button's address of Roubaix's habilitation, opened as a link (GET, the redirect of an action
    URL) or posted: "not found", as a missing one — no stale-act message naming its person or its state."""
    url = reverse("admin:habilitations_habilitation_actions", kwargs={"pk": theirs.pk, "tool": f"button_{name}"})
    response = getattr(lille, method)(url, CONFIRMED if method == "post" else None)
    assert response.status_code == 404
    assert SECRET_NAME.upper() not in _text(response).upper()
    assert _untouched(theirs)
    home = lille.get(reverse("admin:index"))
    assert SECRET_NAME.upper() not in _text(home).upper(), "no message left for the next page either"


def test_the_stale_act_message_names_only_the_agents_own_object(world, lille, ours):
    """BO-5: a second click on « Suspendre » of Lille's own habilitation is explained with its state — the
    agent's own object, by the admin that scoped it."""
    button(lille, ours, "suspend")
    response = button(lille, ours, "suspend")
    page = _text(_followed(lille, response))
    assert "plus possible" in page and "Paul LEMAIRE (T5950002)" in page


@pytest.mark.parametrize("page", ["history", "change"])
def test_another_cafs_habilitation_page_and_history_are_not_shown(world, lille, theirs, page):
    response = lille.get(reverse(f"admin:habilitations_habilitation_{page}", args=[theirs.pk]))
    assert response.status_code in (302, 404)
    assert SECRET_NAME.upper() not in _text(_followed(lille, response)).upper()


@pytest.mark.parametrize("action", ["denounce", "terminate", "print_convention", "print_cover_letter"])
def test_another_cafs_convention_acts_do_nothing(world, lille, action):
    """ROLE-3, BO-6: Roubaix's convention, by the list with `apply` and by its buttons: untouched, nothing printed."""
    convention = world["conventions"][ROUBAIX]
    response = lille.post(
        reverse("admin:conventions_convention_changelist"),
        {"action": action, "_selected_action": [convention.pk], "apply": "1", "reason": "manquement"},
    )
    assert response.get("Content-Type") != "application/pdf"
    url = reverse("admin:conventions_convention_actions", kwargs={"pk": convention.pk, "tool": f"button_{action}"})
    assert lille.post(url, {"apply": "1", "reason": "manquement"}).status_code == 404
    assert lille.get(url).status_code == 404
    convention.refresh_from_db()
    assert convention.ends_on is None and convention.end_kind in ("", None)


@pytest.fixture
def angouleme_manager(db):
    """A gestionnaire of a BAJ that deals with no CAF of the Nord (Angoulême)."""
    baj = Baj.objects.get(city="Angoulême", juridiction="tgi")
    return designated(
        user=UserFactory(identifier="G1600001", last_name="Lointain"), baj=baj, designated_on=dt.date(2026, 1, 5)
    )


@pytest.mark.parametrize("action", ["print_letter", "confirm_designation"])
def test_a_gestionnaire_of_a_baj_the_caf_does_not_deal_with_is_out_of_reach(world, lille, angouleme_manager, action):
    """ROLE-7, JUR-1: neither by the list (ids posted, `apply`) nor by the button: no letter, no confirmation."""
    password = angouleme_manager.user.password
    response = act(lille, "bajmanager", action, [angouleme_manager])
    assert response.get("Content-Type") != "application/pdf" and "data:application/pdf" not in _text(response)
    url = reverse(
        "admin:conventions_bajmanager_actions", kwargs={"pk": angouleme_manager.pk, "tool": f"button_{action}"}
    )
    assert lille.post(url, CONFIRMED).status_code == 404
    angouleme_manager.user.refresh_from_db()
    assert angouleme_manager.user.password == password
    assert not PendingConfirmation.objects.filter(user=angouleme_manager.user).exists()


def _managers_of_lille(world):
    """G5900001, whose designation every CAF of the BAJ of Lille has confirmed; G5900002, Lille's yet to confirm."""
    confirmed = designated(
        user=UserFactory(identifier="G5900001", civility="madame", first_name="Anne", last_name="Roux"),
        baj=world["baj"],
        designated_on=dt.date(2026, 1, 5),
    )
    owed = designated(
        user=UserFactory(identifier="G5900002", civility="monsieur", first_name="Louis", last_name="Blanc"),
        baj=world["baj"],
        designated_on=dt.date(2026, 1, 5),
    )
    owed.vouched_by.remove(caf(LILLE))
    return confirmed, owed


def test_a_confirmation_the_caf_does_not_owe_is_said_per_identifier_and_not_done(world, lille):
    """ROLE-7, BO-5: « Confirmer la désignation » on a gestionnaire Lille owes nothing for (already confirmed)
    beside one it owes: the second is confirmed, the first is left as it is and the message names its identifier."""
    from django.contrib.messages import get_messages

    from journal.enums import JournalEvent

    confirmed, owed = _managers_of_lille(world)
    response = act(lille, "bajmanager", "confirm_designation", [confirmed, owed])
    assert sorted(str(m) for m in get_messages(response.wsgi_request)) == [
        "G5900001 (Madame Anne ROUX) : rien à confirmer pour la Caf de Lille (désignation et identifiants déjà "
        "confirmés) ; rien n'a été fait.",
        "Gestionnaire Monsieur Louis BLANC confirmé pour la Caf de Lille.",
    ]
    assert owed.vouched_by.filter(number=LILLE).exists()
    lines = JournalEntry.objects.filter(event=JournalEvent.CREDENTIALS_CONFIRMED)
    assert lines.exists() and not lines.filter(detail__contains="G5900001").exists()


def test_the_confirmation_is_not_offered_to_a_caf_that_owes_none(world, lille):
    """ROLE-7, BO-2: Lille owes no confirmation for any gestionnaire: « Confirmer la désignation » is not among the
    list's actions, and posted by hand it confirms nothing; Roubaix, which owes one, is offered it."""
    from journal.enums import JournalEvent

    confirmed = designated(
        user=UserFactory(identifier="G5900001"), baj=world["baj"], designated_on=dt.date(2026, 1, 5)
    )
    changelist = reverse("admin:conventions_bajmanager_changelist")
    choices = dict(lille.get(changelist).context["action_form"].fields["action"].choices)
    assert "print_letter" in choices and "confirm_designation" not in choices
    act(lille, "bajmanager", "confirm_designation", [confirmed])
    assert not JournalEntry.objects.filter(event=JournalEvent.CREDENTIALS_CONFIRMED).exists()

    page = reverse("admin:conventions_bajmanager_change", args=[confirmed.pk])
    buttons = lille.get(page).context["objectactions"]
    assert [tool["name"] for tool in buttons] == ["button_print_letter"], "no « Confirmer » button on its page"

    confirmed.vouched_by.remove(caf(ROUBAIX))
    roubaix, _ = agent("CAF59701", ROUBAIX)
    assert "confirm_designation" in dict(roubaix.get(changelist).context["action_form"].fields["action"].choices)
    assert "button_confirm_designation" in [tool["name"] for tool in roubaix.get(page).context["objectactions"]]


def test_the_credentials_confirmation_is_offered_only_while_the_caf_owes_one(world, lille, ours):
    """ROLE-7, BO-2: « Confirmer les nouveaux identifiants » was among every CAF agent's list actions; it is
    offered only while one of the agent's CAFs owes a confirmation (credentials another CAF printed)."""
    changelist = reverse("admin:habilitations_habilitation_changelist")
    assert "confirm_credentials" not in dict(lille.get(changelist).context["action_form"].fields["action"].choices)
    manager = designated(user=UserFactory(identifier="G5900003"), baj=world["baj"], designated_on=dt.date(2026, 1, 5))
    PendingConfirmation.objects.create(user=manager.user, caf=caf(LILLE))  # a gestionnaire's: confirmed in their list
    assert "confirm_credentials" not in dict(lille.get(changelist).context["action_form"].fields["action"].choices)
    PendingConfirmation.objects.create(user=ours.user, caf=caf(LILLE))
    assert "confirm_credentials" in dict(lille.get(changelist).context["action_form"].fields["action"].choices)


def _two_cafs_agent(identifier, numbers):
    client, user = agent(identifier, numbers[0])
    for number in numbers[1:]:
        for kind in (CafRoleKind.ADMINISTRATOR, CafRoleKind.SECURITY_OFFICER):
            CafRole.objects.create(user=user, caf=caf(number), kind=kind)
    return client, user


def _manager_form(baj, acting):
    return {
        "caf": acting.pk,
        "baj": baj.pk,
        "designated_on": "05/01/2026",
        "civility": "monsieur",
        "last_name": "Blanc",
        "first_name": "Louis",
        "email": "louis.blanc@justice.fr",
    }


@pytest.mark.parametrize("acting", ["not administered", "not dealing with the BAJ"])
def test_a_gestionnaire_recorded_in_the_name_of_a_caf_the_agent_may_not_use_is_refused(world, acting):
    """JUR-1, ROLE-7 (#24): « Au nom de la Caf » — Roubaix, which the agent (Lille and the Charente) does not
    administer, or the Charente, which does not deal with the BAJ of Lille: nothing recorded."""
    client, _ = _two_cafs_agent("CAF59502", [LILLE, "161"])
    chosen = caf(ROUBAIX) if acting == "not administered" else caf("161")
    response = client.post(reverse("admin:conventions_bajmanager_add"), _manager_form(world["baj"], chosen))
    assert response.status_code == 200
    assert not BajManager.objects.filter(user__email="louis.blanc@justice.fr").exists()


def test_a_letter_printed_in_the_name_of_a_caf_the_agent_does_not_administer_is_refused(world):
    """ROLE-7, BO-6 (#24): an agent of Lille and Douai prints a gestionnaire's letter « au nom de » Roubaix:
    refused, the password unchanged, no confirmation owed by anyone new."""
    client, _ = _two_cafs_agent("CAF59503", [LILLE, DOUAI])
    manager = designated(user=UserFactory(identifier="G5900002"), baj=world["baj"], designated_on=dt.date(2026, 1, 5))
    before = manager.user.password
    response = act(client, "bajmanager", "print_letter", [manager], caf=caf(ROUBAIX).pk)
    assert "data:application/pdf" not in _text(response)
    manager.user.refresh_from_db()
    assert manager.user.password == before
    assert not PendingConfirmation.objects.filter(user=manager.user).exists()


def test_a_letter_posted_in_the_name_of_a_caf_not_dealing_with_the_baj_is_lilles(world):
    """ROLE-7 (#24): an agent of Lille and the Charente posts « au nom de » the Charente, which does not deal with
    the BAJ of Lille: the field is not even asked (one CAF of theirs deals with it) — the letter is Lille's."""
    client, _ = _two_cafs_agent("CAF59507", [LILLE, "161"])
    manager = designated(user=UserFactory(identifier="G5900006"), baj=world["baj"], designated_on=dt.date(2026, 1, 5))
    response = act(client, "bajmanager", "print_letter", [manager], caf=caf("161").pk)
    assert letter_password(response)
    issuers = set(PendingConfirmation.objects.filter(user=manager.user).values_list("issued_by__number", flat=True))
    assert issuers == {LILLE}
    assert not PendingConfirmation.objects.filter(user=manager.user, caf__number=LILLE).exists()


def test_the_admins_autocomplete_gives_no_reference_data_to_an_agent(world, lille):
    """ROLE-3: the CAF roles' autocomplete (a superuser's page) answers an agent with a refusal."""
    response = lille.get(
        reverse("admin:autocomplete"),
        {"app_label": "conventions", "model_name": "cafrole", "field_name": "caf", "term": "Roubaix"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("acting", [ROUBAIX, "161"])
def test_a_second_factor_reset_for_a_caf_not_administered_or_not_concerned_is_refused(world, acting):
    """AUTH-11, ROLE-7 (#24): « Pour la Caf » Roubaix (not the agent's), or the Charente (the agent's, but the
    greffier holds nothing from it): refused, nothing pending, nothing journaled against the greffier."""
    client, _ = _two_cafs_agent("CAF59504", [LILLE, "161"])
    client.post(
        reverse("habilitations:second_factor_reset"),
        {"identifier": "T5900001", "reason": "téléphone perdu", "caf": caf(acting).pk},
    )
    assert not PendingConfirmation.objects.filter(user=world["greffier"]).exists()


def test_a_surveillance_for_a_caf_the_officer_does_not_hold_is_refused(world, theirs):
    """JRN-4 (#24): « Pour la Caf » Roubaix posted by an officer of Lille and the Charente: nothing started."""
    client, _ = _two_cafs_agent("CAF59505", [LILLE, "161"])
    client.post(
        reverse("habilitations:officer_surveillances"),
        {"caf": caf(ROUBAIX).pk, "identifier": "T5970002", "reason": "curiosité"},
    )
    assert not Surveillance.objects.exists()


def test_the_letter_link_keeps_the_password_nowhere_on_the_server(world, lille, ours, caplog):
    """AUTH-5, BO-5: « Nouveau mot de passe » by the button: the page with the `data:` link is no-store, and the
    password is in no session, message cookie, journal line, history row or log record; the next GET of the page
    no longer carries the letter."""
    caplog.set_level(logging.DEBUG)
    response = button(lille, ours, "reset_password")
    password = letter_password(response)
    assert password
    assert "no-store" in response["Cache-Control"]
    assert all(password not in str(s.get_decoded()) for s in Session.objects.all())
    assert all(password not in morsel.value for morsel in response.cookies.values())
    assert all(password not in morsel.value for morsel in lille.cookies.values())
    assert not JournalEntry.objects.filter(detail__contains=password).exists()
    assert not HabilitationHistory.objects.filter(detail__contains=password).exists()
    assert password not in caplog.text
    again = lille.get(reverse("admin:habilitations_habilitation_change", args=[ours.pk]))
    assert "data:application/pdf" not in _text(again)


def test_a_gestionnaires_letter_link_keeps_the_password_nowhere_either(world, lille, caplog):
    caplog.set_level(logging.DEBUG)
    manager = designated(user=UserFactory(identifier="G5900003"), baj=world["baj"], designated_on=dt.date(2026, 1, 5))
    response = act(lille, "bajmanager", "print_letter", [manager])
    password = letter_password(response)
    assert password and "no-store" in response["Cache-Control"]
    assert all(password not in str(s.get_decoded()) for s in Session.objects.all())
    assert all(password not in morsel.value for morsel in lille.cookies.values())
    assert not JournalEntry.objects.filter(detail__contains=password).exists()
    assert password not in caplog.text


def test_a_gestionnaire_confirmed_by_lille_only_cannot_remove_douais_suspended_access(world, lille):
    """JUR-2, ROLE-7 (#24: a suspended access is removable): the gestionnaire Lille alone vouched for asks the
    removal of Douai's suspended access: not found, untouched."""
    manager = BajManager.objects.create(
        user=UserFactory(identifier="G5900004"), baj=world["baj"], designated_on=dt.date(2026, 1, 5)
    )
    manager.vouched_by.set([caf(LILLE)])
    session = session_with("G5900004", PASSWORD)
    suspended = world["habilitations"][DOUAI]
    assert asks_removal(session, suspended, timezone.localdate()).status_code == 404
    suspended.refresh_from_db()
    assert suspended.status == HabilitationStatus.SUSPENDED and suspended.ends_on is None


def test_a_gestionnaire_cannot_remove_a_suspended_access_of_another_baj(world):
    """JUR-2 (#24): a suspended access under a convention of another BAJ (Angoulême): not found."""
    designated(user=UserFactory(identifier="G5900005"), baj=world["baj"], designated_on=dt.date(2026, 1, 5))
    elsewhere = HabilitationFactory(user=UserFactory(identifier="T1001199"), suspended=True)
    session = session_with("G5900005", PASSWORD)
    assert asks_removal(session, elsewhere, timezone.localdate()).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.ends_on is None


LEGAL_PAGES = ["core:legal_notice", "core:personal_data", "core:accessibility"]
MENU_MARKS = ["Administration", "Déconnexion", "/admin/", "Se déconnecter", "Journal"]


@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_the_legal_pages_show_no_menu_to_an_anonymous_reader(db, client, name):
    page = _text(client.get(reverse(name)))
    assert not [mark for mark in MENU_MARKS if mark in page]


@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_the_legal_pages_show_no_menu_before_the_second_factor(world, name):
    """AUTH-11, RGPD-1 (#24): a staff session that has given its password but not its second factor reads the
    legal pages with the bare frame — no administration, no journal, no CAF data."""
    user = UserFactory(identifier="CAF59506", staff=True)
    CafRole.objects.create(user=user, caf=caf(LILLE), kind=CafRoleKind.ADMINISTRATOR)
    CafRole.objects.create(user=user, caf=caf(LILLE), kind=CafRoleKind.SECURITY_OFFICER)
    client = Client()
    response = client.post("/", {"identifier": user.identifier, "password": STAFF_PASSWORD})
    assert response.status_code == 302
    page = _text(client.get(reverse(name)))
    assert not [mark for mark in ["Administration", "/admin/", "Journal", "Caf de Lille"] if mark in page]


def test_the_legal_pages_show_no_menu_before_the_forced_password_change(world):
    greffier = UserFactory(identifier="T5950003", must_change_password=True)
    HabilitationFactory(user=greffier, convention=world["conventions"][LILLE])
    client = Client()
    client.post("/", {"identifier": "T5950003", "password": PASSWORD})
    page = _text(client.get(reverse("core:legal_notice")))
    assert "n° allocataire" not in page.lower() and "Rechercher" not in page


def test_an_unlock_on_a_habilitation_lille_withdrew_does_not_touch_roubaix(world, lille):
    """ROLE-7, HAB-1 (#24): Lille withdrew its habilitation of T5900001; its agent then unlocks the identifier
    through the list action (the button is not shown in that state). Lille no longer answers for the
    identity: the act must be refused — else Lille, a CAF no longer concerned, resets the three attempts of a
    password Roubaix trusts and suspends Roubaix's access until Roubaix confirms."""
    ours = world["habilitations"][LILLE]
    act(lille, "habilitation", "revoke", [ours], apply="1", reason="assignment", ends_on="")
    ours.refresh_from_db()
    assert ours.status == HabilitationStatus.REVOKED
    response = act(lille, "habilitation", "unlock", [ours])
    assert "Impossible de débloquer une habilitation à l'état « retirée »" in html.unescape(
        _text(_followed(lille, response))
    )
    assert not PendingConfirmation.objects.filter(user=world["greffier"], caf__number=ROUBAIX).exists()
    assert not HabilitationHistory.objects.filter(habilitation=ours, action="déblocage").exists()


@pytest.mark.parametrize("state", ["revoked", "requested"])
def test_no_list_action_acts_on_a_closed_habilitation_beyond_what_its_buttons_allow(world, lille, state):
    """HAB-1, BO-3 (#24): the acts the list allows on one habilitation are those its page's buttons allow
    (`buttons_for`): unlock on a withdrawn or requested habilitation of the multi-CAF greffier is refused."""
    convention = world["conventions"][LILLE]
    habilitation = HabilitationFactory(
        user=world["greffier"],
        convention=convention,
        **{state: True},
    )
    act(lille, "habilitation", "unlock", [habilitation])
    assert not HabilitationHistory.objects.filter(habilitation=habilitation, action="déblocage").exists()


def test_the_work_list_counts_the_agents_own_caf_only(world, lille):
    """BO-2, ROLE-3: a request at Roubaix is not counted on Lille's home."""
    HabilitationFactory(
        user=UserFactory(identifier="T5970003"), convention=world["conventions"][ROUBAIX], requested=True
    )
    page = _text(lille.get(reverse("admin:index")))
    assert "demandes d'accès à accorder" not in page


def test_a_habilitation_requested_under_another_cafs_convention_is_refused(world, lille):
    before = Habilitation.objects.count()
    response = lille.post(
        reverse("admin:habilitations_habilitation_add"),
        {
            "convention": world["conventions"][ROUBAIX].pk,
            "function": "greffier",
            "last_name": "Intrus",
            "first_name": "Jean",
        },
    )
    assert response.status_code == 200
    assert Habilitation.objects.count() == before


def test_a_convention_moved_to_another_caf_is_refused(world, lille):
    """ROLE-3: Lille's convention's « Caf » changed to Roubaix by its change form: refused."""
    convention = world["conventions"][LILLE]
    page = lille.get(reverse("admin:conventions_convention_change", args=[convention.pk]))
    form = page.context["adminform"].form
    data = {
        key: ("" if value is None else value.pk if hasattr(value, "pk") else value)
        for key, value in form.initial.items()
        if key in form.fields
    }
    for key in ("caf_signed_on", "partner_signed_on", "starts_on", "first_period_ends_on"):
        if data.get(key):
            data[key] = f"{data[key]:%d/%m/%Y}"
    data.update(
        {"caf": caf(ROUBAIX).pk, **{f"history-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()}}
    )
    lille.post(reverse("admin:conventions_convention_change", args=[convention.pk]), data)
    convention.refresh_from_db()
    assert convention.caf.number == LILLE


@pytest.fixture
def superuser():
    client = Client()
    user = UserFactory(identifier="ADMIN001", superuser=True)
    log_in(client, user)
    return client, user


def _lock(identifier):
    """AUTH-3: three failed logins on `identifier`."""
    for _ in range(3):
        Client().post("/", {"identifier": identifier, "password": "Faux99"})


def test_the_superusers_unlock_of_an_identifier_not_locked_does_nothing(world, superuser):
    """AUTH-3, BO-5: the superuser's « Débloquer » on an account whose identifier is not locked (one failure) reset
    its attempts and journaled an unlock for every CAF of the multi-CAF greffier: nothing is done and the message
    names the identifier left as it was."""
    from axes.models import AccessAttempt
    from django.contrib.messages import get_messages

    from journal.enums import JournalEvent

    client, _ = superuser
    Client().post("/", {"identifier": "T5900001", "password": "Faux99"})
    count = JournalEntry.objects.count()
    response = client.post(
        reverse("admin:habilitations_user_changelist"),
        {"action": "unlock", "_selected_action": [world["greffier"].pk], **CONFIRMED},
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "T5900001 n'était pas bloqué ; rien n'a été fait."
    ]
    assert AccessAttempt.objects.get(username="T5900001").failures_since_start == 1
    assert not PendingConfirmation.objects.filter(user=world["greffier"]).exists()
    assert JournalEntry.objects.count() == count
    assert not JournalEntry.objects.filter(event=JournalEvent.UNLOCK).exists()


def test_the_superusers_unlock_asks_a_reason_and_is_journaled(world, superuser):
    """BO-6, AUD-1 (extended): the superuser's « Débloquer » on an account asks a reason first, then journals it."""
    client, _ = superuser
    url = reverse("admin:habilitations_user_changelist")
    _lock("T5900001")
    first = client.post(url, {"action": "unlock", "_selected_action": [world["greffier"].pk]})
    assert first.status_code == 200 and "Motif" in _text(first)
    count = JournalEntry.objects.count()
    client.post(url, {"action": "unlock", "_selected_action": [world["greffier"].pk], **CONFIRMED})
    assert JournalEntry.objects.count() > count
    assert JournalEntry.objects.filter(detail__contains=CONFIRMED["reason"]).exists()


def test_the_superusers_password_reset_is_no_store_and_journaled_without_the_password(world, superuser):
    """AUTH-5, AUD-1 (extended): the superuser's reset of an account: shown once (no-store), journaled, and the
    password in no journal line nor session."""
    client, _ = superuser
    url = reverse("admin:habilitations_user_changelist")
    response = client.post(url, {"action": "reset_password", "_selected_action": [world["greffier"].pk], **CONFIRMED})
    assert "no-store" in response["Cache-Control"]
    [(_, password)] = response.context["reset"]
    assert password in _text(response)
    lines = JournalEntry.objects.filter(detail__contains="T5900001")
    assert lines.exists() and not lines.filter(detail__contains=password).exists()
    assert all(password not in str(s.get_decoded()) for s in Session.objects.all())


def test_the_superusers_convention_edit_is_journaled(world, superuser):
    """AUD-1: a convention's end edited by nobody but the services: the superuser's buttons too."""
    client, _ = superuser
    convention = world["conventions"][ROUBAIX]
    count = JournalEntry.objects.count()
    url = reverse("admin:conventions_convention_actions", kwargs={"pk": convention.pk, "tool": "button_denounce"})
    client.post(url, {"apply": "1", "reason": "fin du partenariat"})
    convention.refresh_from_db()
    assert convention.ends_on is not None
    assert JournalEntry.objects.count() > count


def test_nothing_of_roubaix_on_lilles_convention_list_or_filter(world, lille, theirs):
    page = _text(lille.get(reverse("admin:habilitations_habilitation_changelist")))
    assert SECRET_NAME.upper() not in page.upper()
    page = _text(lille.get(reverse("admin:habilitations_habilitation_changelist") + f"?q={SECRET_NAME}"))
    assert "T5970002" not in page, "the search term is echoed in its box; the person's identifier is not shown"
    assert Convention.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_buttons_list_wide_address_acts_on_nothing(world, lille, theirs, ours, method):
    """BO-3: the library's list-wide address of a button (no object): not found, nothing suspended."""
    url = reverse("admin:habilitations_habilitation_changelist") + "actions/button_suspend/"
    response = getattr(lille, method)(url, CONFIRMED if method == "post" else None)
    assert response.status_code == 404
    assert _untouched(theirs) and _untouched(ours)


def test_a_security_officer_alone_acts_on_no_habilitation(world, ours):
    """ROLE-3, ROLE-4: Lille's security officer, not its administrator: the administration's acts are refused,
    by the list and by the button; no second factor reset either (AUTH-11)."""
    client, _ = agent("CAF59508", LILLE, kinds=(CafRoleKind.SECURITY_OFFICER,))
    response = act(client, "habilitation", "suspend", [ours])
    assert response.status_code in (302, 403)
    assert button(client, ours, "suspend").status_code in (302, 403, 404)
    assert _untouched(ours)
    client.post(reverse("habilitations:second_factor_reset"), {"identifier": "T5950002", "reason": "téléphone perdu"})
    assert not PendingConfirmation.objects.filter(user=ours.user).exists()


def test_a_refused_reason_leaves_the_act_undone_and_asks_again(world, lille, ours):
    """BO-6: `apply` with an empty reason: the page asks again, nothing done (no default reason)."""
    response = lille.post(
        reverse("admin:habilitations_habilitation_changelist"),
        {"action": "suspend", "_selected_action": [ours.pk], "apply": "1", "reason": "  "},
    )
    assert response.status_code == 200 and "act-confirmation" in _text(response)
    assert _untouched(ours)


def test_the_national_officers_staff_unlock_asks_a_reason_first(db, client):
    """BO-6, AUD-1: « Débloquer » a staff identifier (the national security officer's page) without a reason:
    nothing done; with one, the reason is in the journal line."""
    from django.contrib.auth.models import Permission

    from journal.enums import JournalEvent

    officer = UserFactory(identifier="CNAF0001", staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_national_journal"))
    log_in(client, officer)
    UserFactory(identifier="CAF59509", staff=True)
    for _ in range(3):
        Client().post("/", {"identifier": "CAF59509", "password": "Wrong1-Wrong1"})
    url = reverse("habilitations:officer_staff_lockouts")
    assert "Motif du déblocage" in _text(client.get(url))
    client.post(url, {"identifier": "CAF59509"})
    assert not JournalEntry.objects.filter(event=JournalEvent.UNLOCK).exists()
    client.post(url, {"identifier": "CAF59509", "reason": "appel de l'agent, identité vérifiée"})
    assert JournalEntry.objects.get(event=JournalEvent.UNLOCK).detail.endswith("appel de l'agent, identité vérifiée")


def test_no_delete_action_on_a_habilitation(world, lille, ours):
    """HAB-3, AUD-1: Django's « delete_selected » posted: not offered, nothing deleted."""
    lille.post(
        reverse("admin:habilitations_habilitation_changelist"),
        {"action": "delete_selected", "_selected_action": [ours.pk], "post": "yes"},
    )
    assert Habilitation.objects.filter(pk=ours.pk).exists()


def test_a_convention_created_for_another_caf_is_refused(world, lille):
    before = Convention.objects.count()
    response = lille.post(
        reverse("admin:conventions_convention_add"),
        {"number": "999999/2026", "caf": caf(ROUBAIX).pk, "baj": world["baj"].pk},
    )
    assert response.status_code == 200
    assert Convention.objects.count() == before


@pytest.mark.parametrize(
    "name",
    [
        "admin:habilitations_user_changelist",
        "admin:journal_journalentry_changelist",
        "admin:conventions_cafrole_changelist",
        "admin:habilitations_surveillance_changelist",
        "admin:auth_group_changelist",
    ],
)
def test_the_superusers_pages_are_refused_to_an_agent(world, lille, name):
    assert lille.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("who", ["greffier", "gestionnaire"])
def test_a_greffier_or_a_gestionnaire_reaches_no_act_of_the_administration(world, ours, who):
    """ROLE-1, JUR-1: a non-staff session posting an act of the administration is sent to the login page."""
    if who == "gestionnaire":
        designated(user=UserFactory(identifier="G5900007"), baj=world["baj"], designated_on=dt.date(2026, 1, 5))
    session = session_with("T5900001" if who == "greffier" else "G5900007", PASSWORD)
    response = act(session, "habilitation", "suspend", [ours])
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert _untouched(ours)


XSS = '<img src=x onerror="alert(1)">'


def test_a_name_typed_by_a_juridiction_is_never_markup_in_the_administration(world, lille):
    """ROB-2, ROLE-7: a person's name typed by a gestionnaire (or another CAF's agent) with markup: the list, the
    page's header, the confirmation page and the act's message show it as text."""
    person = UserFactory(identifier="T5950009", last_name=XSS, first_name=XSS)
    habilitation = HabilitationFactory(user=person, convention=world["conventions"][LILLE])
    pages = [
        lille.get(reverse("admin:habilitations_habilitation_changelist")),
        lille.get(reverse("admin:habilitations_habilitation_change", args=[habilitation.pk])),
        lille.post(
            reverse("admin:habilitations_habilitation_changelist"),
            {"action": "suspend", "_selected_action": [habilitation.pk]},
        ),
        _followed(lille, button(lille, habilitation, "suspend")),
        _followed(lille, button(lille, habilitation, "suspend")),  # the stale act's message
    ]
    for page in pages:
        assert page.status_code == 200
        assert 'onerror="alert(1)"' not in _text(page).replace("&quot;", "'")
        assert "<img src=x" not in _text(page).lower()


def test_no_act_of_the_administration_before_the_second_factor(world, ours):
    """AUTH-11: a staff session that gave its password but not its second factor: the administration's pages and
    acts are refused (sent to the login), its « Administration » link is not shown."""
    user = UserFactory(identifier="CAF59510", staff=True)
    CafRole.objects.create(user=user, caf=caf(LILLE), kind=CafRoleKind.ADMINISTRATOR)
    client = Client()
    assert client.post("/", {"identifier": user.identifier, "password": STAFF_PASSWORD}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:habilitations_habilitation_change", args=[ours.pk])).status_code == 302
    response = act(client, "habilitation", "suspend", [ours])
    assert response.status_code == 302
    assert button(client, ours, "reset_password").status_code == 302
    assert _untouched(ours)


@pytest.mark.parametrize(
    "lookup",
    [
        "user__password__startswith=a",
        "user__habilitations__convention__caf__number=597",
        "user__pending_confirmations__caf__number=597",
        "convention__baj__conventions__caf__number=597",
    ],
)
def test_the_lists_filters_are_no_oracle_on_passwords_or_other_cafs(world, lille, ours, lookup):
    """ROLE-3: a lookup through the list's URL that is none of its filters is refused — no oracle on a password's
    hash nor on what another CAF holds of the same person."""
    response = lille.get(reverse("admin:habilitations_habilitation_changelist") + f"?{lookup}")
    assert response.status_code in (400, 302)
    if response.status_code == 302:
        assert "e=1" in response["Location"]


def test_lille_cannot_change_the_address_of_a_baj_it_shares_with_other_cafs(world, lille):
    """ROLE-7, BO-4: the BAJ of Lille's postal address is where every CAF of the BAJ mails the letter that carries a
    greffier's or a gestionnaire's initial password (documents/ouverture_droits.html). Lille's agent cannot change
    it — Roubaix, Douai and the CMAF mail there too —: the page is read-only, a POST is refused, and the service
    refuses it whatever the caller; the national administration edits a shared BAJ."""
    from django.core.exceptions import ValidationError

    from conventions.services import baj_contact_save

    baj = world["baj"]
    before = baj.address
    page = lille.get(reverse("admin:conventions_baj_change", args=[baj.pk]))
    assert page.status_code == 200 and 'name="address"' not in page.content.decode()
    response = lille.post(
        reverse("admin:conventions_baj_change", args=[baj.pk]),
        {"address": "Boîte postale 12\n59000 LILLE", "phone": "", "fax": ""},
    )
    assert response.status_code == 403
    baj.refresh_from_db()
    assert baj.address == before
    baj.address = "Boîte postale 12\n59000 LILLE"
    with pytest.raises(ValidationError, match="d'autres Caf"):
        baj_contact_save(baj=baj, caf=Caf.objects.get(number=LILLE), by=None, form=None)


def test_a_baj_address_changed_by_the_superuser_reaches_every_caf_of_the_baj_too(world, superuser):
    """AUD-1 (extended), AUD-2: the CMAF, which signed with the BAJ of Lille and mails its letters there, reads
    the superuser's change of the BAJ's address as the Nord's CAFs do."""
    client, _ = superuser
    baj = world["baj"]
    page = client.get(reverse("admin:conventions_baj_change", args=[baj.pk]))
    form = page.context["adminform"].form
    data = {
        "juridiction": baj.juridiction,
        "city": baj.city,
        "departement": baj.departement_id,
        "cafs": [c.pk for c in baj.cafs.all()],
        "address": "Boîte postale 13\n59000 LILLE",
        "phone": "",
        "fax": "",
    }
    assert set(data) >= {name for name in form.fields if form.fields[name].required}
    assert client.post(reverse("admin:conventions_baj_change", args=[baj.pk]), data).status_code == 302
    cafs = {line.caf_id for line in JournalEntry.objects.filter(detail__contains="Boîte postale 13")}
    assert caf(None).pk in cafs and caf(ROUBAIX).pk in cafs


def test_roubaix_does_not_mail_a_password_letter_to_an_address_only_lille_entered(world, lille):
    """ROLE-7: Lille's agent sets the BAJ of Lille's postal address to one they collect; Roubaix grants a new
    greffier of that BAJ and prints the letter carrying the initial password, recommended mail, to that address:
    the password reaches Lille's insider and opens Roubaix's dossiers. The letter of a CAF should not carry an
    address that CAF has not confirmed (or the address should be each CAF's own entry)."""
    from tests.habilitations.test_admin_caf import pdf_text

    lille.post(
        reverse("admin:conventions_baj_change", args=[world["baj"].pk]),
        {"address": "Chez l'intrus, 1 rue du Guet\n59000 LILLE", "phone": "", "fax": ""},
    )
    roubaix_client, _ = agent("CAF59712", ROUBAIX)
    request = HabilitationFactory(
        user=UserFactory(identifier="T5970004", password="!"), convention=world["conventions"][ROUBAIX], requested=True
    )
    request.user.set_unusable_password()
    request.user.save()
    response = act(roubaix_client, "habilitation", "grant", [request])
    text = pdf_text(response)
    assert letter_password(response), "a letter carrying the initial password"
    assert "intrus" not in text


def test_another_cafs_record_and_a_missing_one_get_the_same_words(world, lille):
    """ROLE-3 (#24 walk): Django said « Habilitation avec l'identifiant « 3 » n'existe pas. Peut-être a-t-il été
    supprimé ? » — the database's number, in words that confuse an agent; one answer for both, in ours."""
    from habilitations.models import Habilitation

    theirs = Habilitation.objects.filter(convention=world["conventions"][ROUBAIX]).first()
    said = []
    for pk in (theirs.pk, 999_999):
        response = lille.get(reverse("admin:habilitations_habilitation_change", args=[pk]), follow=True)
        said.append([str(m) for m in response.context["messages"]])
    assert said[0] == said[1] == ["Cette fiche n'existe pas ou ne relève pas de votre Caf."]
