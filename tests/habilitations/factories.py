import factory

from habilitations.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("identifier",)

    identifier = factory.Sequence(lambda n: f"T{n:07d}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("abc123")

    class Params:
        staff = factory.Trait(is_staff=True)
