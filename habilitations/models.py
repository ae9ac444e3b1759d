"""The portal's user: an 8-character identifier issued by the CAF (AUTH-1, AUTH-10)."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

identifier_validator = RegexValidator(
    r"^[A-Z0-9]{8}$", "L'identifiant comporte exactement 8 caractères alphanumériques (lettres et chiffres)."
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_identifier(cls, identifier):
        """AUTH-1: identifiers are case-insensitive; stored and compared in upper case."""
        return (identifier or "").strip().upper()

    def get_by_natural_key(self, username):
        return self.get(identifier=self.normalize_identifier(username))

    def create_user(self, identifier, password=None, **extra_fields):
        user = self.model(identifier=self.normalize_identifier(identifier), **extra_fields)
        user.full_clean(exclude=["password"])
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, identifier, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(identifier, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """AUTH-10: one person, one identifier; never shared, never delegated."""

    identifier = models.CharField("identifiant", max_length=8, unique=True, validators=[identifier_validator])
    first_name = models.CharField("prénom", max_length=60, blank=True)
    last_name = models.CharField("nom", max_length=60, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    is_staff = models.BooleanField("accès à l'administration", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("créé le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "identifier"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(name="user_identifier_upper", condition=models.Q(identifier=Upper("identifier"))),
        ]

    def __str__(self):
        return self.identifier

    def clean(self):
        super().clean()
        self.identifier = UserManager.normalize_identifier(self.identifier)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.identifier
