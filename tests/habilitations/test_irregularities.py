"""JRN-4: each irregularity rule, with a positive and a negative case."""

import datetime as dt

import pytest
import time_machine

from habilitations.irregularities import easter, find, outside_working_hours, public_holidays
from journal.enums import JournalEvent
from journal.models import JournalEntry
from journal.services import journal_record
from tests.habilitations.factories import UserFactory

pytestmark = pytest.mark.django_db
PARIS = dt.timezone(dt.timedelta(hours=1))  # November: UTC+1
DAY = dt.date(2026, 11, 17)  # a Tuesday


def at(day, hour, minute=0):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS), tick=False)


def write(event, day=DAY, hour=10, minute=0, **kwargs):
    with at(day, hour, minute):
        return journal_record(event=event, **kwargs)


class Request:
    def __init__(self, ip):
        self.META = {"REMOTE_ADDR": ip, "HTTP_USER_AGENT": "test"}


def rules(start=DAY, end=DAY + dt.timedelta(days=1)):
    return {(f.rule, f.subject) for f in find(JournalEntry.objects.all(), start, end)}


def test_calendar():
    assert easter(2026) == dt.date(2026, 4, 5) and easter(2025) == dt.date(2025, 4, 20)
    assert {dt.date(2026, 4, 6), dt.date(2026, 5, 14), dt.date(2026, 5, 25), dt.date(2026, 7, 14)} <= public_holidays(
        2026
    )
    assert outside_working_hours(dt.datetime(2026, 11, 17, 21, tzinfo=PARIS))
    assert not outside_working_hours(dt.datetime(2026, 11, 17, 10, tzinfo=PARIS))
    assert outside_working_hours(dt.datetime(2026, 11, 11, 10, tzinfo=PARIS)), "Armistice"
    assert outside_working_hours(dt.datetime(2026, 11, 21, 10, tzinfo=PARIS)), "Saturday"


def test_failures_per_identifier():
    for i in range(5):
        write(JournalEvent.LOGIN_FAILURE, identifier="T1001161", minute=i)
    for i in range(4):
        write(JournalEvent.LOGIN_FAILURE, identifier="T1001162", minute=i)
    found = rules()
    assert ("failures_per_identifier", "T1001161") in found
    assert ("failures_per_identifier", "T1001162") not in found


def test_failures_per_address_and_unknown_identifiers():
    for i in range(10):
        write(JournalEvent.LOGIN_FAILURE, identifier=f"Z{i:07d}", request=Request("203.0.113.7"), minute=i)
    for i in range(2):
        write(JournalEvent.LOGIN_FAILURE, identifier=f"Y{i:07d}", request=Request("198.51.100.1"), minute=i)
    found = rules()
    assert ("failures_per_address", "203.0.113.7") in found and ("unknown_identifiers", "203.0.113.7") in found
    assert ("failures_per_address", "198.51.100.1") not in found and (
        "unknown_identifiers",
        "198.51.100.1",
    ) not in found


def test_off_hours_consultations():
    night, day = UserFactory(identifier="T0000001"), UserFactory(identifier="T0000002")
    write(JournalEvent.CONSULTATION, user=night, hour=22, allocataire_number="1000001")
    write(JournalEvent.CONSULTATION, user=day, hour=10, allocataire_number="1000002")
    found = rules()
    assert ("off_hours", "T0000001") in found and ("off_hours", "T0000002") not in found


def test_volume_far_above_usual():
    heavy, usual, peer = (UserFactory(identifier=i) for i in ("T0000001", "T0000002", "T0000003"))
    for past in range(1, 31):
        day = DAY - dt.timedelta(days=past)
        for user in (heavy, usual):
            write(JournalEvent.CONSULTATION, day=day, user=user, allocataire_number="1000001")
    for i in range(40):
        write(JournalEvent.CONSULTATION, user=heavy, hour=9 + i // 10, minute=i % 10 * 5, allocataire_number="1000001")
    for i in range(3):
        write(JournalEvent.CONSULTATION, user=usual, minute=i, allocataire_number="1000001")
        write(JournalEvent.CONSULTATION, user=peer, minute=i, allocataire_number="1000001")
    found = rules()
    assert ("volume", "T0000001") in found
    assert ("volume", "T0000002") not in found and ("volume", "T0000003") not in found


def test_many_distinct_dossiers_in_an_hour():
    fast, slow = UserFactory(identifier="T0000001"), UserFactory(identifier="T0000002")
    for i in range(20):
        write(JournalEvent.CONSULTATION, user=fast, hour=9, minute=i * 2, allocataire_number=f"{1000000 + i}")
        write(
            JournalEvent.CONSULTATION,
            user=slow,
            hour=9 + i // 3,
            minute=i % 3 * 20,
            allocataire_number=f"{1000000 + i}",
        )
    repeat = UserFactory(identifier="T0000003")  # one dossier, consulted 30 times in half an hour
    for i in range(30):
        write(JournalEvent.CONSULTATION, user=repeat, hour=14, minute=i, allocataire_number="1000001")
    found = {(f.rule, f.subject): f.count for f in find(JournalEntry.objects.all(), DAY, DAY + dt.timedelta(days=1))}
    assert found[("many_dossiers", "T0000001")] == 20
    assert ("many_dossiers", "T0000002") not in found and ("many_dossiers", "T0000003") not in found


def test_refused_consultations():
    prober, clumsy = UserFactory(identifier="T0000001"), UserFactory(identifier="T0000002")
    for i in range(3):
        write(JournalEvent.CONSULTATION_REFUSED, user=prober, minute=i, allocataire_number=f"{1700000 + i}")
    write(JournalEvent.CONSULTATION_REFUSED, user=clumsy, allocataire_number="1234567")
    found = rules()
    assert ("refused", "T0000001") in found and ("refused", "T0000002") not in found


def test_access_from_a_new_address():
    user = UserFactory(identifier="T0000001")
    write(JournalEvent.LOGIN_SUCCESS, day=DAY - dt.timedelta(days=10), user=user, request=Request("192.0.2.10"))
    write(JournalEvent.LOGIN_SUCCESS, user=user, request=Request("192.0.2.10"))
    assert ("new_address", "T0000001") not in rules()
    write(JournalEvent.LOGIN_SUCCESS, user=user, hour=11, request=Request("203.0.113.99"))
    assert ("new_address", "T0000001") in rules()


def test_findings_link_to_their_journal_lines():
    for i in range(5):
        write(JournalEvent.LOGIN_FAILURE, identifier="T1001161", minute=i)
    finding = next(f for f in find(JournalEntry.objects.all(), DAY, DAY + dt.timedelta(days=1)))
    assert finding.filters == {"du": "2026-11-17", "au": "2026-11-17", "identifiant": "T1001161"}


@pytest.mark.parametrize("users", [2, 6])
def test_the_report_makes_as_many_queries_whatever_the_number_of_users(users, django_assert_num_queries):
    """NF-4: the report of a large CAF reads its journal in a fixed number of queries (no query per user)."""
    for index in range(users):
        user = UserFactory(identifier=f"T00000{index:02d}")
        write(JournalEvent.LOGIN_SUCCESS, day=DAY - dt.timedelta(days=10), user=user, request=Request("192.0.2.10"))
        write(JournalEvent.CONSULTATION, day=DAY - dt.timedelta(days=3), user=user, allocataire_number="1000001")
        write(JournalEvent.LOGIN_SUCCESS, user=user, request=Request("203.0.113.99"))
        write(JournalEvent.CONSULTATION, user=user, allocataire_number="1000001")
    with django_assert_num_queries(10):  # 8, and one per legal-aid file rule (PUR-3)
        found = rules()
    assert {subject for rule, subject in found if rule == "new_address"} == {
        f"T00000{index:02d}" for index in range(users)
    }


def test_one_legal_aid_file_for_many_allocataires():
    """PUR-3: more than 5 distinct allocataires consulted for one legal-aid file in a day."""
    user = UserFactory(identifier="T1001161")
    for i in range(6):
        write(
            JournalEvent.CONSULTATION, user=user, allocataire_number=f"100000{i}", legal_aid_file="2026/77", minute=i
        )
    for i in range(5):
        write(
            JournalEvent.CONSULTATION, user=user, allocataire_number=f"200000{i}", legal_aid_file="2026/78", minute=i
        )
    found = rules()
    assert ("file_many_dossiers", "2026/77") in found
    assert ("file_many_dossiers", "2026/78") not in found


def test_many_legal_aid_files_for_one_allocataire():
    """PUR-3: more than 3 distinct legal-aid files stated for one allocataire in a day."""
    user = UserFactory(identifier="T1001161")
    for i in range(4):
        write(JournalEvent.CONSULTATION, user=user, allocataire_number="1000001", legal_aid_file=f"2026/{i}", minute=i)
    for i in range(3):
        write(JournalEvent.CONSULTATION, user=user, allocataire_number="1000002", legal_aid_file=f"2026/{i}", minute=i)
    write(
        JournalEvent.CONSULTATION,
        user=user,
        allocataire_number="1000002",
        legal_aid_file="2026/9",
        day=DAY - dt.timedelta(days=1),
    )
    found = rules(DAY - dt.timedelta(days=1))
    assert ("dossier_many_files", "1000001") in found
    assert ("dossier_many_files", "1000002") not in found, "the fourth file was stated the day before"
