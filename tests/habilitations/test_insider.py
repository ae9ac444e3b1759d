"""ROLE-7, HAB-5 (#22 §1, §2): no act of one CAF's staff — a reset, an unlock, a letter, a grant, a gestionnaire it
records — yields credentials or a session that read another CAF's dossiers or change another CAF's
habilitations; an end of access only moves earlier. Each path as the insider of the Caf de Lille would take it,
against the multi-CAF greffier T5900001 and the BAJ of Lille shared by the Nord's CAFs."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conventions.models import BajManager
from habilitations.enums import HabilitationStatus, RevocationReason
from habilitations.models import Habilitation, PendingConfirmation, journal_visible_to_officer
from habilitations.services import habilitation_request, habilitation_revoke
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory, designated
from tests.habilitations.insider import (
    DOUAI,
    LILLE,
    PURPOSE,
    ROUBAIX,
    act,
    agent,
    asks_removal,
    button,
    letter_password,
    nord,
    reads,
    session_with,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return nord()


@pytest.fixture
def lille():
    """The Caf de Lille's agent CAF59501 (administrator and security officer)."""
    return agent("CAF59501", LILLE)[0]


@pytest.fixture
def roubaix():
    return agent("CAF59701", ROUBAIX)


def test_the_greffier_reads_the_four_cafs_before_anything(world):
    """The yardstick of the tests below: with their own password, T5900001 reads Lille, Roubaix and the CMAF,
    not Douai (suspended)."""
    session = session_with("T5900001", PASSWORD)
    dossiers = world["dossiers"]
    assert [reads(session, dossiers[n]) for n in (LILLE, ROUBAIX, None, DOUAI)] == [True, True, True, False]


@pytest.mark.parametrize("how", ["list action", "button"])
def test_a_reset_letter_opens_the_issuing_cafs_dossiers_only(world, lille, roubaix, how):
    """§1: Lille prints « Nouveau mot de passe et lettre » for its habilitation of T5900001, logs in with the
    password it read: Lille's dossiers, not Roubaix's nor the CMAF's, until each of them confirms."""
    ours = world["habilitations"][LILLE]
    if how == "list action":
        response = act(lille, "habilitation", "reset_password", [ours])
    else:
        response = button(lille, ours, "reset_password")
    password = letter_password(response)
    assert password is not None
    insider = session_with("T5900001", password)
    dossiers = world["dossiers"]
    assert reads(insider, dossiers[LILLE])
    assert not reads(insider, dossiers[ROUBAIX]) and not reads(insider, dossiers[None])

    roubaix_client, _ = roubaix
    home = roubaix_client.get(reverse("admin:index")).content.decode()
    assert "nouveaux identifiants à confirmer" in home, "Roubaix's work list has it"
    listing = roubaix_client.get(reverse("admin:habilitations_habilitation_changelist") + "?confirmer=1")
    assert "Identifiants émis par la Caf de Lille (CAF59501)" in listing.content.decode()
    act(roubaix_client, "habilitation", "confirm_credentials", [world["habilitations"][ROUBAIX]])
    assert reads(insider, dossiers[ROUBAIX]), "Roubaix confirmed: its dossiers open again"
    assert not reads(insider, dossiers[None]), "the CMAF has not"


def test_the_persons_own_password_change_keeps_what_was_confirmed(world, lille, roubaix):
    """§1: the insider changes the password they read: nothing more opens. Roubaix confirms; the person changes
    their password again: Roubaix stays open, the CMAF closed."""
    password = letter_password(act(lille, "habilitation", "reset_password", [world["habilitations"][LILLE]]))
    session_with("T5900001", password)  # the forced change
    again = session_with("T5900001", "Kp7mw3")
    assert reads(again, world["dossiers"][LILLE]) and not reads(again, world["dossiers"][ROUBAIX])
    owing = PendingConfirmation.objects.filter(user=world["greffier"]).values_list("caf__number", flat=True)
    assert sorted(owing, key=str) == sorted([ROUBAIX, DOUAI, None], key=str), "every other CAF concerned"
    act(roubaix[0], "habilitation", "confirm_credentials", [world["habilitations"][ROUBAIX]])
    again.post(
        reverse("habilitations:password_change"),
        {"old_password": "Kp7mw3", "new_password1": "Wd4rtb", "new_password2": "Wd4rtb"},
    )
    assert world["greffier"].__class__.objects.get(pk=world["greffier"].pk).check_password("Wd4rtb")
    assert reads(again, world["dossiers"][ROUBAIX]) and not reads(again, world["dossiers"][None])


@pytest.mark.parametrize("state", ["suspended", "revoked", "requested"])
def test_no_letter_for_a_habilitation_giving_no_access(world, lille, state):
    """§1: neither the list action nor the button prints a letter for a habilitation that gives no access; the
    password stays as it was."""
    habilitation = HabilitationFactory(
        user=UserFactory(identifier="T5900002"), convention=world["conventions"][LILLE], **{state: True}
    )
    before = habilitation.user.password
    response = act(lille, "habilitation", "reset_password", [habilitation])
    assert response.get("Content-Type") != "application/pdf"
    stale = button(lille, habilitation, "reset_password")  # no such button in that state: explained, nothing done
    assert stale.status_code in (302, 403, 404) and stale.get("Content-Type") != "application/pdf"
    habilitation.user.refresh_from_db()
    assert habilitation.user.password == before
    assert not JournalEntry.objects.filter(event=JournalEvent.PASSWORD_RESET).exists()


def test_a_grant_to_a_person_who_has_a_password_keeps_it_and_waits_for_confirmation(world, lille):
    """§1: Lille grants a new habilitation to a greffier who holds Roubaix's only: the letter carries no password
    (theirs is unchanged, so Roubaix's access stays whole) and Lille's habilitation opens once Lille confirms
    the credentials Roubaix issued."""
    person = UserFactory(identifier="T5970001")
    HabilitationFactory(user=person, convention=world["conventions"][ROUBAIX])
    before = person.password
    requested = habilitation_request(
        convention=world["conventions"][LILLE], function="greffier", last_name="", first_name="", by=None, user=person
    )
    response = act(lille, "habilitation", "grant", [requested])
    assert letter_password(response) is None, "no password in the letter"
    person.refresh_from_db()
    assert person.password == before
    session = session_with("T5970001", PASSWORD)
    assert reads(session, world["dossiers"][ROUBAIX]) and not reads(session, world["dossiers"][LILLE])
    act(lille, "habilitation", "confirm_credentials", [requested])
    assert reads(session, world["dossiers"][LILLE])


def test_every_reset_and_unlock_reaches_the_officers_of_every_caf_concerned(world, lille, roubaix):
    """§1: the officers of Roubaix (and of the CMAF, of Douai) see Lille's reset and unlock of T5900001."""
    ours = world["habilitations"][LILLE]
    act(lille, "habilitation", "reset_password", [ours])
    for _ in range(3):  # AUTH-3: only a locked identifier is unlocked
        Client().post("/", {"identifier": "T5900001", "password": "Faux99"})
    act(lille, "habilitation", "unlock", [ours])
    _, officer = roubaix
    seen = journal_visible_to_officer(officer).filter(detail__startswith="T5900001 :")
    assert set(seen.values_list("event", flat=True)) >= {JournalEvent.PASSWORD_RESET, JournalEvent.UNLOCK}
    assert {line.caf.number for line in JournalEntry.objects.filter(event=JournalEvent.UNLOCK)} >= {
        LILLE,
        ROUBAIX,
        DOUAI,
    }


def _record_gestionnaire(client, baj):
    response = client.post(
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
    assert response.status_code == 302
    return BajManager.objects.get(user__email="louis.blanc@justice.fr")


def test_a_gestionnaire_recorded_by_lille_acts_on_lilles_conventions_only(world, lille, roubaix):
    """§2: Lille records a gestionnaire for the BAJ of Lille, prints the letter, logs in as them: Roubaix's
    habilitation cannot be withdrawn (nor seen) until Roubaix confirms the designation; Roubaix sees who
    recorded it."""
    manager = _record_gestionnaire(lille, world["baj"])
    owing = PendingConfirmation.objects.filter(user=manager.user).values_list("caf__number", flat=True)
    assert ROUBAIX in owing and None in owing and LILLE not in owing, "the CMAF, which signed with the BAJ, too"
    password = letter_password(act(lille, "bajmanager", "print_letter", [manager]))
    insider = session_with(manager.user.identifier, password)
    theirs = world["habilitations"][ROUBAIX]
    assert asks_removal(insider, theirs, timezone.localdate()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == HabilitationStatus.ACTIVE and theirs.ends_on is None
    home = insider.get(reverse("habilitations:partner_home")).content.decode()
    assert theirs.user.identifier not in home.split("En attente de confirmation")[0]
    assert "En attente de confirmation" in home and "Caf de Roubaix" in home, "the gestionnaire is told why"
    assert f"/juridiction/habilitations/{theirs.pk}/suppression/" not in home
    assert asks_removal(insider, world["habilitations"][LILLE], timezone.localdate()).status_code == 302

    roubaix_client, officer = roubaix
    assert "gestionnaires de juridiction à confirmer" in roubaix_client.get(reverse("admin:index")).content.decode()
    page = roubaix_client.get(reverse("admin:conventions_bajmanager_changelist") + "?confirmer=1").content.decode()
    assert "CAF59501" in page and "Caf de Lille" in page, "Roubaix sees who recorded it"
    assert journal_visible_to_officer(officer).filter(event=JournalEvent.BAJ_MANAGER_RECORDED).exists()
    act(roubaix_client, "bajmanager", "confirm_designation", [manager])
    assert asks_removal(insider, theirs, timezone.localdate()).status_code == 302, "confirmed: it may"


def test_a_letter_reprinted_by_lille_for_a_confirmed_gestionnaire_reaches_lille_only(world, lille):
    """§2: a gestionnaire every CAF had confirmed; Lille prints a new letter: the session opened with it changes
    Lille's habilitations, not Roubaix's."""
    gestionnaire = UserFactory(identifier="G5900001")
    manager = designated(user=gestionnaire, baj=world["baj"], designated_on=dt.date(2026, 1, 5))
    password = letter_password(act(lille, "bajmanager", "print_letter", [manager]))
    insider = session_with("G5900001", password)
    assert asks_removal(insider, world["habilitations"][ROUBAIX], timezone.localdate()).status_code == 404
    assert asks_removal(insider, world["habilitations"][LILLE], timezone.localdate()).status_code == 302


def test_a_removal_request_never_postpones_an_end(world):
    """HAB-5: a withdrawal set for tomorrow is not pushed to 31/12/2099 by posting the form again; an earlier
    date is taken."""
    gestionnaire = UserFactory(identifier="G5900001")
    designated(user=gestionnaire, baj=world["baj"], designated_on=dt.date(2026, 1, 5))
    session = session_with("G5900001", PASSWORD)
    ours = world["habilitations"][LILLE]
    today = timezone.localdate()
    assert asks_removal(session, ours, today + dt.timedelta(days=2)).status_code == 302
    page = asks_removal(session, ours, dt.date(2099, 12, 31))
    assert page.status_code == 200 and "jamais reportée" in page.content.decode()
    assert f'max="{today + dt.timedelta(days=2):%Y-%m-%d}"' in page.content.decode(), "the form reflects it"
    ours.refresh_from_db()
    assert ours.ends_on == today + dt.timedelta(days=2)
    assert asks_removal(session, ours, today + dt.timedelta(days=1)).status_code == 302
    ours.refresh_from_db()
    assert ours.ends_on == today + dt.timedelta(days=1)


def test_the_cafs_withdrawal_is_not_postponed_by_its_own_administration_either(world):
    """HAB-5: the rule is the service's, whoever calls it."""
    ours = world["habilitations"][LILLE]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    habilitation_revoke(habilitation=ours, by=None, reason=RevocationReason.END_OF_MISSION, ends_on=tomorrow)
    with pytest.raises(Exception, match="jamais reportée"):
        habilitation_revoke(
            habilitation=ours, by=None, reason=RevocationReason.END_OF_MISSION, ends_on=dt.date(2099, 12, 31)
        )
    assert Habilitation.objects.get(pk=ours.pk).ends_on == tomorrow


def test_the_cmaf_which_signed_with_the_baj_sees_and_confirms_a_gestionnaire(world, lille):
    """§2: the CMAF is no CAF of the BAJ's département but signed a convention with it: its agent sees the
    gestionnaire Lille recorded, who recorded it, and confirms; only then does the gestionnaire act on the CMAF's
    conventions."""
    manager = _record_gestionnaire(lille, world["baj"])
    insider = session_with(
        manager.user.identifier, letter_password(act(lille, "bajmanager", "print_letter", [manager]))
    )
    cmaf = world["habilitations"][None]
    assert asks_removal(insider, cmaf, timezone.localdate()).status_code == 404
    cmaf_agent, _ = agent("CAFCM001", None)
    page = cmaf_agent.get(reverse("admin:conventions_bajmanager_changelist") + "?confirmer=1").content.decode()
    assert manager.user.identifier in page and "CAF59501" in page
    act(cmaf_agent, "bajmanager", "confirm_designation", [manager])
    assert not PendingConfirmation.objects.filter(user=manager.user, caf__is_maritime=True).exists()
    assert asks_removal(insider, cmaf, timezone.localdate()).status_code == 302


# --- What an insider auditor found once the above held (turn 3's review) ------------------------------------------


def test_a_gestionnaire_acts_only_for_the_cafs_that_answer_for_the_designation(world, lille):
    """ROLE-7, JUR-1: Lille records a gestionnaire of the BAJ and prints its letter; a CAF that comes to the BAJ
    afterwards (here the CMAF, whose convention is the world's: no CAF was asked for it at the recording) has not
    vouched for the designation — the gestionnaire cannot withdraw its habilitation until it confirms."""
    cmaf_habilitation = world["habilitations"][None]
    response = lille.post(
        reverse("admin:conventions_bajmanager_add"),
        {
            "baj": world["baj"].pk,
            "designated_on": "05/01/2026",
            "civility": "madame",
            "last_name": "Roux",
            "first_name": "Anne",
            "email": "anne.roux@justice.fr",
        },
    )
    assert response.status_code == 302, response
    manager = BajManager.objects.get(baj=world["baj"], user__email="anne.roux@justice.fr")
    # As if the CMAF's convention had been signed after the recording: no confirmation was asked of it.
    PendingConfirmation.objects.filter(user=manager.user, caf=cmaf_habilitation.convention.caf).delete()
    password = letter_password(act(lille, "bajmanager", "print_letter", [manager]))
    insider = session_with(manager.user.identifier, password)
    assert asks_removal(insider, cmaf_habilitation, timezone.localdate()).status_code == 404
    cmaf_habilitation.refresh_from_db()
    assert cmaf_habilitation.status == HabilitationStatus.ACTIVE
    assert asks_removal(insider, world["habilitations"][LILLE], timezone.localdate()).status_code == 302


def test_an_unlock_by_one_caf_opens_that_cafs_habilitations_only(world, lille, roubaix):
    """ROLE-7, AUTH-3: Lille locks T5900001 by guessing and unlocks it, again and again: an unlock by one CAF is a
    way to guess, three at a time, a password other CAFs trust — so it opens Lille's habilitations only until
    Roubaix (and the CMAF) confirm; an unlock on a habilitation that gives no access is refused."""

    guesser = Client()
    for _ in range(3):
        guesser.post("/", {"identifier": "T5900001", "password": "Faux99"})
    act(lille, "habilitation", "unlock", [world["habilitations"][LILLE]])
    session = session_with("T5900001", PASSWORD)
    assert reads(session, world["dossiers"][LILLE])
    assert not reads(session, world["dossiers"][ROUBAIX]), "Roubaix has not confirmed"
    roubaix_client, _ = roubaix
    act(roubaix_client, "habilitation", "confirm_credentials", [world["habilitations"][ROUBAIX]])
    assert reads(session_with("T5900001", PASSWORD), world["dossiers"][ROUBAIX])


def test_a_second_factor_reset_by_one_caf_reaches_every_caf_and_opens_only_its_own(world, lille, roubaix):
    """ROLE-7, AUTH-11: Roubaix requires the second factor of its greffiers; Lille resets T5900001's: every CAF
    concerned reads it in its journal, and the identity opens Lille's habilitations only until the others
    confirm."""
    from conventions.models import Caf

    Caf.objects.filter(number=ROUBAIX).update(greffiers_second_factor=True)
    response = lille.post(
        reverse("habilitations:second_factor_reset"), {"identifier": "T5900001", "reason": "téléphone perdu"}
    )
    assert response.status_code == 302
    lines = JournalEntry.objects.filter(event=JournalEvent.SECOND_FACTOR_RESET)
    assert {line.caf.number for line in lines if line.caf} >= {LILLE, ROUBAIX}
    assert PendingConfirmation.objects.filter(user=world["greffier"], caf__number=ROUBAIX).exists()
    _, officer = roubaix
    assert journal_visible_to_officer(officer).filter(event=JournalEvent.SECOND_FACTOR_RESET).exists()


def test_a_postal_code_rule_naming_the_cmaf_breaks_no_search(world):
    """ROB-2: a superuser's rule routing 59 to the CMAF (which has no number) gave a 500 on every search of a
    59xxx postal code that no finer rule covers."""
    from conventions.models import Caf, PostalCodeRule

    PostalCodeRule.objects.create(prefix="59", caf=Caf.objects.get(is_maritime=True))
    session = session_with("T5900001", PASSWORD)
    response = session.post(reverse("allocataires:search"), {"number": "5950001", "postal_code": "59999", **PURPOSE})
    assert response.status_code < 500


def test_a_departement_code_is_written_as_insee_writes_it():
    """ROB-2: a free-text département code (« 9é ») became part of a gestionnaire's identifier and answered 400."""
    from django.core.exceptions import ValidationError

    from conventions.models import Departement

    with pytest.raises(ValidationError):
        Departement(code="9é", name="Essai").full_clean()
    Departement(code="2A", name="Corse-du-Sud").clean_fields(exclude=["name"])


def test_the_greffier_is_told_which_cafs_wait_to_confirm_the_new_credentials(world, lille):
    """ROLE-7, BO-9: after Lille's letter, T5900001's home and search name the CAFs that have not confirmed yet
    (Roubaix: « attend qu'elle confirme vos nouveaux identifiants »), instead of dropping them silently."""
    password = letter_password(act(lille, "habilitation", "reset_password", [world["habilitations"][LILLE]]))
    session = session_with("T5900001", password)
    home = " ".join(session.get(reverse("allocataires:home")).content.decode().split())
    assert "Votre accès à la Caf de Roubaix attend qu'elle confirme vos nouveaux identifiants" in home
    dossier = world["dossiers"][ROUBAIX]
    response = session.post(
        reverse("allocataires:search"), {"number": dossier.number, "postal_code": dossier.postal_code, **PURPOSE}
    )
    assert "attend qu'elle confirme vos nouveaux identifiants" in " ".join(response.content.decode().split())
