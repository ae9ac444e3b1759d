"""CONV-2 (#24 §7): a notice limit already passed is never shown as upcoming; a denounced convention still running
keeps its « Résilier » button (article 5)."""

import datetime as dt
import html
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from conventions.enums import CafRoleKind, ConventionEnd
from conventions.models import Convention
from conventions.services import convention_denounce, convention_terminate
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import caf_staff_logged_in

pytestmark = pytest.mark.django_db

NOVEMBER = dt.datetime(2026, 11, 15, 8, tzinfo=dt.UTC)  # the 31/10/2026 limit for the 31/12/2026 deadline passed


def test_the_next_notice_limit_is_the_one_still_ahead():
    convention = ConventionFactory(starts_on=dt.date(2025, 1, 1), first_period_ends_on=dt.date(2025, 12, 31))
    assert convention.next_notice_limit(dt.date(2026, 9, 15)) == dt.date(2026, 10, 31)
    assert convention.next_notice_limit(dt.date(2026, 10, 31)) == dt.date(2026, 10, 31), "its last day still counts"
    assert convention.next_notice_limit(dt.date(2026, 11, 15)) == dt.date(2027, 10, 31)


def test_the_alert_and_the_admin_list_show_no_passed_limit(client):
    ConventionFactory(number="000001/2025", starts_on=dt.date(2025, 1, 1), first_period_ends_on=dt.date(2025, 12, 31))
    with time_machine.travel(NOVEMBER):
        out = StringIO()
        call_command("conventions_alerts", "--days", "60", stdout=out)
        line = next(line for line in out.getvalue().splitlines() if "000001/2025" in line)
        assert "échéance le 31/12/2026 (préavis dépassé : reconduction tacite)" in line
        assert "limite de préavis de dénonciation le 31/10/2027" in line and "31/10/2026" not in line
        caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
        listing = client.get(reverse("admin:conventions_convention_changelist")).content.decode()
        assert "31/10/2027" in listing or "31 octobre 2027" in listing
        assert "31/10/2026" not in listing and "31 octobre 2026" not in listing


def test_a_denounced_convention_still_running_can_be_terminated(client):
    convention = ConventionFactory(starts_on=dt.date(2025, 1, 1), first_period_ends_on=dt.date(2025, 12, 31))
    with time_machine.travel(dt.datetime(2026, 9, 15, 8, tzinfo=dt.UTC)):
        convention_denounce(convention=convention, by=None)
        caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
        page = client.get(reverse("admin:conventions_convention_change", args=[convention.pk])).content.decode()
        assert "button_terminate" in page and "button_denounce" not in page
        terminate = reverse(
            "admin:conventions_convention_actions", kwargs={"pk": convention.pk, "tool": "button_terminate"}
        )
        client.post(terminate, {"apply": "1", "reason": "Consultations sans dossier d'aide juridictionnelle"})
    convention = Convention.objects.get(pk=convention.pk)
    assert (convention.end_kind, convention.ends_on) == (ConventionEnd.BREACH, dt.date(2026, 9, 15))


def test_a_convention_without_a_next_deadline_says_why(client):
    """CONV-2 (#24 walk: Rochefort showed « Prochaine échéance : - »): a denounced convention shows its last
    deadline, the day it ends; an ended or terminated one says why it has none; the list never shows « - »."""
    running = ConventionFactory(number="000001/2025")
    denounced = ConventionFactory(number="000002/2025")
    terminated = ConventionFactory(number="000003/2025")
    september = dt.date(2026, 9, 15)
    with time_machine.travel(dt.datetime(2026, 9, 15, 8, tzinfo=dt.UTC)):
        convention_denounce(convention=denounced, by=None)
        convention_terminate(convention=terminated, by=None, reason="Codes communiqués à un tiers")
        assert running.deadline_label(september) == "31/12/2026"
        assert denounced.deadline_label(september) == "31/12/2026 (dénoncée : fin de la convention)"
        assert denounced.deadline_label(dt.date(2027, 1, 1)) == (
            "Aucune : terminée à l'échéance du 31/12/2026 (dénonciation)"
        )
        assert terminated.deadline_label(september) == "Aucune : résiliée, fin de l'accès le 15/09/2026"
        assert (denounced.notice_limit_label(september), terminated.notice_limit_label(september)) == (
            "Sans objet : déjà dénoncée",
            "Sans objet : résiliée",
        )
        caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
        listing = client.get(reverse("admin:conventions_convention_changelist")).content.decode()
        for row in re.findall(r"<tr>.*?</tr>", listing, re.S)[1:]:
            assert '<td class="field-next_deadline_display">-</td>' not in row
            assert '<td class="field-notice_limit_display">-</td>' not in row
        assert "31/12/2026 (dénoncée : fin de la convention)" in html.unescape(listing)


def test_a_notice_limit_past_the_next_deadline_says_which_deadline_it_is_for():
    """CONV-2 (#24 walk): on 6 December the list showed « échéance 31/12/2026 » beside « préavis avant le
    31/10/2027 », a riddle; the limit says the deadline it is for when it is not the next one."""
    convention = ConventionFactory()  # deadlines on 31 December, limits on 31 October
    assert convention.notice_limit_label(dt.date(2026, 9, 15)) == "31/10/2026"
    assert convention.notice_limit_label(dt.date(2026, 12, 6)) == "31/10/2027 (pour l'échéance du 31/12/2027)"
