"""AUD-4: no exported cell starts like a formula (= + - @ tab CR): what a visitor types as an identifier or sends
as a user agent reaches the officer's spreadsheet as text (OWASP, CSV injection)."""

import pytest
from django.urls import reverse

from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole
from core.exports import neutralized
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
    assert not [cell for cell in cells if cell.lstrip('"').startswith(("=", "+", "-", "@"))]
