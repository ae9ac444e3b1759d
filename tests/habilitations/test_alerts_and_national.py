"""CONV-2 alerts (the daily command) and ROLE-4 (the national overview with its CSV export)."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from conventions.models import Baj, Caf, Convention
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db


def alerts(*args):
    """The two daily commands: conventions, then unused habilitations."""
    out = StringIO()
    call_command("conventions_alerts", *args, stdout=out)
    call_command("habilitations_alerts", *args, stdout=out)
    return out.getvalue()


def test_alerts_list_deadlines_notice_limits_and_unused_habilitations():
    convention = ConventionFactory(
        number="000001/2025", starts_on=dt.date(2025, 1, 1), first_period_ends_on=dt.date(2025, 12, 31)
    )
    HabilitationFactory(
        user=UserFactory(identifier="T1001161", last_name="Martin", first_name="Claire"), convention=convention
    )
    with time_machine.travel(dt.datetime(2026, 9, 15, 8, tzinfo=dt.UTC)):
        out = alerts("--days", "60")
    assert "Caf de la Charente (161)" in out
    assert (
        "convention 000001/2025" in out
        and "échéance le 31/12/2026" in out
        and "préavis de dénonciation le 31/10/2026" in out
    )
    assert "habilitation T1001161 (Claire Martin) : jamais connectée" in out
    with time_machine.travel(dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)):
        out = alerts("--days", "60", "--caf", "161")
    assert "convention 000001/2025" not in out, "the notice limit (31/10) is more than 60 days away"


def test_alerts_with_nothing_to_say_and_bad_input():
    assert "Rien à signaler" in alerts("--days", "5")
    with pytest.raises(CommandError, match="Caf inconnue"):
        alerts("--caf", "999")


def test_the_national_overview_is_for_the_ministry_only(client):
    ConventionFactory(number="000042/2025")
    paris = Baj.objects.get(city="Paris", juridiction="conseil_etat")
    ConventionFactory(number="000043/2025", caf=Caf.objects.get(number="751"), baj=paris)
    url = reverse("conventions:national_overview")
    assert client.get(url)["Location"].startswith(reverse("habilitations:login"))
    greffier = HabilitationFactory().user
    log_in(client, greffier)
    assert client.get(url).status_code == 403
    client.post(reverse("habilitations:logout"))
    ministry = UserFactory(identifier="SADJPV01", staff=True)
    ministry.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    log_in(client, ministry)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "000042/2025" in html and "000043/2025" in html and "Conseil d&#x27;État" in html
    export = client.get(url, {"format": "csv"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0].startswith("\ufeffdépartement;juridiction (BAJ);Caf"), "UTF-8 with its BOM, for Excel"
    assert len(lines) == 1 + Convention.objects.count() and any("000043/2025" in line for line in lines)
