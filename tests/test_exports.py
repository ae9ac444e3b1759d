"""AUD-4: no exported cell starts like a formula (= + - @ tab CR): what a visitor types as an identifier or sends
as a user agent reaches the officer's spreadsheet as text (OWASP, CSV injection)."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole
from core.exports import as_text, neutralized
from journal.enums import JournalEvent
from journal.services import journal_record
from tests.habilitations.factories import UserFactory, log_in

pytestmark = pytest.mark.django_db
HOSTILE = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\tX", "\rY"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_starting_like_a_formula_is_neutralized(value):
    assert neutralized(value) == "'" + value
    assert neutralized("2026/001") == "2026/001" and neutralized(None) == "" and neutralized(42) == "42"


def test_the_officers_csv_carries_no_formula(client):
    for value in HOSTILE[:3]:
        client.post("/", {"identifier": value, "password": "x"}, HTTP_USER_AGENT='=HYPERLINK("http://x")')
    officer = UserFactory(identifier="CAF16101", staff=True)
    CafRole.objects.create(user=officer, caf=Caf.objects.get(number="161"), kind=CafRoleKind.SECURITY_OFFICER)
    officer.is_superuser = True  # the whole journal, the unknown identifiers' lines included
    officer.save()
    log_in(client, officer)
    response = client.get(reverse("habilitations:officer_journal"), {"format": "csv"})
    content = b"".join(response.streaming_content).decode()
    cells = [cell for line in content.splitlines()[1:] for cell in line.split(";")]
    assert any("CMD|" in cell.upper() for cell in cells), "the hostile lines are exported"
    formulas = [cell for cell in cells if cell.lstrip('"').startswith(("=", "+", "-", "@"))]
    assert not [cell for cell in formulas if not re.fullmatch(r'"=""\d+"""', cell)], "only ours: digits kept as text"


def test_an_identifier_of_digits_keeps_its_leading_zeros_and_nothing_typed_becomes_a_formula():
    """#18 §3: « 03 », « 031 » and « 0123456 » reach Excel as text; a value with anything but digits is only
    neutralized, so that no cell a user typed is a formula."""
    assert [as_text(value) for value in ("03", "031", "0123456", "161")] == ['="03"', '="031"', '="0123456"', '="161"']
    assert as_text("=1+2") == "'=1+2" and as_text("2026/001") == "2026/001" and as_text("") == ""


def test_the_officers_csv_reads_as_the_screen_does(client):
    """#18 §3: local time to the second, French names of rubriques and periods, identifiers as text, the BOM."""
    officer = UserFactory(identifier="CAF16101", staff=True)
    caf = Caf.objects.get(number="161")
    CafRole.objects.create(user=officer, caf=caf, kind=CafRoleKind.SECURITY_OFFICER)
    at = dt.datetime(2026, 7, 14, 21, 30, 5, 123456, tzinfo=dt.UTC)  # 23:30:05 in Paris, summer time
    with time_machine.travel(at, tick=False):
        journal_record(
            event=JournalEvent.CONSULTATION,
            caf=caf,
            allocataire_number="0123456",
            rubrique="paiements",
            period="03/2025-02/2026 (12 mois, demande du 15/03/2026)",
        )
    log_in(client, officer)
    content = b"".join(client.get(reverse("habilitations:officer_journal"), {"format": "csv"}).streaming_content)
    lines = content.decode().splitlines()
    assert lines[0].startswith("\ufeffdate et heure (heure de Paris);")
    line = next(line for line in lines if "0123456" in line)
    assert line.startswith("14/07/2026 23:30:05;"), line
    assert ';"=""161""";"=""0123456""";Paiements;03/2025-02/2026 (12 mois, demande du 15/03/2026);' in line, line


def test_times_are_shown_in_paris_time_everywhere():
    """#17 §1, #18 §3: a history row or a journal line shown as text says the local time, as the pages do."""
    from conventions.models import ConventionHistory
    from journal.models import JournalEntry
    from tests.conventions.factories import ConventionFactory

    at = dt.datetime(2026, 11, 28, 13, 55, tzinfo=dt.UTC)  # 14:55 in Paris, winter time
    with time_machine.travel(at, tick=False):
        journal_record(event=JournalEvent.LOGIN_FAILURE, identifier="ZZZZZZZZ")
        history = ConventionHistory(convention=ConventionFactory(), action="signature")
    assert str(JournalEntry.objects.get()).startswith("28/11/2026 14:55:00")
    assert str(history).startswith("28/11/2026 14:55")
