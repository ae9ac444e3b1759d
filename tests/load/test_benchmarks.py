"""NF-3: the benchmark of where a consultation's CPU goes (`bench/page_cost.py`) runs on the test database, and
the replay of the rubrique's statements is rolled back: the journal still verifies."""

import re
import subprocess
import sys

import pytest
from django.db import connection

from journal.enums import JournalEvent
from journal.integrity import anchor, verify
from journal.models import JournalEntry
from tests.kit import ROOT, database_url

pytestmark = [pytest.mark.postgres, pytest.mark.argon2, pytest.mark.django_db(transaction=True)]


def test_page_cost_reports_each_part_of_the_rubrique_beside_the_floor(reference_data):
    result = subprocess.run(
        [sys.executable, "bench/page_cost.py", "--database", database_url(connection.settings_dict)]
        + ["--requests", "3", "--rounds", "1", "--dossiers", "100"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    queries = {  # label: the queries of each page measured (floor, home, rubrique; blank where not measured)
        line[:62].strip(): [int(q) for q in re.findall(r"[\d.]+ ms +(\d+) q", line)]
        for line in result.stdout.splitlines()
        if " ms " in line
    }
    assert queries["access check (habilitation, convention, CAFs — HAB-2, CONS-5)"] == [0, 0]  # kept in the session
    assert queries["journal line: one insert (JRN-2, JRN-7)"] == [1]
    assert queries["whole request"] == [3, 3, 7]
    assert queries["the rubrique's view statements alone, through the driver"] == [4]
    assert float(re.search(r"rubrique Paiements / floor CPU: ([\d.]+)", result.stdout)[1]) > 1
    # 23 requests of the rubrique (20 warm-up ones): one consultation line each.
    consultations = JournalEntry.objects.filter(event=JournalEvent.CONSULTATION)
    assert consultations.count() == 23
    assert set(consultations.values_list("rubrique", "period")) == {("paiements", consultations.first().period)}
    anchor()
    assert verify().ok
