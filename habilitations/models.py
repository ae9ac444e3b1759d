"""The portal's user: an 8-character identifier issued by the CAF (AUTH-1, AUTH-10), and the access
journal of connections (JRN-1, JRN-5)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models.functions import Upper
from django.utils import timezone

from conventions.models import Caf, Convention, History
from conventions.permissions import EVERY_CAF, Area, Role, caf_ids_in, has_role
from conventions.rubriques import CATALOGUE
from core.enums import JournalEvent
from habilitations.enums import (
    FEMININE_FUNCTIONS,
    Civility,
    GreffeFunction,
    HabilitationStatus,
    LegalAidProcedure,
    RevocationReason,
)

identifier_validator = RegexValidator(
    r"^[A-Z0-9]{8}$", "L'identifiant comporte exactement 8 caractères alphanumériques (lettres et chiffres)."
)


class UserQuerySet(models.QuerySet):
    def issued_by(self, cafs):
        """ROLE-2: the users holding a habilitation issued by one of `cafs`."""
        return self.filter(habilitations__convention__caf__in=cafs).distinct()

    def of_cafs(self, cafs):
        """AUD-2: the users of `cafs` — holding a habilitation issued by one of them, or a role in one."""
        return self.filter(
            models.Q(habilitations__convention__caf__in=cafs) | models.Q(caf_roles__caf__in=cafs)
        ).distinct()

    def of_no_caf(self):
        """AUD-2: the users no CAF answers for — no habilitation, no role (administrators, the Ministry…)."""
        return self.filter(habilitations__isnull=True, caf_roles__isnull=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
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
    civility = models.CharField("civilité", max_length=8, choices=Civility.choices, blank=True)
    first_name = models.CharField("prénom", max_length=60, blank=True)
    last_name = models.CharField("nom", max_length=60, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    is_staff = models.BooleanField("accès à l'administration", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("créé le", default=timezone.now)
    password_changed_at = models.DateTimeField("mot de passe changé le", null=True, blank=True)
    sessions_revoked_at = models.DateTimeField(
        "sessions fermées le", null=True, blank=True, help_text="HAB-2 : toute session ouverte avant est refusée."
    )
    access_version = models.PositiveIntegerField(
        "version des droits",
        default=0,
        editable=False,
        help_text="CONS-5, HAB-2 : augmentée à chaque changement d'habilitation, de convention ou de Caf.",
    )
    must_change_password = models.BooleanField(
        "doit changer son mot de passe", default=True, help_text="Mot de passe initial ou réinitialisé par la Caf."
    )

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

    @property
    def feminine(self):
        """Wording (#24): agreement follows the civility (« habilitée », « greffière »)."""
        return self.civility == Civility.MADAME

    @property
    def salutation(self):
        """BO-4: « Madame, », « Monsieur, » — « Madame, Monsieur, » only when the civility is unknown."""
        return f"{self.get_civility_display()}," if self.civility else "Madame, Monsieur,"

    def clean(self):
        super().clean()
        self.identifier = UserManager.normalize_identifier(self.identifier)

    def password_expired(self, now=None):
        """AUTH-5: a password older than CAFPRO_PASSWORD_MAX_AGE_DAYS must be changed at next login."""
        if self.password_changed_at is None:
            return True
        max_age = dt.timedelta(days=settings.CAFPRO_PASSWORD_MAX_AGE_DAYS)
        return (now or timezone.now()) - self.password_changed_at >= max_age

    @property
    def needs_password_change(self):
        return self.must_change_password or self.password_expired()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.identifier


_APPEND_SQL = {}  # (database alias, vendor) → the INSERT of a journal line


class AppendOnlyError(Exception):
    """JRN-5: the journal is append-only."""


class JournalEntryQuerySet(models.QuerySet):
    def append(self, entry):
        """JRN-7: inserts a new line by one statement, built once from the model's fields — without the ORM's
        save machinery, which costs twice the insert itself on a path every consultation takes."""
        connection = connections[self.db]
        fields = [field for field in self.model._meta.concrete_fields if not field.primary_key]
        key = (connection.alias, connection.vendor)
        if key not in _APPEND_SQL:
            names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
            marks = ", ".join(["%s"] * len(fields))
            returning = " RETURNING id" if connection.features.can_return_columns_from_insert else ""
            _APPEND_SQL[key] = f"INSERT INTO {self.model._meta.db_table} ({names}) VALUES ({marks}){returning}"
        values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(_APPEND_SQL[key], values)
            returned = connection.features.can_return_columns_from_insert
            entry.pk = cursor.fetchone()[0] if returned else cursor.lastrowid
        entry._state.adding, entry._state.db = False, self.db
        return entry

    def update(self, **kwargs):
        raise AppendOnlyError("Le journal des accès ne se modifie pas.")

    def delete(self):
        raise AppendOnlyError("Le journal des accès ne se supprime pas (voir journal_purge).")

    def visible_to_officer(self, user):
        """JRN-3, ROLE-2, ROLE-6, AUD-2: what a security officer sees, and only that. A CAF's officer: the lines
        about their CAFs' data (consultations, refusals, privileged acts), and the lines without a CAF of the users
        their CAFs issued a habilitation to or gave a role (connections, refusals outside any CAF). The national
        security officer: the lines that concern no CAF — an identifier matching no user, a user of no CAF. Attempts
        on unknown identifiers reach a CAF's officer only as counts per source address (`unknown_identifiers`)."""
        cafs = caf_ids_in(user, Area.SECURITY)
        if cafs is EVERY_CAF:
            return self
        # Lists of a few ids, not subqueries: the planner then uses the (caf, …) and (user, …) indexes on tens
        # of millions of lines (docs/performance.md).
        users = list(User.objects.of_cafs(cafs).values_list("pk", flat=True)) if cafs else []
        seen = models.Q(caf_id__in=sorted(cafs)) | models.Q(caf__isnull=True, user_id__in=users)
        if has_role(user, Role.NATIONAL_SECURITY):
            nobodys = models.Q(user__isnull=True) | models.Q(user__in=User.objects.of_no_caf())
            seen |= models.Q(caf__isnull=True) & nobodys
        return self.filter(seen)

    def unknown_identifiers(self):
        """AUD-2: the attempts on identifiers matching no user, which no CAF owns: counted per source address for
        the CAFs' officers, never shown line by line (what was typed may be a password typed in the wrong box)."""
        return self.filter(caf__isnull=True, user__isnull=True)


class JournalEntry(models.Model):
    """JRN-1, JRN-2, JRN-5: one line of the access journal. Written only by
    `habilitations.services.journal_record`, in the transaction of the event it records — a plain insert, no lock
    (JRN-7); never updated, never deleted by the application (PostgreSQL: a trigger refuses it too), but for the
    sealer setting once its `seal` and its `hash` (the SHA-256 leaf of its content in the seal's Merkle tree). It
    holds no password and no session key."""

    occurred_at = models.DateTimeField("date et heure (UTC)", default=timezone.now, db_index=True)
    event = models.CharField("événement", max_length=24, choices=JournalEvent.choices)
    identifier_typed = models.CharField("identifiant saisi", max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal_entries",
        verbose_name="utilisateur",
    )
    source_ip = models.GenericIPAddressField("adresse source", null=True, blank=True)
    user_agent = models.CharField("navigateur", max_length=300, blank=True)
    detail = models.CharField("précision", max_length=1000, blank=True)
    # JRN-2: what was consulted; for a connection, the CAF that issued the user's habilitation.
    caf = models.ForeignKey(Caf, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="Caf")
    allocataire_number = models.CharField("numéro d'allocataire", max_length=16, blank=True)
    rubrique = models.CharField("rubrique", max_length=16, blank=True)
    period = models.CharField("période", max_length=80, blank=True)
    # PUR-2: the legal-aid file the consultation instructs, as the greffier stated it.
    legal_aid_file = models.CharField("n° de dossier d'aide juridictionnelle", max_length=30, blank=True)
    procedure = models.CharField("procédure", max_length=24, choices=LegalAidProcedure.choices, blank=True)
    hash = models.CharField("empreinte", max_length=64, blank=True, editable=False)
    seal = models.ForeignKey(
        "JournalSeal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name="sceau",
        editable=False,
    )

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne du journal des accès"
        verbose_name_plural = "journal des accès"
        ordering = ["-pk"]
        permissions = [
            (
                "view_national_journal",
                "Consulter les lignes du journal qui ne concernent aucune Caf (sécurité nationale)",
            )
        ]
        indexes = [
            models.Index(fields=["identifier_typed", "occurred_at"], name="journal_identifier_time"),
            models.Index(fields=["caf", "occurred_at"], name="journal_caf_time"),
            models.Index(fields=["caf", "-id"], name="journal_caf_id"),
            models.Index(fields=["user", "-id"], name="journal_user_id"),
            models.Index(
                fields=["legal_aid_file", "-id"], name="journal_legal_aid_file", condition=~models.Q(legal_aid_file="")
            ),
        ]

    def __str__(self):
        at = timezone.localtime(self.occurred_at)
        return f"{at:%d/%m/%Y %H:%M:%S} {self.get_event_display()} {self.identifier_typed}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Le journal des accès ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Le journal des accès ne se supprime pas (voir journal_purge).")

    def get_rubrique_display(self):
        """JRN-3: « Paiements », « Édition PDF » — the French name of what was consulted, not its code."""
        return CATALOGUE.label(self.rubrique) if self.rubrique else ""

    def canonical(self):
        """What the line's leaf covers, in a fixed order: its number and its content."""
        fields = [
            str(self.pk),
            self.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            self.event,
            self.identifier_typed,
            str(self.user_id or ""),
            str(self.source_ip or ""),
            self.user_agent,
            self.detail,
            str(self.caf_id or ""),
            self.allocataire_number,
            self.rubrique,
            self.period,
            self.legal_aid_file,
            self.procedure,
        ]
        return "\x1f".join(fields)


class JournalSeal(models.Model):
    """JRN-5, JRN-6, JRN-7: a batch of journal lines sealed together by the sealer (`habilitations.journal`):
    their Merkle root, chained to the previous seal by an HMAC. Written by the sealer alone; only the purge role
    may mark it purged (its lines deleted, the seal kept so that the chain still verifies)."""

    number = models.PositiveBigIntegerField("numéro", unique=True)
    sealed_at = models.DateTimeField("scellé le")
    count = models.PositiveIntegerField("lignes")
    first_line = models.BigIntegerField("première ligne")
    last_line = models.BigIntegerField("dernière ligne")
    root = models.CharField("racine de Merkle", max_length=64)
    previous = models.CharField("sceau précédent", max_length=64, blank=True)
    mac = models.CharField("sceau (HMAC)", max_length=64)
    purged_at = models.DateTimeField("lignes purgées le", null=True, blank=True)

    class Meta:
        verbose_name = "sceau du journal"
        verbose_name_plural = "sceaux du journal"
        ordering = ["-number"]

    def __str__(self):
        return f"Sceau n° {self.number} : {self.count} lignes ({self.first_line} à {self.last_line})"


class SurveillanceQuerySet(models.QuerySet):
    def of_cafs(self, cafs):
        return self.filter(caf__in=cafs)

    def open(self):
        return self.filter(lifted_at__isnull=True)


class Surveillance(models.Model):
    """JRN-4: a user put under surveillance by a security officer of a CAF — reason, date, by whom — until
    lifted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="surveillances", verbose_name="utilisateur"
    )
    caf = models.ForeignKey(Caf, on_delete=models.PROTECT, related_name="+", verbose_name="Caf")
    reason = models.TextField("motif")
    started_at = models.DateTimeField("depuis le", default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par"
    )
    lifted_at = models.DateTimeField("levée le", null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="levée par",
    )

    objects = SurveillanceQuerySet.as_manager()

    class Meta:
        verbose_name = "mise sous surveillance"
        verbose_name_plural = "mises sous surveillance"
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "caf"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_open_surveillance_per_caf",
            )
        ]

    def __str__(self):
        return f"{self.user} sous surveillance depuis le {self.started_at:%d/%m/%Y}"


class HabilitationQuerySet(models.QuerySet):
    def giving_access_on(self, day):
        """HAB-1, HAB-2, CONV-2, CONV-4, CONS-5: active habilitations, before their end date if a removal was
        requested, whose convention is signed and in force on `day`. Each opens the dossiers of its convention's
        CAF — the one rule of the consultation's scope (`habilitations.access`)."""
        return self.filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=day),
            status=HabilitationStatus.ACTIVE,
            convention__in=Convention.objects.active_on(day),
        )

    def unused_since(self, moment):
        """HAB-3: active habilitations whose user has not logged in since `moment` (or never)."""
        return self.filter(status=HabilitationStatus.ACTIVE).exclude(user__last_login__gte=moment)


class Habilitation(models.Model):
    """HAB-1, ROLE-1, AUTH-10: the nominative right of one greffier, under one convention of their BAJ, with
    one profile. It gives access only while it is active and its convention is active."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="habilitations", verbose_name="utilisateur"
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="habilitations", verbose_name="convention"
    )
    profile = models.ForeignKey(
        "conventions.Profile", on_delete=models.PROTECT, related_name="habilitations", verbose_name="profil"
    )
    function = models.CharField("fonction", max_length=20, choices=GreffeFunction.choices)
    status = models.CharField(
        "état", max_length=10, choices=HabilitationStatus.choices, default=HabilitationStatus.REQUESTED
    )
    granted_on = models.DateField("accordée le", null=True, blank=True)
    ends_on = models.DateField(
        "fin de l'accès le",
        null=True,
        blank=True,
        help_text="Premier jour sans accès (demande de suppression, retrait).",
    )
    revocation_reason = models.CharField(
        "motif du retrait", max_length=20, choices=RevocationReason.choices, blank=True
    )

    objects = HabilitationQuerySet.as_manager()

    class Meta:
        verbose_name = "habilitation"
        ordering = ["convention", "user"]

    def __str__(self):
        return f"{self.user} — {self.profile.code} — {self.convention.number}"

    def clean(self):
        """ROLE-1: the profile T12 is reserved to the greffiers of the BAJ."""
        if self.function not in GreffeFunction.values:
            raise ValidationError(
                {
                    "function": "Seuls les greffiers en chef, les greffiers et les fonctionnaires faisant fonction de "
                    "greffier peuvent recevoir une habilitation."
                }
            )

    @property
    def baj(self):
        return self.convention.baj

    @property
    def function_label(self):
        """Wording (#24): the function in agreement with the person's civility (« greffière » for Madame)."""
        if self.user.feminine:
            return FEMININE_FUNCTIONS[self.function]
        return self.get_function_display()


class HabilitationHistory(History):
    """HAB-3: the history of a habilitation."""

    habilitation = models.ForeignKey(
        Habilitation, on_delete=models.PROTECT, related_name="history", verbose_name="habilitation"
    )

    class Meta(History.Meta):
        verbose_name = "historique d'habilitation"
        verbose_name_plural = "historique des habilitations"
