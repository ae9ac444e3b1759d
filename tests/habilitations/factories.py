import re
import time

import factory
from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conventions.models import BajManager, Caf, CafRole, Profile
from habilitations.enums import GreffeFunction, HabilitationStatus
from habilitations.models import Habilitation, User
from habilitations.services import SECOND_FACTOR_PENDING, SESSION_SECOND_FACTOR

PASSWORD = "Zq9xw4"  # 6 characters, not a common password; never found in the journal
STAFF_PASSWORD = "Un-mot-de-passe-long-9"


class UserFactory(factory.django.DjangoModelFactory):
    """A partner (profile T12) with a password already chosen; `staff` for CAF staff, `initial` for a
    password given by the CAF and not yet changed."""

    class Meta:
        model = User
        django_get_or_create = ("identifier",)

    identifier = factory.Sequence(lambda n: f"T{n:07d}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)
    must_change_password = False
    password_changed_at = factory.LazyFunction(timezone.now)

    class Params:
        staff = factory.Trait(is_staff=True, password=factory.django.Password(STAFF_PASSWORD))
        superuser = factory.Trait(is_staff=True, is_superuser=True, password=factory.django.Password(STAFF_PASSWORD))
        initial = factory.Trait(must_change_password=True)


def totp_code(device):
    """AUTH-11: the code the authenticator app shows now for `device` (django_otp.oath.totp), as a person reads it
    off their phone: the current step, or the next one when the current was already used (a code is accepted once;
    django-otp accepts one step either side and follows the phone's drift)."""
    device.refresh_from_db()  # the server's record of the last code accepted
    now = int((time.time() - device.t0) // device.step) + device.drift
    offset = 0 if now > device.last_t else device.last_t + 1 - now
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def pass_second_factor(client, user):
    """AUTH-11: the code after the password, or at the first login the enrolment — the secret read from the page's
    device, as a phone scans the QR code. Returns the recovery codes when it enrolled."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        response = client.post("/double-authentification/", {"token": totp_code(device)})
        assert response.status_code == 302 and response["Location"] != "/acces-bloque/", response
        return None
    assert client.get("/double-authentification/activation/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/double-authentification/activation/", {"token": totp_code(device)})
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode())
    assert response.status_code == 200 and len(codes) == settings.CAFPRO_RECOVERY_CODES, response
    return codes


def log_in(client, user, password=None):
    """Logs in through the login page, as a person would: a session opened otherwise (force_login) has no
    start time and is refused by the session policy. A staff account then gives its second factor (AUTH-11),
    enrolling at its first login — unless a password change comes first (then the test goes on from there)."""
    response = client.post(
        "/", {"identifier": user.identifier, "password": password or (STAFF_PASSWORD if user.is_staff else PASSWORD)}
    )
    assert response.status_code == 302 and response["Location"] != "/acces-bloque/", response
    if client.session.get(SESSION_SECOND_FACTOR) == SECOND_FACTOR_PENDING and not user.needs_password_change:
        pass_second_factor(client, user)
    return user


def caf_staff_logged_in(client, identifier, kind, caf="161"):
    """A CAF agent holding role `kind` (CafRoleKind) at CAF number `caf`, logged in on `client`."""
    user = UserFactory(identifier=identifier, staff=True)
    CafRole.objects.create(user=user, caf=Caf.objects.get(number=caf), kind=kind)
    return log_in(client, user)


class HabilitationFactory(factory.django.DjangoModelFactory):
    """An active T12 habilitation of a greffier under a convention; `revoked`, `suspended`, `requested` for the
    other states."""

    class Meta:
        model = Habilitation

    user = factory.SubFactory(UserFactory)
    convention = factory.SubFactory("tests.conventions.factories.ConventionFactory")
    profile = factory.LazyFunction(lambda: Profile.objects.get(code="T12"))
    function = GreffeFunction.GREFFIER
    status = HabilitationStatus.ACTIVE

    class Params:
        revoked = factory.Trait(status=HabilitationStatus.REVOKED)
        suspended = factory.Trait(status=HabilitationStatus.SUSPENDED)
        requested = factory.Trait(status=HabilitationStatus.REQUESTED)


def designated(*, user, baj, designated_on):
    """JUR-1: a gestionnaire's designation every CAF of the BAJ answers for (recorded, then confirmed by each of
    them: ROLE-7), as it stands once the CAFs have done their part."""

    manager = BajManager.objects.create(user=user, baj=baj, designated_on=designated_on)
    manager.vouched_by.set(Caf.objects.of_bajs([baj]))
    return manager
