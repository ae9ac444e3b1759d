"""ROB-2 (#22 §5): no value an authorised person saves breaks a page for others — each bug measured on 58f5a7b:
a convention whose first period ends on 31/12/9999 (500 on the national overview, 400 on the conventions list and
the administration's home), a Dialogue link carrying « ² » (500), a profile code typed as free text (500 on the
habilitation requests). Dates are bounded, the profile is a choice, digits are ASCII digits."""

import datetime as dt
import html

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from conventions.enums import CafRoleKind
from conventions.models import Baj, Caf, Convention, Profile
from core.text import ascii_digits
from habilitations.enums import GreffeFunction
from habilitations.models import Habilitation
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, caf_staff_logged_in, log_in
from tests.helpers import open_dossier
from tests.test_privileged_acts import _Form

pytestmark = pytest.mark.django_db
ADD = reverse("admin:conventions_convention_add")


def post_form(client, url, **changes):
    """The administration's form as the agent's browser posts it, with `changes`."""
    parser = _Form()
    parser.feed(client.get(url).content.decode())
    data = {name: values for name, values in parser.data.items() if name != "csrfmiddlewaretoken"}
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, {**data, "_save": ["Enregistrer"]})


def new_convention(**changes):
    return {
        "number": "000077/2026",
        "caf": str(Caf.objects.get(number="161").pk),
        "baj": str(Baj.objects.get(city="Angoulême", juridiction="tgi").pk),
        "starts_on": "01/01/2026",
        "first_period_ends_on": "31/12/2026",
        "caf_signed_on": "01/12/2025",
        "partner_signed_on": "02/12/2025",
        **changes,
    }


@pytest.fixture
def agent(client):
    return caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)


def others(convention):
    """Whoever opens the pages a convention appears on: the Ministry, the CAF's agents, the superuser."""
    national = UserFactory(identifier="SADJPV01", staff=True)
    national.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    colleague = UserFactory(identifier="CAF16102", staff=True)
    colleague.caf_roles.create(caf=Caf.objects.get(number="161"), kind=CafRoleKind.ADMINISTRATOR)
    superuser = UserFactory(identifier="ADMIN001", superuser=True)
    admin_pages = [
        reverse("admin:conventions_convention_changelist"),
        reverse("admin:index"),
        reverse("admin:conventions_convention_change", args=[convention.pk]),
    ]
    return [
        (
            national,
            [reverse("conventions:national_overview"), reverse("conventions:national_overview") + "?format=csv"],
        ),
        (colleague, admin_pages),
        (superuser, admin_pages),
    ]


def assert_pages_open(convention):
    for user, urls in others(convention):
        browser = Client()
        log_in(browser, user)
        for url in urls:
            assert browser.get(url).status_code == 200, (user.identifier, url)


@pytest.mark.parametrize("field", ["first_period_ends_on", "starts_on", "caf_signed_on"])
@pytest.mark.parametrize("value", ["31/12/9999", "01/01/0001", "31/12/2100"])
def test_a_convention_date_out_of_range_is_refused_with_a_message(client, agent, field, value):
    response = post_form(client, ADD, **new_convention(**{field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and ("1900" in str(errors[field]) or "2099" in str(errors[field])), errors
    assert not Convention.objects.filter(number="000077/2026").exists()


def test_the_widest_convention_a_person_may_save_breaks_no_page(client, agent):
    """ROB-2: first period from 01/01/1900 to 31/12/2099 — every page that lists it still opens."""
    response = post_form(client, ADD, **new_convention(starts_on="01/01/1900", first_period_ends_on="31/12/2099"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    convention = Convention.objects.get(number="000077/2026")
    assert convention.first_period_ends_on == dt.date(2099, 12, 31)
    assert_pages_open(convention)


@pytest.mark.parametrize(
    "field, value",
    [
        ("first_period_ends_on", dt.date(9999, 12, 31)),
        ("starts_on", dt.date(1, 1, 1)),
        ("ends_on", dt.date(2100, 1, 1)),
        ("end_notice_on", dt.date(1899, 12, 31)),
    ],
)
def test_the_database_refuses_a_date_out_of_range_whatever_wrote_it(field, value):
    convention = ConventionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.filter(pk=convention.pk).update(**{field: value})


def test_the_database_refuses_a_habilitation_or_designation_date_out_of_range():
    habilitation = HabilitationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Habilitation.objects.filter(pk=habilitation.pk).update(ends_on=dt.date(9999, 12, 31))


def test_the_profile_is_a_choice_among_the_profiles(client, agent):
    """ROB-2: a free-text profile code gave a 500 on every habilitation request under that convention."""
    response = post_form(client, ADD, **new_convention(profile="T99"))
    assert response.status_code == 200 and "profile" in response.context["adminform"].form.errors
    page = html.unescape(client.get(ADD).content.decode())
    assert '<select name="profile"' in page and str(Profile.objects.get(code="T12")) in page
    assert post_form(client, ADD, **new_convention()).status_code == 302
    convention = Convention.objects.get(number="000077/2026")
    assert convention.profile.code == "T12"
    add = reverse("admin:habilitations_habilitation_add")
    data = {"convention": convention.pk, "function": GreffeFunction.GREFFIER, "last_name": "Martin", "first_name": "C"}
    assert client.post(add, data).status_code == 302
    assert Habilitation.objects.get(convention=convention).profile.code == "T12"


@pytest.mark.parametrize("value", ["²", "١٢", "1²", "٣", "12"])
def test_a_dialogue_link_with_other_digits_opens_the_form(client, value):
    """ROB-2: `?dossier=²` gave a 500 (`str.isdigit()` accepts it, `int()` refuses it)."""
    caf = Caf.objects.get(number="161")
    caf.offers_dialogue = True
    caf.save()
    log_in(client, HabilitationFactory(user=UserFactory(identifier="T1001161")).user)
    open_dossier(client, "1234567")
    response = client.get(reverse("allocataires:dialogue", args=[caf.pk]), {"dossier": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value, expected", [("0123", True), ("²", False), ("١٢", False), ("", False), ("1 2", False)])
def test_ascii_digits(value, expected):
    assert ascii_digits(value) is expected


def test_a_phone_number_is_read_in_ascii_digits_only():
    """ROB-2: the contacts' phone filter grouped « ² » and other digits as if they were 0 to 9."""
    from core.templatetags.cafpro import phone

    assert phone("0474456065") == "04 74 45 60 65"
    assert phone("047445606²") == "047445606²"  # nine digits: shown as typed
