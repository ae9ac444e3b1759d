"""AUTH-11: the second factor (TOTP, RFC 6238) of the accounts that can change who reads what — enrolment at the
first login, the code on every later login, wrong codes toward the AUTH-3 lockout, single-use recovery codes, the
reset of a lost factor, the greffiers' login unchanged unless their CAF requires it; every act journaled."""

import base64
import datetime as dt
import re
import uuid

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole
from habilitations import irregularities
from habilitations.middleware import SECOND_FACTOR_ALLOWED
from journal.enums import JournalEvent
from journal.models import JournalEntry
from tests.habilitations.factories import (
    STAFF_PASSWORD,
    HabilitationFactory,
    UserFactory,
    caf_staff_logged_in,
    log_in,
    pass_second_factor,
    totp_code,
)

pytestmark = pytest.mark.django_db

CODE_PAGE = "/double-authentification/"
ENROL_PAGE = "/double-authentification/activation/"
RESET_PAGE = "/double-authentification/reinitialisation/"


def password_only(client, user, password=STAFF_PASSWORD):
    """The login page alone: the password is right, the second factor not given yet."""
    response = client.post("/", {"identifier": user.identifier, "password": password})
    assert response.status_code == 302 and response["Location"] != "/acces-bloque/"
    return response


def enrolled(identifier, **traits):
    """A staff account whose second factor is enrolled (through the pages, as its owner did once)."""
    user = UserFactory(identifier=identifier, staff=True, **traits)
    client = Client()
    log_in(client, user)
    client.post("/fermer-la-session/")
    return user


def events(user, event):
    return JournalEntry.objects.filter(user=user, event=event)


def wrong_code(device):
    return f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"


def _walk(patterns, prefix=""):
    """Every path of the portal outside the administration, its parameters filled with placeholder values."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin/"):
                yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and not route.startswith(("admin/", "^")):
            path = re.sub(r"<int:\w+>", "1", route)
            path = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), path)
            path = re.sub(r"<(?:slug|str|path):\w+>", "x", path)
            yield "/" + path


def guarded_urls():
    """AUTH-11: every URL but the few a waiting session may reach (SECOND_FACTOR_ALLOWED, the password change
    before the first enrolment): the whole administration (every registered model's list, form, object) and every
    page of the portal — officer, national, partner, consultation."""
    allowed = {reverse(name) for name in SECOND_FACTOR_ALLOWED} | {reverse("habilitations:password_change")}
    urls = {"/admin/"}
    for model in admin.site._registry:
        label = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls |= {reverse(f"{label}_changelist"), reverse(f"{label}_add"), reverse(f"{label}_change", args=[1])}
    urls |= set(_walk(get_resolver().url_patterns))
    return sorted(urls - allowed - {"/"})


def test_the_guarded_urls_cover_every_area():
    urls = guarded_urls()
    for expected in [
        "/admin/habilitations/habilitation/",
        "/admin/conventions/convention/",
        "/admin/habilitations/user/",
        "/responsable-securite/journal/",
        "/suivi-national/",
        "/juridiction/",
        "/accueil/",
        RESET_PAGE,
    ]:
        assert expected in urls, expected


def test_no_page_opens_before_the_second_factor(client):
    """A superuser (every area is theirs) with the right password only: every administration, officer, national,
    partner and portal URL sends to the code page, GET or POST; after the code, they open."""
    superuser = UserFactory(identifier="ADMIN001", superuser=True)
    password_only(client, superuser)
    for url in guarded_urls():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(CODE_PAGE), url
        response = client.post(url, {})
        assert response.status_code == 302 and response["Location"].startswith(CODE_PAGE), url
    pass_second_factor(client, superuser)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/habilitations/user/").status_code == 200


@pytest.mark.parametrize(
    "kind, url",
    [
        (CafRoleKind.ADMINISTRATOR, "/admin/habilitations/habilitation/"),
        (CafRoleKind.SECURITY_OFFICER, "/responsable-securite/journal/"),
    ],
)
def test_a_caf_agent_is_asked_the_code_and_comes_back_where_they_were_going(client, kind, url):
    agent = UserFactory(identifier="CAF16199", staff=True)
    CafRole.objects.create(user=agent, caf=Caf.objects.get(number="161"), kind=kind)
    password_only(client, agent)
    response = client.get(url)
    assert response["Location"] == f"{CODE_PAGE}?next={url.replace('/', '%2F')}"
    pass_second_factor(client, agent)  # first login: enrolment
    client.post("/fermer-la-session/")
    password_only(client, agent)
    assert client.get(url)["Location"].startswith(CODE_PAGE)
    device = TOTPDevice.objects.get(user=agent)
    assert client.post(f"{CODE_PAGE}?next={url}", {"token": totp_code(device)})["Location"] == url
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("permission", ["view_national_overview", "view_national_journal"])
def test_the_national_roles_use_a_second_factor_even_without_staff_status(client, permission):
    user = UserFactory(identifier="SADJPV09")
    user.user_permissions.add(Permission.objects.get(codename=permission))
    password_only(client, user, password="Zq9xw4")
    assert client.get("/suivi-national/")["Location"].startswith(CODE_PAGE)


def test_enrolment_shows_the_qr_code_and_the_secret_then_recovery_codes_once(client):
    agent = UserFactory(identifier="CAF16198", staff=True)
    password_only(client, agent)
    page = client.get(ENROL_PAGE)
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    assert "<svg" in html and 'class="qr-code"' in html
    shown = re.search(r'<p class="secret">\s*<code>([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    assert totp(base64.b32decode(shown)) == totp(device.bin_key)  # the text is the QR's secret
    assert client.get(ENROL_PAGE).context["secret"] == page.context["secret"]  # a reload shows the same one
    response = client.post(ENROL_PAGE, {"token": totp_code(device)})
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10 and all(code in response.content.decode() for code in codes)
    assert TOTPDevice.objects.get(user=agent).confirmed
    assert events(agent, JournalEvent.SECOND_FACTOR_ENROLLED).count() == 1
    assert client.get("/admin/").status_code == 200
    assert client.get(ENROL_PAGE)["Location"] == CODE_PAGE  # never shown again


def test_an_enrolled_factor_cannot_be_replaced_with_the_password_alone(client):
    agent = enrolled("CAF16197")
    password_only(client, agent)
    assert client.get(ENROL_PAGE)["Location"] == CODE_PAGE
    assert client.post(ENROL_PAGE, {"token": "123456"})["Location"] == CODE_PAGE
    assert TOTPDevice.objects.filter(user=agent).count() == 1
    assert client.get("/mot-de-passe/")["Location"].startswith(CODE_PAGE)  # nor the password changed


def test_wrong_codes_count_toward_the_lockout_and_are_journaled(client):
    agent = enrolled("CAF16196")
    device = TOTPDevice.objects.get(user=agent)
    password_only(client, agent)
    for _ in range(2):
        response = client.post(CODE_PAGE, {"token": wrong_code(device)})
        assert response.status_code == 200 and "Code incorrect" in response.content.decode()
    assert client.post(CODE_PAGE, {"token": wrong_code(device)})["Location"] == "/acces-bloque/"
    assert events(agent, JournalEvent.SECOND_FACTOR_FAILURE).count() == 3
    assert events(agent, JournalEvent.LOCKOUT).count() == 1
    assert client.get("/admin/")["Location"].startswith("/admin/login/")  # the session ended
    response = Client().post("/", {"identifier": agent.identifier, "password": STAFF_PASSWORD})
    assert response["Location"] == "/acces-bloque/"  # even the right password


def test_logging_in_again_does_not_erase_the_wrong_codes(client):
    """Otherwise two wrong codes per login, forever."""
    agent = enrolled("CAF16195")
    device = TOTPDevice.objects.get(user=agent)
    password_only(client, agent)
    client.post(CODE_PAGE, {"token": wrong_code(device)})
    client.post(CODE_PAGE, {"token": wrong_code(device)})
    client.post("/fermer-la-session/")
    password_only(client, agent)
    assert client.post(CODE_PAGE, {"token": wrong_code(device)})["Location"] == "/acces-bloque/"


def test_the_right_code_resets_the_count(client):
    agent = enrolled("CAF16194")
    device = TOTPDevice.objects.get(user=agent)
    password_only(client, agent)
    client.post(CODE_PAGE, {"token": wrong_code(device)})
    client.post(CODE_PAGE, {"token": wrong_code(device)})
    assert client.post(CODE_PAGE, {"token": totp_code(device)})["Location"] == "/admin/"
    client.post("/fermer-la-session/")
    password_only(client, agent)
    client.post(CODE_PAGE, {"token": wrong_code(device)})
    client.post(CODE_PAGE, {"token": wrong_code(device)})
    assert client.post(CODE_PAGE, {"token": totp_code(device)})["Location"] == "/admin/"


def test_a_code_is_accepted_once(client):
    agent = enrolled("CAF16193")
    device = TOTPDevice.objects.get(user=agent)
    code = totp_code(device)
    password_only(client, agent)
    assert client.post(CODE_PAGE, {"token": code})["Location"] == "/admin/"
    other = Client()
    password_only(other, agent)
    assert other.post(CODE_PAGE, {"token": code}).status_code == 200  # replayed: refused


def test_a_wrong_code_at_enrolment_counts_too(client):
    agent = UserFactory(identifier="CAF16192", staff=True)
    password_only(client, agent)
    client.get(ENROL_PAGE)
    device = TOTPDevice.objects.get(user=agent)
    assert client.post(ENROL_PAGE, {"token": wrong_code(device)}).status_code == 200
    assert not TOTPDevice.objects.get(user=agent).confirmed
    assert events(agent, JournalEvent.SECOND_FACTOR_FAILURE).count() == 1


def test_a_recovery_code_opens_once(client):
    agent = UserFactory(identifier="CAF16191", staff=True)
    log_in(client, agent)
    client.post("/fermer-la-session/")
    codes = list(StaticToken.objects.filter(device__user=agent).values_list("token", flat=True))
    assert len(codes) == 10
    password_only(client, agent)
    assert client.post(CODE_PAGE, {"token": codes[0].upper()})["Location"] == "/admin/"
    assert events(agent, JournalEvent.SECOND_FACTOR_SUCCESS).filter(detail="code de secours").count() == 1
    client.post("/fermer-la-session/")
    password_only(client, agent)
    assert client.post(CODE_PAGE, {"token": codes[0]}).status_code == 200  # spent
    assert client.post(CODE_PAGE, {"token": codes[1]})["Location"] == "/admin/"
    assert StaticToken.objects.filter(device__user=agent).count() == 8


def test_a_new_account_changes_its_password_then_enrols(client):
    agent = UserFactory(identifier="CAF16190", staff=True, initial=True)
    assert password_only(client, agent)["Location"] == "/mot-de-passe/"
    new = "Un-autre-mot-de-passe-3"
    response = client.post(
        "/mot-de-passe/", {"old_password": STAFF_PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith(CODE_PAGE)
    assert client.get(CODE_PAGE)["Location"].startswith(ENROL_PAGE)


def test_an_enrolled_account_with_a_reset_password_gives_its_code_first(client):
    agent = enrolled("CAF16189")
    agent.must_change_password = True
    agent.save()
    password_only(client, agent)
    assert client.get("/mot-de-passe/")["Location"].startswith(CODE_PAGE)
    assert client.get(CODE_PAGE).status_code == 200  # not sent back to the password form: no loop
    pass_second_factor(client, agent)
    assert client.get("/admin/")["Location"] == "/mot-de-passe/"


# The reset of a lost factor.


def reset(client, identifier, reason="téléphone perdu"):
    return client.post(RESET_PAGE, {"identifier": identifier, "reason": reason})


def test_a_caf_administrator_resets_a_lost_factor_of_their_cafs_staff_journaled(client):
    agent = enrolled("RSSI1619")
    CafRole.objects.create(user=agent, caf=Caf.objects.get(number="161"), kind=CafRoleKind.SECURITY_OFFICER)
    agents_session = Client()
    log_in(agents_session, agent)
    administrator = caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    assert RESET_PAGE in client.get("/admin/").content.decode()
    assert reset(client, "rssi1619")["Location"] == RESET_PAGE
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not StaticToken.objects.filter(device__user=agent).exists()
    line = JournalEntry.objects.get(event=JournalEvent.SECOND_FACTOR_RESET)
    assert (
        line.user == administrator
        and line.caf.number == "161"
        and line.detail.startswith("RSSI1619 : téléphone perdu")
    )
    assert agents_session.get("/responsable-securite/journal/")["Location"] == "/acces-retire/"  # sessions ended
    password_only(agents_session, agent)
    assert agents_session.get(CODE_PAGE)["Location"].startswith(ENROL_PAGE)  # enrols again


def test_out_of_scope_resets_are_refused_as_unknown(client):
    other_caf = enrolled("CAF17199")
    CafRole.objects.create(user=other_caf, caf=Caf.objects.get(number="171"), kind=CafRoleKind.ADMINISTRATOR)
    superuser = enrolled("ADMIN002", superuser=True)
    administrator = caf_staff_logged_in(client, "CAF16101", CafRoleKind.ADMINISTRATOR)
    for identifier in ["CAF17199", "ADMIN002", "CAF16101", "ZZZZ9999"]:
        response = reset(client, identifier)
        assert response.status_code == 200
        assert "Aucun compte de votre ressort ne porte cet identifiant." in response.content.decode(), identifier
    assert TOTPDevice.objects.filter(user__in=[other_caf, superuser, administrator]).count() == 3
    assert not JournalEntry.objects.filter(event=JournalEvent.SECOND_FACTOR_RESET).exists()


def test_the_national_security_officer_resets_staff_of_any_caf(client):
    other_caf = enrolled("CAF59599")
    CafRole.objects.create(user=other_caf, caf=Caf.objects.get(number="595"), kind=CafRoleKind.ADMINISTRATOR)
    ministry = enrolled("SADJPV02")
    ministry.user_permissions.add(Permission.objects.get(codename="view_national_overview"))
    national = UserFactory(identifier="CNAFSEC2", staff=True)
    national.user_permissions.add(Permission.objects.get(codename="view_national_journal"))
    log_in(client, national)
    assert RESET_PAGE in client.get("/responsable-securite/journal/").content.decode()
    assert reset(client, "CAF59599")["Location"] == RESET_PAGE
    assert reset(client, "SADJPV02")["Location"] == RESET_PAGE
    assert not TOTPDevice.objects.filter(user__in=[other_caf, ministry]).exists()
    assert JournalEntry.objects.filter(event=JournalEvent.SECOND_FACTOR_RESET, user=national).count() == 2


def test_a_security_officer_or_a_greffier_cannot_reset(client):
    caf_staff_logged_in(client, "RSSI1618", CafRoleKind.SECURITY_OFFICER)
    assert client.get(RESET_PAGE).status_code == 403
    greffier = Client()
    log_in(greffier, HabilitationFactory(user=UserFactory(identifier="T1001161")).user)
    assert greffier.get(RESET_PAGE).status_code == 403


# The greffiers.


def test_the_greffiers_login_is_unchanged_by_default(client):
    greffier = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    response = client.post("/", {"identifier": "T1001161", "password": "Zq9xw4"})
    assert response["Location"] == "/accueil/"
    assert client.get("/accueil/").status_code == 200
    assert not TOTPDevice.objects.filter(user=greffier).exists()
    assert not JournalEntry.objects.filter(event__startswith="second_factor").exists()


def test_a_caf_may_require_the_second_factor_of_its_greffiers(client):
    habilitation = HabilitationFactory(user=UserFactory(identifier="T1001161"))
    Caf.objects.filter(pk=habilitation.convention.caf_id).update(greffiers_second_factor=True)
    assert client.post("/", {"identifier": "T1001161", "password": "Zq9xw4"})["Location"] == "/accueil/"
    assert client.get("/accueil/")["Location"].startswith(CODE_PAGE)
    pass_second_factor(client, habilitation.user)
    assert client.get("/accueil/").status_code == 200
    # A CAF administrator of that CAF resets a greffier's lost factor.
    administrator = Client()
    caf_staff_logged_in(administrator, "CAF16101", CafRoleKind.ADMINISTRATOR, caf=habilitation.convention.caf.number)
    assert reset(administrator, "T1001161")["Location"] == RESET_PAGE
    assert not TOTPDevice.objects.filter(user=habilitation.user).exists()


def test_second_factors_are_not_edited_in_the_admin():
    """AUD-1: only through the journaled reset — the admin would show a secret, or add a device for another."""
    assert TOTPDevice not in admin.site._registry and StaticDevice not in admin.site._registry


def test_a_session_opened_before_the_lockout_tries_no_code(client):
    """Sessions opened in advance with a known password would otherwise each bring a guess past the lockout."""
    agent = enrolled("CAF16188")
    device = TOTPDevice.objects.get(user=agent)
    early = Client()
    password_only(early, agent)
    password_only(client, agent)
    for _ in range(3):
        client.post(CODE_PAGE, {"token": wrong_code(device)})
    assert early.post(CODE_PAGE, {"token": totp_code(device)})["Location"] == "/acces-bloque/"  # even the right one
    assert events(agent, JournalEvent.LOCKED_OUT_ATTEMPT).count() == 1
    assert early.get("/admin/")["Location"].startswith("/admin/login/")


def test_wrong_codes_are_failures_in_the_officers_report(client, settings):
    """JRN-4: someone holding a staff password and guessing codes shows like someone guessing passwords."""
    settings.CAFPRO_IRREGULARITIES = {**settings.CAFPRO_IRREGULARITIES, "failures_per_identifier": 3}
    agent = enrolled("CAF16187")
    device = TOTPDevice.objects.get(user=agent)
    password_only(client, agent)
    for _ in range(3):
        client.post(CODE_PAGE, {"token": wrong_code(device)})
    today = timezone.localdate()
    findings = irregularities.find(JournalEntry.objects.all(), today, today + dt.timedelta(days=1))
    assert [(f.rule, f.subject, f.count) for f in findings if f.rule == "failures_per_identifier"] == [
        ("failures_per_identifier", "CAF16187", 3)
    ]


def test_the_journal_says_a_password_alone_is_no_full_login(client):
    """AUTH-11, JRN-1: an officer reading « Connexion réussie » after the password alone took it for a completed
    login; the line says the code is awaited, and the code's own line follows when it is given."""
    agent = enrolled("CAF16198")
    password_only(client, agent)
    line = events(agent, JournalEvent.LOGIN_SUCCESS).latest("pk")
    assert line.detail == "mot de passe accepté, code de double authentification attendu"
    assert not events(agent, JournalEvent.SECOND_FACTOR_SUCCESS).filter(pk__gt=line.pk).exists()
    pass_second_factor(client, agent)
    assert events(agent, JournalEvent.SECOND_FACTOR_SUCCESS).filter(pk__gt=line.pk).exists()
    greffier = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    Client().post("/", {"identifier": "T1001161", "password": "Zq9xw4"})
    assert events(greffier, JournalEvent.LOGIN_SUCCESS).latest("pk").detail == ""  # no code asked: a full login


def test_a_code_of_other_digits_is_a_wrong_code_not_a_server_error(client):
    """ROB-2, AUTH-11: « 12345² » passed `str.isdigit()` as a six-digit code; it is a wrong code, counted."""
    agent = enrolled("CAF16197")
    password_only(client, agent)
    response = client.post(CODE_PAGE, {"token": "12345²"})
    assert response.status_code == 200
    assert events(agent, JournalEvent.SECOND_FACTOR_FAILURE).exists()
