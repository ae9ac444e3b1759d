"""JRN-3, JRN-4, ROLE-2: the security officer's journal, report and surveillance — scoped to their CAF."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conventions.enums import CafRoleKind, JuridictionKind
from conventions.models import Baj, Caf, CafRole
from habilitations.models import Surveillance, journal_visible_to_officer
from habilitations.services import surveillance_lift, surveillance_start
from journal.enums import JournalEvent
from journal.models import JournalEntry
from journal.services import journal_record
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, caf_staff_logged_in, log_in

pytestmark = pytest.mark.django_db
JOURNAL = reverse("habilitations:officer_journal")
REPORT = reverse("habilitations:officer_report")
SURVEILLANCE = reverse("habilitations:officer_surveillances")


@pytest.fixture
def world():
    """A greffier of the CAF 161 and one of the CAF 171, each with a consultation and a failed login."""
    ours = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    saintes = ConventionFactory(
        caf=Caf.objects.get(number="171"), baj=Baj.objects.get(city="Saintes", juridiction=JuridictionKind.TGI)
    )
    theirs = HabilitationFactory(user=UserFactory(identifier="T1711711"), convention=saintes).user
    for user, caf in ((ours, "161"), (theirs, "171")):
        journal_record(event=JournalEvent.LOGIN_FAILURE, user=user)
        journal_record(
            event=JournalEvent.CONSULTATION,
            user=user,
            caf=Caf.objects.get(number=caf),
            allocataire_number=f"{caf}0000",
            rubrique="famille",
        )
    journal_record(event=JournalEvent.LOGIN_FAILURE, identifier="ZZZZZZZZ")  # an unknown identifier
    return ours, theirs


@pytest.fixture
def officer(client):
    return caf_staff_logged_in(client, "RSSI1610", CafRoleKind.SECURITY_OFFICER)


def identifiers(response):
    return {row.identifier_typed for row in response.context["rows"]}


def test_the_officer_lands_on_the_journal_and_sees_only_their_caf(client, world, officer):
    response = client.get(JOURNAL)
    assert response.status_code == 200
    seen = identifiers(response)
    assert "T1001161" in seen
    assert "T1711711" not in seen
    assert "ZZZZZZZZ" not in seen, "AUD-2: an unknown identifier's typed text is not a CAF's to see"
    assert not [row for row in response.context["rows"] if row.caf and row.caf.number == "171"]


def test_the_login_sends_the_officer_to_the_journal(world):
    officer = UserFactory(identifier="RSSI1611", staff=True)
    CafRole.objects.create(user=officer, caf=Caf.objects.get(number="161"), kind=CafRoleKind.SECURITY_OFFICER)
    response = Client().post("/", {"identifier": "RSSI1611", "password": "Un-mot-de-passe-long-9"})
    assert response["Location"] == JOURNAL


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"utilisateur": "t1001161"}, {"T1001161"}),
        ({"identifiant": "ZZZZZZZZ"}, set()),  # AUD-2: counted per address in the report, never shown
        ({"evenement": JournalEvent.CONSULTATION}, {"T1001161"}),
        ({"allocataire": "1610000"}, {"T1001161"}),
        ({"utilisateur": "T1711711"}, set()),  # another CAF's user: nothing, not even by filter
    ],
)
def test_filters(client, world, officer, params, expected):
    response = client.get(JOURNAL, params)
    seen = identifiers(response) - {"RSSI1610"}
    assert seen == expected


def test_date_filters_and_bad_input(client, world, officer):
    today = dt.date.today()
    assert identifiers(client.get(JOURNAL, {"du": today.isoformat(), "au": today.isoformat()}))
    assert not client.get(JOURNAL, {"au": (today - dt.timedelta(days=2)).isoformat()}).context["rows"]
    bad = client.get(JOURNAL, {"du": "2026-13-45", "adresse": "pas une adresse"})
    assert bad.status_code == 200 and bad.context["form"].errors
    inverted = client.get(JOURNAL, {"du": today.isoformat(), "au": (today - dt.timedelta(days=1)).isoformat()})
    html = inverted.content.decode()
    assert "La date de fin doit suivre la date de début." in html
    assert 'aria-describedby="id_au-error" aria-invalid="true"' in html or (
        'aria-invalid="true"' in html and 'aria-describedby="id_au-error"' in html
    ), "NF-2: the error is tied to its field"


def test_keyset_pagination_without_count(client, officer, django_assert_max_num_queries):
    for _ in range(120):
        journal_record(event=JournalEvent.LOGIN_FAILURE, identifier="T1001161", user=officer)
    first = client.get(JOURNAL)
    assert len(first.context["rows"]) == 50 and first.context["next_url"]
    with django_assert_max_num_queries(16) as captured:  # docs/performance.md
        second = client.get(JOURNAL + first.context["next_url"])
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert second.context["rows"][0].pk < first.context["rows"][-1].pk


def test_csv_export_is_streamed_scoped_and_journaled(client, world, officer):
    response = client.get(JOURNAL, {"format": "csv"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode()
    assert "T1001161" in content and "T1711711" not in content
    assert JournalEntry.objects.filter(event=JournalEvent.JOURNAL_EXPORTED, user=officer).exists()


def test_the_officers_own_consultations_are_journaled(client, world, officer):
    client.get(JOURNAL, {"utilisateur": "T1001161"})
    client.get(REPORT)
    viewed = JournalEntry.objects.get(event=JournalEvent.JOURNAL_VIEWED, user=officer)
    assert "utilisateur=T1001161" in viewed.detail and viewed.caf is None
    assert journal_visible_to_officer(officer).filter(pk=viewed.pk).exists(), "AUD-2: seen by its CAF"
    assert JournalEntry.objects.filter(event=JournalEvent.REPORT_VIEWED, user=officer).exists()


def test_the_report_is_scoped_to_the_caf(client, world, officer):
    for _ in range(5):
        journal_record(event=JournalEvent.LOGIN_FAILURE, user=world[1])
        journal_record(event=JournalEvent.LOGIN_FAILURE, user=world[0])
    response = client.get(REPORT)
    subjects = {finding.subject for _, findings in response.context["grouped"] for finding, _, _ in findings}
    assert "T1001161" in subjects and "T1711711" not in subjects


def test_surveillance_lifecycle(client, world, officer):
    ours, theirs = world
    assert client.post(SURVEILLANCE, {"identifier": "T1711711", "reason": "x"}).status_code == 200
    assert not Surveillance.objects.exists(), "not a user of the officer's CAF"
    started = client.post(
        SURVEILLANCE, {"identifier": "t1001161", "reason": "Consultations nocturnes répétées"}, follow=True
    )
    assert "T1001161 mis sous surveillance" in " ".join(str(m) for m in started.context["messages"])
    surveillance = Surveillance.objects.get()
    assert (surveillance.user, surveillance.started_by, surveillance.caf.number) == (ours, officer, "161")
    assert JournalEntry.objects.filter(event=JournalEvent.SURVEILLANCE_STARTED, detail__startswith="T1001161").exists()
    journal = client.get(JOURNAL)
    assert ours.pk in journal.context["watched"] and "sous surveillance" in journal.content.decode()
    lift = reverse("habilitations:officer_surveillance_lift", args=[surveillance.pk])
    listing = client.post(lift, {"reason": "Explication obtenue de la juridiction"}, follow=True)
    surveillance.refresh_from_db()
    assert surveillance.lifted_by == officer
    assert JournalEntry.objects.filter(event=JournalEvent.SURVEILLANCE_LIFTED).exists()
    assert "Surveillance de T1001161 levée." in [str(m) for m in listing.context["messages"]]
    again = client.post(lift, {"reason": "x"}, follow=True)  # a second click: told, not a 404, nothing journaled
    assert again.status_code == 200
    assert [str(m) for m in again.context["messages"]][0].startswith("La surveillance de T1001161 était déjà levée")
    assert JournalEntry.objects.filter(event=JournalEvent.SURVEILLANCE_LIFTED).count() == 1


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_lifting_a_surveillance_without_a_reason_does_nothing(client, world, officer, reason):
    """JRN-4, BO-6: a surveillance is set with a reason, and lifted with one too — « Lever la surveillance » asked
    none. Without one, nothing is done (still watched, nothing journaled) and the page says what is missing."""
    surveillance_start(user=world[0], caf=Caf.objects.get(number="161"), reason="Consultations de nuit", by=officer)
    surveillance = Surveillance.objects.get()
    lift = reverse("habilitations:officer_surveillance_lift", args=[surveillance.pk])

    response = client.post(lift, {} if reason is None else {"reason": reason}, follow=True)

    surveillance.refresh_from_db()
    assert surveillance.lifted_at is None and surveillance.lifted_by is None
    assert not JournalEntry.objects.filter(event=JournalEvent.SURVEILLANCE_LIFTED).exists()
    assert [str(m) for m in response.context["messages"]] == [
        "Indiquez le motif de la levée de la surveillance de T1001161 : rien n'a été fait."
    ]
    with pytest.raises(ValidationError, match="motif de la levée"):
        surveillance_lift(surveillance=surveillance, reason=" ", by=officer)
    assert Surveillance.objects.get().lifted_at is None


def test_the_reason_of_a_lifting_is_kept_journaled_and_shown(client, world, officer):
    """JRN-4, BO-6, AUD-1: the reason typed in « Motif de la levée … » is stored, in the journal line's detail, and
    shown beside the lifting on the page."""
    surveillance_start(user=world[0], caf=Caf.objects.get(number="161"), reason="Consultations de nuit", by=officer)
    surveillance = Surveillance.objects.get()
    page = client.get(SURVEILLANCE).content.decode()
    assert (
        f'<label for="lift-reason-{surveillance.pk}">Motif de la levée de la surveillance de T1001161</label>' in page
    )
    assert re.search(rf'id="lift-reason-{surveillance.pk}"[^>]*\srequired\s', page), "required, by the browser too"

    lift = reverse("habilitations:officer_surveillance_lift", args=[surveillance.pk])
    listing = client.post(lift, {"reason": "  Explication obtenue de la juridiction "}, follow=True)

    surveillance.refresh_from_db()
    assert surveillance.lifted_by == officer and surveillance.lift_reason == "Explication obtenue de la juridiction"
    line = JournalEntry.objects.get(event=JournalEvent.SURVEILLANCE_LIFTED)
    assert line.detail == "T1001161 : Explication obtenue de la juridiction"
    assert "motif : Explication obtenue de la juridiction" in listing.content.decode()
    assert f'id="lift-reason-{surveillance.pk}"' not in listing.content.decode(), "nothing left to lift"


def test_only_security_officers_reach_these_pages(client, world):
    log_in(client, world[0])
    for url in (JOURNAL, REPORT, SURVEILLANCE):
        assert client.get(url).status_code == 403
    admin = UserFactory(identifier="CAF16101", staff=True)
    CafRole.objects.create(user=admin, caf=Caf.objects.get(number="161"), kind=CafRoleKind.ADMINISTRATOR)
    other = Client()
    log_in(other, admin)
    assert other.get(JOURNAL).status_code == 403
    assert Client().get(JOURNAL)["Location"] == reverse("habilitations:session_expired")


@pytest.mark.parametrize(
    "roles, national, administration",
    [
        ([CafRoleKind.SECURITY_OFFICER], False, True),  # the Dialogue messages of their CAF
        ([CafRoleKind.SECURITY_OFFICER, CafRoleKind.ADMINISTRATOR], False, True),
        ([], True, False),  # the national security officer (CNAFSEC1): nothing of the administration
    ],
)
def test_the_officers_menu_links_only_pages_the_officer_may_open(client, world, roles, national, administration):
    """ROLE-2, ROLE-6 (#24): each link of the menu leads to a page the officer opens — the administration only when
    it shows them something (not Django's « no permission » page)."""
    from django.contrib.auth.models import Permission

    user = UserFactory(identifier="CNAFSEC1" if national else "RSSI1612", staff=True)
    CafRole.objects.bulk_create([CafRole(user=user, caf=Caf.objects.get(number="161"), kind=kind) for kind in roles])
    if national:
        user.user_permissions.add(Permission.objects.get(codename="view_national_journal"))
    log_in(client, user)
    page = client.get(JOURNAL).content.decode()
    menu = page[page.index('<nav class="menu"') : page.index("</nav>")]
    links = re.findall(r"<a href=\"(/[^\"]*)\"", menu)
    assert ("/admin/" in links) is administration
    for href in links:
        response = client.get(href)
        assert response.status_code == 200, href
        if href == "/admin/":
            assert response.context["app_list"], "the administration's « no permission » page"


def test_a_surveillance_is_lifted_once_even_from_a_stale_reading(client, world, officer):
    """JRN-4, AUD-1: two officers (or two clicks) lifting the same surveillance at once both read it unlifted: the
    second lifting overwrote the first one's author and reason and wrote a second journal line. The service lifts
    it once; the second is refused, and the first lifting is kept."""
    surveillance_start(user=world[0], caf=Caf.objects.get(number="161"), reason="Consultations de nuit", by=officer)
    first, stale = Surveillance.objects.get(), Surveillance.objects.get()
    surveillance_lift(surveillance=first, reason="Explication obtenue", by=officer)
    other = UserFactory(identifier="RSSI1613", staff=True)

    with pytest.raises(ValidationError, match="déjà levée"):
        surveillance_lift(surveillance=stale, reason="Autre motif", by=other)

    kept = Surveillance.objects.get()
    assert kept.lifted_by == officer and kept.lift_reason == "Explication obtenue"
    assert JournalEntry.objects.filter(event=JournalEvent.SURVEILLANCE_LIFTED).count() == 1
