import factory
from django.utils import timezone

from conventions.models import Caf, CafRole, Profile
from habilitations.enums import GreffeFunction, HabilitationStatus
from habilitations.models import Habilitation, User

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


def log_in(client, user, password=None):
    """Logs in through the login page, as a person would: a session opened otherwise (force_login) has no
    start time and is refused by the session policy."""
    response = client.post(
        "/", {"identifier": user.identifier, "password": password or (STAFF_PASSWORD if user.is_staff else PASSWORD)}
    )
    assert response.status_code == 302 and response["Location"] != "/acces-bloque/", response
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
