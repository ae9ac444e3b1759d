"""Reference data of annexes 1 and 2 (REF-1 … REF-3): départements, CAFs, BAJs, postal routing."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from conventions.enums import (
    CONVENTION_GIVING_ACCESS,
    CONVENTION_SIGNED,
    JURIDICTION_HEADS,
    CafRoleKind,
    ConventionEnd,
    ConventionState,
    JuridictionKind,
    SignatoryCapacity,
)
from conventions.rubriques import CATALOGUE
from core.dates import DATE_VALIDATORS, add_months, dates_bounded

caf_number_validator = RegexValidator(r"^[0-9]{3}$", "Le numéro de Caf comporte 3 chiffres.")
postal_prefix_validator = RegexValidator(r"^[0-9]{1,5}$", "Un préfixe de code postal comporte de 1 à 5 chiffres.")


class Departement(models.Model):
    """REF-1: code as INSEE writes it (`01`, `2A`, `971`)."""

    code = models.CharField(
        "code",
        max_length=3,
        primary_key=True,
        validators=[
            RegexValidator(
                r"^(?:[0-9]{2,3}|2[AB])$", "Le code d'un département s'écrit comme l'Insee l'écrit : 01, 2A, 971."
            )
        ],  # ROB-2: it is part of the gestionnaires' identifiers
    )
    name = models.CharField("nom", max_length=60)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class CafQuerySet(models.QuerySet):
    def numbered(self):
        """The 122 CAFs of annex 1 (the CMAF has no number there)."""
        return self.filter(is_maritime=False)

    def of_bajs(self, bajs):
        """JUR-1, ROLE-7: the CAFs a BAJ of `bajs` deals with — those of its département and those it signed a
        convention with (the CMAF) —, whose habilitations its gestionnaire sees."""
        return self.filter(models.Q(bajs__in=bajs) | models.Q(conventions__baj__in=bajs)).distinct()

    def local_contacts_of(self, bajs):
        """CONV-5: the CAFs of the départements of `bajs` (each BAJ's associated CAFs, REF-2), with their
        communication officers (annex 2) — given « afin d'engager des contacts au niveau local »."""
        return (
            self.filter(bajs__in=bajs)
            .distinct()
            .select_related("departement")
            .prefetch_related("contacts")
            .order_by("departement", "number")
        )


class Caf(models.Model):
    """REF-1: a caisse d'allocations familiales, or the CMAF (`is_maritime`, no number)."""

    number = models.CharField(
        "numéro", max_length=3, unique=True, null=True, blank=True, validators=[caf_number_validator]
    )
    name = models.CharField(
        "signature", max_length=80, help_text="Nom affiché dans le bandeau, ex. « Caf de la Charente »."
    )
    city = models.CharField("ville", max_length=60)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="cafs", verbose_name="département"
    )
    is_maritime = models.BooleanField("caisse maritime (CMAF)", default=False)
    address = models.TextField("adresse postale", blank=True)
    # DIA-1
    offers_dialogue = models.BooleanField(
        "propose la rubrique Dialogue", default=False, help_text="Les partenaires peuvent écrire à la Caf."
    )
    dialogue_email = models.EmailField(
        "adresse de notification des messages", blank=True, help_text="Facultatif : prévenir la Caf de chaque message."
    )
    # AUTH-11
    greffiers_second_factor = models.BooleanField(
        "double authentification des greffiers",
        default=False,
        help_text="Les greffiers habilités par cette Caf saisissent aussi un code à usage unique après leur "
        "mot de passe.",
    )

    objects = CafQuerySet.as_manager()

    class Meta:
        verbose_name = "Caf"
        verbose_name_plural = "Caf"  # BO-8: an acronym, invariable (« les Caf »), not Django's « Cafs »
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                name="caf_numbered_unless_maritime",
                condition=models.Q(is_maritime=True, number__isnull=True)
                | models.Q(is_maritime=False, number__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}" if self.number else self.name


class CafContact(models.Model):
    """REF-1: a communication officer of a CAF (annex 2)."""

    caf = models.ForeignKey(Caf, on_delete=models.CASCADE, related_name="contacts", verbose_name="Caf")
    last_name = models.CharField("nom", max_length=60, blank=True)
    first_name = models.CharField("prénom", max_length=60, blank=True)
    phone = models.CharField("téléphone", max_length=10, blank=True)
    fax = models.CharField("télécopie", max_length=10, blank=True)
    note = models.CharField("remarque", max_length=120, blank=True)

    class Meta:
        verbose_name = "chargé de communication"
        verbose_name_plural = "chargés de communication"
        ordering = ["caf", "pk"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip() or f"Contact {self.caf}"


class BajQuerySet(models.QuerySet):
    def dealing_with(self, caf):
        """JUR-1, ROLE-7: the BAJs `caf` deals with — those of its département and those it signed a convention
        with (the CMAF) — the twin of `Caf.objects.of_bajs`."""
        return self.filter(models.Q(cafs=caf) | models.Q(conventions__caf=caf)).distinct()


class Baj(models.Model):
    """REF-1, REF-2: a bureau d'aide juridictionnelle, attached to one juridiction, and the CAFs of its
    département (every CAF of the département; in Corsica and overseas, only its own département's)."""

    juridiction = models.CharField("juridiction", max_length=40, choices=JuridictionKind.choices)
    city = models.CharField("ville", max_length=60)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="bajs", verbose_name="département"
    )
    cafs = models.ManyToManyField(Caf, related_name="bajs", verbose_name="Caf associées")
    # BO-4: where the CAF writes to the juridiction — the letters and the convention (entered by the CAF).
    address = models.TextField(
        "adresse postale", blank=True, help_text="Service, rue, code postal et ville, sur plusieurs lignes."
    )
    phone = models.CharField("téléphone", max_length=20, blank=True)
    fax = models.CharField("télécopie", max_length=20, blank=True)

    objects = BajQuerySet.as_manager()

    class Meta:
        verbose_name = "bureau d'aide juridictionnelle"
        verbose_name_plural = "bureaux d'aide juridictionnelle"
        ordering = ["departement", "city", "juridiction"]
        constraints = [models.UniqueConstraint(fields=["juridiction", "city"], name="baj_unique_juridiction_city")]

    def __str__(self):
        return f"BAJ {self.juridiction_name}"

    @property
    def juridiction_name(self):
        if self.juridiction == JuridictionKind.TGI:
            elided = self.city[0] in "AEIOUYÉÈÊÂÎÔ"
            return f"{JuridictionKind.TGI.label} {'d’' if elided else 'de '}{self.city}"
        return str(self.get_juridiction_display())


class PostalCodeRuleQuerySet(models.QuerySet):
    def route(self, postal_code):
        """REF-3: the CAFs a postal code may belong to — the rules of the longest matching prefix.

        One CAF: routed. Several: the user must choose. None: unknown code. The CMAF is never reached
        this way (a 17xxx code routes to the CAF of La Rochelle).
        """
        prefixes = [postal_code[:n] for n in range(1, len(postal_code) + 1)]
        rules = list(self.filter(prefix__in=prefixes).select_related("caf"))
        if not rules:
            return []
        longest = max(len(rule.prefix) for rule in rules)
        return sorted(
            (rule.caf for rule in rules if len(rule.prefix) == longest),
            key=lambda caf: (caf.number is None, caf.number or ""),
        )


class PostalCodeRule(models.Model):
    """REF-3: a postal-code prefix covered by a CAF. Several rules on one prefix = several CAFs possible."""

    prefix = models.CharField("préfixe", max_length=5, validators=[postal_prefix_validator], db_index=True)
    caf = models.ForeignKey(Caf, on_delete=models.CASCADE, related_name="postal_rules", verbose_name="Caf")

    objects = PostalCodeRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "règle d'aiguillage postal"
        verbose_name_plural = "règles d'aiguillage postal"
        ordering = ["prefix"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "caf"], name="postal_rule_unique"),
        ]

    def __str__(self):
        return f"{self.prefix}… → {self.caf}"


convention_number_validator = RegexValidator(
    r"^[0-9]{6}/[0-9]{4}$", "Le numéro de convention s'écrit NNNNNN/AAAA (six chiffres, une barre, l'année)."
)


def default_profile():
    """CONS-6: a convention opens the profile T12, the circular's, unless told otherwise."""
    return Profile.objects.filter(code="T12").values_list("pk", flat=True).first()


# CONV-2: how far ahead the CAF is warned of an annual deadline or of the last day to denounce before it.
ALERT_DAYS = 60


class ConventionConditions:
    """CONV-2, CONV-4: the facts `Convention.state_on` reads on `day`, as conditions on the convention's fields at
    `prefix` (`"convention__"` from a habilitation) — written once for the state's twin (`state_case`) and the
    plain filter of the consultation path (`ConventionQuerySet.active_on`)."""

    def __init__(self, day, prefix=""):
        self.day, self.prefix = day, prefix

    def q(self, **lookups):
        return models.Q(**{f"{self.prefix}{name}": value for name, value in lookups.items()})

    @property
    def ended(self):
        return self.q(ends_on__lte=self.day)

    @property
    def running(self):
        """Not ended: the negation of `ended`, written for the index (no NOT over a nullable column)."""
        return self.q(ends_on__isnull=True) | self.q(ends_on__gt=self.day)

    @property
    def signed(self):
        return self.q(caf_signed_on__lte=self.day, partner_signed_on__lte=self.day)

    @property
    def started(self):
        return self.q(starts_on__lte=self.day)

    def state_case(self):
        """`Convention.state_on` in SQL, in the same order: the `ConventionState` of each row on `day`."""
        when, state = models.When, ConventionState
        return models.Case(
            when(self.ended & self.q(end_kind=ConventionEnd.BREACH), then=models.Value(state.TERMINATED)),
            when(self.ended, then=models.Value(state.ENDED)),
            when(self.signed & self.q(starts_on__gt=self.day), then=models.Value(state.NOT_STARTED)),
            when(self.signed & self.q(end_kind=ConventionEnd.DENUNCIATION), then=models.Value(state.DENOUNCED)),
            when(self.signed & self.q(first_period_ends_on__gte=self.day), then=models.Value(state.FIRST_PERIOD)),
            when(self.signed, then=models.Value(state.RENEWED)),
            default=models.Value(state.AWAITING_SIGNATURE),
            output_field=models.CharField(),
        )


class ConventionQuerySet(models.QuerySet):
    def with_state(self, day):
        """CONV-2: each convention annotated with its `state` on `day` — the twin of `Convention.state_on` for
        lists (tested equal to it)."""
        return self.annotate(state=ConventionConditions(day).state_case())

    def in_state_on(self, day, *states):
        """CONV-2: the conventions whose state on `day` is one of `states`."""
        return self.with_state(day).filter(state__in=states)

    def awaiting_signature_on(self, day):
        """CONV-4: the conventions not yet signed by both parties on `day`, and not ended."""
        return self.in_state_on(day, ConventionState.AWAITING_SIGNATURE)

    def active_on(self, day):
        """CONV-2, CONV-4: the conventions that give access on `day` — signed by both parties, started, not
        ended ("après signature d'une convention"): `state_on(day) in CONVENTION_GIVING_ACCESS`, as a plain filter
        (the consultation path: no CASE, the index on the dates; tested equal to the state)."""
        conditions = ConventionConditions(day)
        return self.filter(conditions.signed, conditions.started, conditions.running)

    def due_within(self, day, days=ALERT_DAYS):
        """CONV-2: the running conventions, not denounced, whose next annual deadline, or the last day to denounce
        still ahead (`next_notice_limit`: never a passed one, #24), falls within `days` of `day`."""
        horizon = day + dt.timedelta(days=days)
        running = self.active_on(day).filter(ends_on__isnull=True)
        return self.filter(
            pk__in=[c.pk for c in running if min(c.next_deadline(day), c.next_notice_limit(day)) <= horizon]
        )


DENUNCIATION_NOTICE_MONTHS = 2


class Convention(models.Model):
    """CONV-1, CONV-2: the convention between a juridiction (its BAJ) and a CAF, annex 3 of the circular.

    A first period from `starts_on` to `first_period_ends_on`, then tacit renewals of 12 months; each end of
    period is an annual deadline ("échéance annuelle"). Either party may denounce it at a deadline with
    2 months' notice; the CAF may terminate it at once for breach (article 5). `ends_on` is the first day
    without access (the day after the deadline, or the day of the termination)."""

    number = models.CharField("numéro", max_length=11, unique=True, validators=[convention_number_validator])
    caf = models.ForeignKey(Caf, on_delete=models.PROTECT, related_name="conventions", verbose_name="Caf")
    baj = models.ForeignKey(Baj, on_delete=models.PROTECT, related_name="conventions", verbose_name="BAJ")
    profile = models.ForeignKey(
        "Profile", on_delete=models.PROTECT, related_name="conventions", verbose_name="profil", default=default_profile
    )
    caf_signatory = models.CharField(
        "signataire pour la Caf", max_length=120, blank=True, help_text="Directeur ou directrice."
    )
    partner_signatory = models.CharField("signataire pour la juridiction", max_length=120, blank=True)
    partner_signatory_capacity = models.CharField(
        "qualité du signataire", max_length=10, choices=SignatoryCapacity.choices, default=SignatoryCapacity.HEAD
    )
    caf_signed_on = models.DateField("signée par la Caf le", null=True, blank=True, validators=DATE_VALIDATORS)
    partner_signed_on = models.DateField(
        "signée par la juridiction le", null=True, blank=True, validators=DATE_VALIDATORS
    )
    starts_on = models.DateField("prend effet le", validators=DATE_VALIDATORS)
    first_period_ends_on = models.DateField("fin de la première période", validators=DATE_VALIDATORS)
    ends_on = models.DateField(
        "fin de l'accès le", null=True, blank=True, help_text="Premier jour sans accès.", validators=DATE_VALIDATORS
    )
    end_kind = models.CharField("fin", max_length=12, choices=ConventionEnd.choices, blank=True)
    end_notice_on = models.DateField("dénonciation notifiée le", null=True, blank=True, validators=DATE_VALIDATORS)
    end_reason = models.TextField("motif de la résiliation", blank=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        ordering = ["caf", "number"]
        permissions = [("view_national_overview", "Consulter le suivi national des conventions (SADJPV)")]
        constraints = [
            models.CheckConstraint(
                name="convention_first_period_after_start",
                condition=models.Q(first_period_ends_on__gt=models.F("starts_on")),
            ),
            models.CheckConstraint(
                name="convention_ends_after_start",
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
            ),
            models.CheckConstraint(
                name="convention_breach_has_a_reason",
                condition=~models.Q(end_kind=ConventionEnd.BREACH) | ~models.Q(end_reason=""),
            ),
            dates_bounded(
                "convention_dates_bounded",
                "caf_signed_on",
                "partner_signed_on",
                "starts_on",
                "first_period_ends_on",
                "ends_on",
                "end_notice_on",
            ),
        ]

    def __str__(self):
        return f"Convention {self.number} ({self.caf} – {self.baj})"

    def clean(self):
        """CONV-4: a signature is recorded once given, never ahead of it."""
        today = timezone.localdate()
        errors = {
            field: "Une signature ne peut pas être datée dans le futur."
            for field in ("caf_signed_on", "partner_signed_on")
            if getattr(self, field) is not None and getattr(self, field) > today
        }
        if errors:
            raise ValidationError(errors)

    def is_active_on(self, day):
        """CONV-2, CONV-4: gives access on `day` (its state; `ConventionQuerySet.active_on` for lists)."""
        return self.state_on(day) in CONVENTION_GIVING_ACCESS

    def is_signed_on(self, day):
        """CONV-4: signed by both parties on `day`, and not ended — a habilitation may be granted under it."""
        return self.state_on(day) in CONVENTION_SIGNED

    # CONV-4 (#24): the fields that make the signed contract — frozen once both parties have signed; its end goes
    # only through the acts (`convention_denounce`, `convention_terminate`).
    CONTRACT_FIELDS = (
        "number",
        "caf",
        "baj",
        "profile",
        "caf_signatory",
        "caf_signed_on",
        "partner_signatory",
        "partner_signatory_capacity",
        "partner_signed_on",
        "starts_on",
        "first_period_ends_on",
        "ends_on",
        "end_kind",
        "end_notice_on",
        "end_reason",
    )

    def is_sealed_on(self, day=None):
        """CONV-4 (#24): signed by both parties (or ended) on `day` — its contract (`CONTRACT_FIELDS`) can no longer
        be edited; before the signatures, everything can."""
        return self.state_on(day) != ConventionState.AWAITING_SIGNATURE

    @property
    def partner_signatory_title(self):
        """CONV-1: the head of the juridiction, or their delegate."""
        head = JURIDICTION_HEADS[self.baj.juridiction]
        if self.partner_signatory_capacity == SignatoryCapacity.DELEGATE:
            return f"Délégataire du {head[0].lower()}{head[1:]}"
        return head

    def deadline(self, index):
        """The end of period `index` (0: the first period; n: the n-th tacit renewal of 12 months)."""
        return add_months(self.first_period_ends_on, 12 * index)

    def period_index_on(self, day):
        """The period `day` falls in (0 for the first), or None before the start."""
        if day < self.starts_on:
            return None
        index = 0
        while self.deadline(index) < day:
            index += 1
        return index

    def next_deadline(self, day):
        """The first annual deadline on or after `day`."""
        index = self.period_index_on(max(day, self.starts_on))
        return self.deadline(index)

    def earliest_denunciation_deadline(self, notice_on):
        """CONV-2: the first deadline at least 2 months after a notice given on `notice_on`."""
        index = self.period_index_on(max(notice_on, self.starts_on))
        while add_months(self.deadline(index), -DENUNCIATION_NOTICE_MONTHS) < notice_on:
            index += 1
        return self.deadline(index)

    def notice_limit(self, deadline):
        """The last day a denunciation may be notified for `deadline`."""
        return add_months(deadline, -DENUNCIATION_NOTICE_MONTHS)

    def next_notice_limit(self, day):
        """CONV-2 (#24): the last day to denounce that is still ahead on `day` — for the next deadline, or for the
        one after when its notice limit has passed (the convention is then renewed at the next deadline)."""
        return self.notice_limit(self.earliest_denunciation_deadline(day))

    def deadline_label(self, day):
        """CONV-2 (#24): the next annual deadline as the CAF's list shows it — a denounced convention's is its last
        one, the day it ends; a convention without one says why (never a bare « - »)."""
        if self.ends_on is None:
            return f"{self.next_deadline(day):%d/%m/%Y}"
        if self.end_kind != ConventionEnd.DENUNCIATION:
            return f"Aucune : résiliée, fin de l'accès le {self.ends_on:%d/%m/%Y}"
        last = self.ends_on - dt.timedelta(days=1)
        if day <= last:
            return f"{last:%d/%m/%Y} (dénoncée : fin de la convention)"
        return f"Aucune : terminée à l'échéance du {last:%d/%m/%Y} (dénonciation)"

    def notice_limit_label(self, day):
        """CONV-2 (#24): the last day to denounce still ahead, or why there is none (already denounced, ended)."""
        if self.ends_on is None:
            deadline = self.earliest_denunciation_deadline(day)
            if deadline == self.next_deadline(day):
                return f"{self.notice_limit(deadline):%d/%m/%Y}"
            # the next deadline's limit has passed: the useful limit is for the one after (#24 walk: no riddle)
            return f"{self.notice_limit(deadline):%d/%m/%Y} (pour l'échéance du {deadline:%d/%m/%Y})"
        return "Sans objet : déjà dénoncée" if self.end_kind == ConventionEnd.DENUNCIATION else "Sans objet : résiliée"

    def state_on(self, day=None):
        """CONV-2, CONV-4: the state of the convention on `day` (today by default) — the one reading of its
        signatures, dates and end, read by every reader (access, lists, alerts, buttons, the national page); its
        twin for lists is `ConventionQuerySet.with_state`, the same conditions (`ConventionConditions`)."""
        day = day or timezone.localdate()
        if self.ends_on is not None and self.ends_on <= day:
            return ConventionState.TERMINATED if self.end_kind == ConventionEnd.BREACH else ConventionState.ENDED
        signed = all(signed is not None and signed <= day for signed in (self.caf_signed_on, self.partner_signed_on))
        if not signed:
            return ConventionState.AWAITING_SIGNATURE
        if day < self.starts_on:
            return ConventionState.NOT_STARTED
        if self.end_kind == ConventionEnd.DENUNCIATION:
            return ConventionState.DENOUNCED
        return ConventionState.FIRST_PERIOD if day <= self.first_period_ends_on else ConventionState.RENEWED


class History(models.Model):
    """HAB-3: who changed what on a record, and when. Written by the services, read-only everywhere."""

    at = models.DateTimeField("le", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="par"
    )
    action = models.CharField("action", max_length=40)
    detail = models.TextField("détail", blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.action}"


class ConventionHistory(History):
    """HAB-3: the history of a convention."""

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="history", verbose_name="convention"
    )

    class Meta(History.Meta):
        verbose_name = "historique de convention"
        verbose_name_plural = "historique des conventions"


class CafRoleQuerySet(models.QuerySet):
    def cafs_of(self, user, kind=None):
        """ROLE-2, ROLE-3: the CAFs `user` works for (as `kind`), as a subquery."""
        roles = self.filter(user=user)
        if kind:
            roles = roles.filter(kind=kind)
        return Caf.objects.filter(pk__in=roles.values("caf"))


class CafRole(models.Model):
    """ROLE-2, ROLE-3: a CAF agent's role for one CAF (an agent may hold both roles). Read through
    `conventions.permissions`, never inline."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caf_roles", verbose_name="agent"
    )
    caf = models.ForeignKey(Caf, on_delete=models.CASCADE, related_name="staff_roles", verbose_name="Caf")
    kind = models.CharField("rôle", max_length=20, choices=CafRoleKind.choices)

    objects = CafRoleQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle d'agent de Caf"
        verbose_name_plural = "rôles d'agents de Caf"
        constraints = [models.UniqueConstraint(fields=["user", "caf", "kind"], name="caf_role_unique")]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()} — {self.caf}"


class BajManager(models.Model):
    """JUR-1: the gestionnaire of a juridiction for its BAJ — the chef de greffe or another person the president of
    the juridiction designated (circular I.2, I.3) —, recorded by a CAF of the BAJ with the designation's date.
    Read through `conventions.permissions`, never inline."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="baj_roles", verbose_name="gestionnaire"
    )
    baj = models.ForeignKey(Baj, on_delete=models.PROTECT, related_name="managers", verbose_name="BAJ")
    designated_on = models.DateField(
        "désigné le", help_text="Date de la désignation par le président.", validators=DATE_VALIDATORS
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now)
    recording_caf = models.ForeignKey(
        Caf,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré pour la Caf",
        help_text="Les autres Caf du BAJ confirment la désignation avant que le gestionnaire n'agisse sur "
        "leurs conventions.",  # ROLE-7
    )
    # ROLE-7: the CAFs that answer for the designation — the one that recorded it and those that confirmed it. The
    # gestionnaire acts on these CAFs' conventions only: a CAF that deals with the BAJ later (a convention signed
    # since, a CAF attached to the BAJ) is not one of them until it confirms.
    vouched_by = models.ManyToManyField(
        Caf, related_name="+", blank=True, verbose_name="Caf qui répondent de la désignation"
    )

    class Meta:
        verbose_name = "gestionnaire de juridiction"
        verbose_name_plural = "gestionnaires de juridiction"
        constraints = [
            models.UniqueConstraint(fields=["user", "baj"], name="baj_manager_unique"),
            dates_bounded("baj_manager_designated_on_bounded", "designated_on"),
        ]

    def __str__(self):
        return f"{self.user} — gestionnaire — {self.baj}"


class DifficultyReport(models.Model):
    """JUR-3: a difficulty a juridiction reports to the Ministry's follow-up (SADJPV; the circular's last
    paragraph), and its answer."""

    baj = models.ForeignKey(Baj, on_delete=models.PROTECT, related_name="difficulties", verbose_name="BAJ")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="signalé par"
    )
    reported_at = models.DateTimeField("signalé le", default=timezone.now)
    subject = models.CharField("objet", max_length=120)
    body = models.TextField("description", max_length=4000)
    answer = models.TextField("réponse", blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="répondu par",
    )
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)

    class Meta:
        verbose_name = "difficulté signalée"
        verbose_name_plural = "difficultés signalées"
        ordering = ["-reported_at", "-pk"]

    def __str__(self):
        return f"{timezone.localtime(self.reported_at):%d/%m/%Y} — {self.baj} — {self.subject}"


class Profile(models.Model):
    """CONS-6: a profile opens rubriques and, inside them, fields — data, not code. `grants` maps a rubrique
    code of the catalogue (`conventions.rubriques.CATALOGUE`) to the list of its fields the profile opens;
    anything absent is refused (deny by default). A profile is a term of the convention: its annex lists what
    the profile opens (annex 3, "PROFIL T12")."""

    code = models.CharField("code", max_length=8, unique=True)
    label = models.CharField("libellé", max_length=200)
    grants = models.JSONField("rubriques et champs ouverts", default=dict)

    class Meta:
        verbose_name = "profil"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.label}"

    def clean(self):
        try:
            CATALOGUE.check_grants(self.grants)
        except ValueError as error:
            raise ValidationError({"grants": str(error)}) from None

    def opens(self, rubrique):
        return rubrique in self.grants

    def shown_fields(self, rubrique):
        return frozenset(self.grants.get(rubrique, ()))

    def annex(self):
        """CONV-1, CONV-3, CONS-6: what the convention's annex lists for this profile — each rubrique it opens
        (under its full title: the benefits of the Paiements rubrique) with the annex's words for each field and
        what the annex says besides (the periods), in the catalogue's order."""
        return [
            (
                rubrique.title or rubrique.label,
                [field.label for field in rubrique.fields if field.code in self.shown_fields(rubrique.code)],
                rubrique.annex_notes,
            )
            for rubrique in CATALOGUE
            if self.opens(rubrique.code)
        ]
