"""The portal's user: an 8-character identifier issued by the CAF (AUTH-1, AUTH-10), the habilitations, the
surveillances, and who sees which lines of the access journal (JRN-3; the journal itself is the `journal` app)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from conventions.enums import CONVENTION_ENDED, CONVENTION_GIVING_ACCESS
from conventions.models import Caf, Convention, ConventionConditions, History
from conventions.permissions import EVERY_CAF, Area, Role, caf_ids_in, has_role
from core.dates import DATE_VALIDATORS, dates_bounded
from habilitations.enums import (
    FEMININE_FUNCTIONS,
    HABILITATION_CLOSED,
    Civility,
    GreffeFunction,
    HabilitationState,
    HabilitationStatus,
    RevocationReason,
)
from journal.models import JournalEntry

identifier_validator = RegexValidator(
    r"^[A-Z0-9]{8}$", "L'identifiant comporte exactement 8 caractères alphanumériques (lettres et chiffres)."
)


class UserQuerySet(models.QuerySet):
    def staff(self):
        """AUTH-3, AUTH-5: the staff accounts — CAF agents and administrators — held to the staff rules (a longer
        password, a lockout that lifts after a cool-off); `validators.is_staff_account` for one account."""
        return self.filter(models.Q(is_staff=True) | models.Q(is_superuser=True))

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
    # HAB-2
    sessions_revoked_at = models.DateTimeField(
        "sessions fermées le", null=True, blank=True, help_text="Toute session ouverte avant est refusée."
    )
    access_version = models.PositiveIntegerField(
        "version des droits",
        default=0,
        editable=False,
        help_text="Augmentée à chaque changement d'habilitation, de convention ou de Caf.",  # CONS-5, HAB-2
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

    def cafs(self):
        """AUD-2: the CAFs that answer for this user — those that issued one of their habilitations or gave them a
        role (the mirror of `UserQuerySet.of_cafs`); an act on the account reaches their officers."""
        if self.pk is None:
            return Caf.objects.none()
        return Caf.objects.filter(
            models.Q(conventions__habilitations__user=self) | models.Q(staff_roles__user=self)
        ).distinct()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.identifier


def journal_visible_to_officer(user):
    """JRN-3, ROLE-2, ROLE-6, AUD-2: the journal lines a security officer sees, and only those. A CAF's officer: the
    lines about their CAFs' data (consultations, refusals, privileged acts), and the lines without a CAF of the
    users their CAFs issued a habilitation to or gave a role (connections, refusals outside any CAF). The national
    security officer: the lines that concern no CAF — an identifier matching no user, a user of no CAF. Attempts
    on unknown identifiers reach a CAF's officer only as counts per source address
    (`JournalEntry.objects.unknown_identifiers`). Here rather than in `journal`: it needs the CAF roles and the
    users' habilitations, above the journal."""
    lines = JournalEntry.objects.all()
    cafs = caf_ids_in(user, Area.SECURITY)
    if cafs is EVERY_CAF:
        return lines
    # Lists of a few ids, not subqueries: the planner then uses the (caf, …) and (user, …) indexes on tens
    # of millions of lines (docs/performance.md).
    users = list(User.objects.of_cafs(cafs).values_list("pk", flat=True)) if cafs else []
    seen = models.Q(caf_id__in=sorted(cafs)) | models.Q(caf__isnull=True, user_id__in=users)
    if has_role(user, Role.NATIONAL_SECURITY):
        nobodys = models.Q(user__isnull=True) | models.Q(user__in=User.objects.of_no_caf())
        seen |= models.Q(caf__isnull=True) & nobodys
    return lines.filter(seen)


class SurveillanceQuerySet(models.QuerySet):
    def of_cafs(self, cafs):
        return self.filter(caf__in=cafs)

    def open(self):
        return self.filter(lifted_at__isnull=True)


class Surveillance(models.Model):
    """JRN-4: a user put under surveillance by a security officer of a CAF — reason, date, by whom — until
    lifted, with its own reason (BO-6)."""

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
    # Blank only for the surveillances lifted before the reason was asked.
    lift_reason = models.TextField("motif de la levée", blank=True)

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


def validate_greffe_function(function):
    """ROLE-1: the profile T12 is reserved to the greffiers of the BAJ — greffiers en chef, greffiers and
    fonctionnaires faisant fonction de greffier. The one check: the model's validation (`Habilitation.clean`: the
    admin, `habilitation_edit`) and `habilitation_request` (before it creates an account) call it."""
    if function not in GreffeFunction.values:
        raise ValidationError(
            "Seuls les greffiers en chef, les greffiers et les fonctionnaires faisant fonction de greffier peuvent "
            "recevoir une habilitation (profil T12).",
            code="role_1",
        )


class HabilitationQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """HAB-1, HAB-2, CONV-2, CONV-4: the habilitations whose state on `day` gives access (active, or ending
        later: `HABILITATION_GIVING_ACCESS`) — as a plain filter, the consultation path's (tested equal to
        `state_on`): active, before their end date if a removal was requested, under a convention signed and in
        force. The habilitations a letter may be printed for."""
        return self.filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=day),
            status=HabilitationStatus.ACTIVE,
            convention__in=Convention.objects.active_on(day),
        )

    def giving_access_on(self, day):
        """CONS-5, ROLE-7: the habilitations in force on `day` whose CAF answers for the credentials in force (no
        confirmation pending: `PendingConfirmation`). Each opens the dossiers of its convention's CAF — the one
        rule of the consultation's scope (`habilitations.access`)."""
        return self.in_force_on(day).exclude(models.Exists(PendingConfirmation.objects.owed_for_habilitation()))

    def awaiting_confirmation(self):
        """ROLE-7: the habilitations whose CAF has not confirmed the credentials in force (its work list)."""
        return self.filter(models.Exists(PendingConfirmation.objects.owed_for_habilitation()))

    def with_state(self, day):
        """HAB-1, HAB-2, CONV-4: each habilitation annotated with its `state` on `day` — `Habilitation.state_on` in
        SQL, in the same order (tested equal to it), for the lists, their filters and the work list."""
        state, conventions = HabilitationState, ConventionConditions(day, prefix="convention__")
        revoked = models.Q(status=HabilitationStatus.REVOKED)
        in_force = conventions.signed & conventions.started
        return self.annotate(
            state=models.Case(
                models.When(
                    revoked & models.Q(revocation_reason=RevocationReason.REFUSED),
                    then=models.Value(state.REFUSED),
                ),
                models.When(revoked, then=models.Value(state.REVOKED)),
                models.When(models.Q(ends_on__lte=day) | conventions.ended, then=models.Value(state.ENDED)),
                models.When(status=HabilitationStatus.REQUESTED, then=models.Value(state.REQUESTED)),
                models.When(status=HabilitationStatus.SUSPENDED, then=models.Value(state.SUSPENDED)),
                models.When(in_force & models.Q(ends_on__isnull=False), then=models.Value(state.ENDING)),
                models.When(in_force, then=models.Value(state.ACTIVE)),
                default=models.Value(state.AWAITING_CONVENTION),
                output_field=models.CharField(),
            )
        )

    def in_state_on(self, day, *states):
        """HAB-1: the habilitations whose state on `day` is one of `states`."""
        return self.with_state(day).filter(state__in=states)

    def open_on(self, day):
        """ROLE-7 (#24): the habilitations not closed on `day` — neither ended, refused nor withdrawn
        (`HABILITATION_CLOSED`): their CAFs answer for the person's credentials."""
        return self.with_state(day).exclude(state__in=HABILITATION_CLOSED)

    def unused_since(self, moment, day=None):
        """HAB-3: the habilitations active on `day` (today by default), granted before `moment` (a habilitation
        granted this morning is not « unused for 60 days »), whose user has not logged in since (or never). An
        ended one, or one whose removal is already set, is not listed."""
        day = day or timezone.localdate()
        granted_before = models.Q(granted_on__isnull=True) | models.Q(granted_on__lt=timezone.localdate(moment))
        return (
            self.in_state_on(day, HabilitationState.ACTIVE)
            .filter(granted_before)
            .exclude(user__last_login__gte=moment)
        )


class Habilitation(models.Model):
    """HAB-1, ROLE-1, AUTH-10: the nominative right of one greffier, under one convention of their BAJ, with
    one profile. It gives access only while it is active and its convention is active (`state_on`)."""

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
    granted_on = models.DateField("accordée le", null=True, blank=True, validators=DATE_VALIDATORS)
    ends_on = models.DateField(
        "fin de l'accès le",
        null=True,
        blank=True,
        help_text="Premier jour sans accès (demande de suppression, retrait).",
        validators=DATE_VALIDATORS,
    )
    revocation_reason = models.CharField(
        "motif du retrait", max_length=20, choices=RevocationReason.choices, blank=True
    )

    objects = HabilitationQuerySet.as_manager()

    class Meta:
        verbose_name = "habilitation"
        ordering = ["convention", "user"]
        constraints = [dates_bounded("habilitation_dates_bounded", "granted_on", "ends_on")]

    def __str__(self):
        return f"{self.user} — {self.profile.code} — {self.convention.number}"

    def clean(self):
        """ROLE-1: the profile T12 is reserved to the greffiers of the BAJ (`validate_greffe_function`)."""
        try:
            validate_greffe_function(self.function)
        except ValidationError as error:
            raise ValidationError({"function": error.messages}) from None

    def state_on(self, day=None):
        """HAB-1, HAB-2, CONV-4: the state of the habilitation on `day` (today by default) — the one reading of its
        status, its end date and its convention's state (`Convention.state_on`), read by the access, the work list,
        the buttons, the acts, the letters and the partner space; `HabilitationQuerySet.with_state` is its twin.
        Withdrawn or refused stays so; then a passed end (its own or its convention's) ends it, whatever its
        status; a request and a suspension stay so; a granted one is active while its convention is in force."""
        day = day or timezone.localdate()
        if self.status == HabilitationStatus.REVOKED:
            if self.revocation_reason == RevocationReason.REFUSED:
                return HabilitationState.REFUSED
            return HabilitationState.REVOKED
        convention = self.convention.state_on(day)
        if (self.ends_on is not None and self.ends_on <= day) or convention in CONVENTION_ENDED:
            return HabilitationState.ENDED
        if self.status == HabilitationStatus.REQUESTED:
            return HabilitationState.REQUESTED
        if self.status == HabilitationStatus.SUSPENDED:
            return HabilitationState.SUSPENDED
        if convention not in CONVENTION_GIVING_ACCESS:
            return HabilitationState.AWAITING_CONVENTION
        return HabilitationState.ENDING if self.ends_on is not None else HabilitationState.ACTIVE

    @property
    def state_label(self):
        """The label of the state today: the list's annotation (`with_state`) when there is one."""
        return HabilitationState(getattr(self, "state", None) or self.state_on()).label

    def ended_on(self):
        """The first day without access when it ended (`HabilitationState.ENDED`): its own end, or its
        convention's if earlier."""
        ends = [end for end in (self.ends_on, self.convention.ends_on) if end is not None]
        return min(ends, default=None)

    @property
    def removal_requested(self):
        """JUR-2, HAB-2: a removal was requested (demande de suppression), its first day without access set."""
        return self.revocation_reason == RevocationReason.REMOVAL_REQUEST and self.ends_on is not None

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


class PendingConfirmationQuerySet(models.QuerySet):
    def owed_for_habilitation(self):
        """The confirmation owed by the CAF of the outer habilitation for its user (a subquery)."""
        return self.filter(user=models.OuterRef("user"), caf=models.OuterRef("convention__caf"))


class PendingConfirmation(models.Model):
    """ROLE-7: `caf` has not confirmed the credentials now in force of `user` — printed in a letter by another CAF
    (`issued_by`; none: by the national administration, or already in use when `caf` granted its first
    habilitation) —, nor, for a gestionnaire, the designation another CAF recorded. Until it does (the action
    « Confirmer les identifiants »), the user's habilitations from `caf` give no access and, as gestionnaire, they
    act on none of its conventions: what a CAF's staff learn from a letter they printed opens that CAF only. The
    person's own password change leaves these rows as they are."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pending_confirmations",
        verbose_name="utilisateur",
    )
    caf = models.ForeignKey(Caf, on_delete=models.CASCADE, related_name="+", verbose_name="Caf qui doit confirmer")
    issued_by = models.ForeignKey(
        Caf, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="émis par la Caf"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="par"
    )
    at = models.DateTimeField("le", default=timezone.now)

    objects = PendingConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = "identifiants à confirmer"
        verbose_name_plural = "identifiants à confirmer"
        constraints = [models.UniqueConstraint(fields=["user", "caf"], name="one_pending_confirmation_per_caf")]

    def __str__(self):
        return f"{self.user} : à confirmer par la {self.caf.name}"

    @property
    def summary(self):
        """« Nouveaux identifiants émis par la Caf de Lille (CAF59501) le 06/12/2026 » — what the CAF confirms."""
        by = f" ({self.by.identifier})" if self.by_id else ""
        issuer = f"la {self.issued_by.name}" if self.issued_by_id else "l'administration nationale ou déjà en usage"
        return f"Identifiants émis par {issuer}{by} le {timezone.localtime(self.at):%d/%m/%Y}"
