"""An allocataire dossier and everything the T12 rubriques show (CONS-7 … CONS-13)."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from allocataires.enums import (
    Benefit,
    DependantKind,
    DialogueStatus,
    DossierSituation,
    FamilySituation,
    Nationality,
    PersonRole,
    ResourcePersonType,
)
from allocataires.nir import nir_validator
from habilitations.models import Habilitation

allocataire_number_validator = RegexValidator(r"^[0-9]{7}$", "Le numéro d'allocataire comporte 7 chiffres.")
insee_validator = RegexValidator(
    r"^([0-9]{5}|2A[0-9]{3}|2B[0-9]{3})$", "Le code INSEE de commune comporte 5 caractères."
)
MESSAGE_MAX_LENGTH = 4000  # DIA-2: a message, not a file

postal_code_validator = RegexValidator(r"^[0-9]{5}$", "Le code postal comporte 5 chiffres.")


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user, day):
        """CONS-5: the dossiers `user` may consult on `day` — those of the CAFs whose habilitations give them
        access that day. Everything else, existing or not, is out of reach."""
        return self.filter(
            caf__in=Habilitation.objects.giving_access_on(day).filter(user=user).values("convention__caf")
        )

    def visible_through(self, access):
        """CONS-5: the same dossiers as `visible_to(user, day)`, from the access of this request
        (`habilitations.access.access_for`, the CAFs the user reaches that day)."""
        return self.filter(caf_id__in=[caf.pk for caf in access.cafs])


class Dossier(models.Model):
    """CONS-9, CONS-10, CONS-13: the dossier, its situation, its family situation and its address.
    The allocataire number is unique within its CAF (not nationally)."""

    caf = models.ForeignKey("conventions.Caf", on_delete=models.PROTECT, related_name="dossiers", verbose_name="Caf")
    number = models.CharField("numéro d'allocataire", max_length=7, validators=[allocataire_number_validator])
    responsible = models.CharField("responsable du dossier", max_length=8, choices=PersonRole.choices)
    situation = models.CharField("situation", max_length=8, choices=DossierSituation.choices)
    situation_since = models.DateField("situation depuis le")
    radiation_reason = models.CharField("motif de radiation", max_length=120, blank=True)
    suspended_since = models.DateField("suspendu depuis le", null=True, blank=True)
    pf_dependants = models.PositiveSmallIntegerField("enfants à charge au sens des PF", default=0)
    housing_dependants = models.PositiveSmallIntegerField("personnes à charge au sens du logement", default=0)
    family_situation = models.CharField("situation de famille", max_length=12, choices=FamilySituation.choices)
    family_situation_since = models.DateField("situation de famille depuis le")
    pregnancy_start = models.DateField("début de grossesse", null=True, blank=True)
    pregnancy_start_modified = models.DateField("début de grossesse modifié", null=True, blank=True)
    address_line1 = models.CharField("adresse", max_length=120)
    address_line2 = models.CharField("complément d'adresse", max_length=120, blank=True)
    postal_code = models.CharField("code postal", max_length=5, validators=[postal_code_validator])
    city = models.CharField("commune", max_length=60)
    insee_code = models.CharField("code INSEE de la commune", max_length=5, validators=[insee_validator])

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier allocataire"
        verbose_name_plural = "dossiers allocataires"
        constraints = [
            models.UniqueConstraint(fields=["caf", "number"], name="dossier_unique_number_per_caf"),
            models.CheckConstraint(
                name="dossier_radiation_reason_only_if_radie",
                condition=models.Q(situation=DossierSituation.RADIE) | models.Q(radiation_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.caf.number if self.caf.number else 'CMAF'})"

    @property
    def is_suspended(self):
        return self.suspended_since is not None


class Person(models.Model):
    """CONS-9, CONS-10: Monsieur or Madame of a dossier (at most one of each)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField("qualité", max_length=8, choices=PersonRole.choices)
    last_name = models.CharField("nom", max_length=60)
    first_name = models.CharField("prénom", max_length=60)
    birth_name = models.CharField("nom de naissance", max_length=60, blank=True)
    birth_date = models.DateField("date de naissance")
    nir = models.CharField("NIR", max_length=15, validators=[nir_validator])
    activity = models.CharField("activité", max_length=60)
    activity_since = models.DateField("activité depuis le", null=True, blank=True)
    death_date = models.DateField("date de décès", null=True, blank=True)
    nationality = models.CharField("nationalité", max_length=10, choices=Nationality.choices)
    residence_permit_end = models.DateField("fin de validité du titre de séjour", null=True, blank=True)

    class Meta:
        verbose_name = "personne"
        ordering = ["role"]
        constraints = [models.UniqueConstraint(fields=["dossier", "role"], name="person_one_per_role")]

    def __str__(self):
        return f"{self.get_role_display()} {self.first_name} {self.last_name}"


class Dependant(models.Model):
    """CONS-10: a child or another person dependent in the PF, housing and/or RMI sense."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="dependants")
    kind = models.CharField("type", max_length=6, choices=DependantKind.choices)
    last_name = models.CharField("nom", max_length=60)
    first_name = models.CharField("prénom", max_length=60)
    birth_date = models.DateField("date de naissance")
    nir = models.CharField("NIR", max_length=15, blank=True, validators=[nir_validator])
    activity = models.CharField("activité", max_length=60, blank=True)
    dependent_pf = models.BooleanField("à charge au sens des PF", default=False)
    dependent_housing = models.BooleanField("à charge au sens du logement", default=False)
    dependent_rmi = models.BooleanField("à charge au sens du RMI", default=False)
    placed_without_emotional_ties = models.BooleanField("placement sans maintien des liens affectifs", default=False)

    class Meta:
        verbose_name = "personne à charge"
        verbose_name_plural = "personnes à charge"
        ordering = ["dossier", "kind", "birth_date"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class PaymentQuerySet(models.QuerySet):
    def paid_between(self, first, end):
        """CONS-8: payments processed or issued from `first` (included) to `end` (excluded), arrears included,
        overpayments not deducted (they are not payments)."""
        return self.filter(paid_on__gte=first, paid_on__lt=end)


class Payment(models.Model):
    """CONS-8: one payment of AAH, complément de ressources or MVA: the month it concerns, when it was
    processed or issued, the amount; arrears (rappels) are payments for an earlier month."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="payments")
    benefit = models.CharField("prestation", max_length=16, choices=Benefit.choices)
    period = models.DateField("mois concerné", help_text="Premier jour du mois concerné.")
    paid_on = models.DateField("traitement ou émission du paiement")
    amount = models.DecimalField("montant payé", max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    is_arrears = models.BooleanField("rappel", default=False)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = "paiement"
        ordering = ["dossier", "paid_on", "benefit"]
        indexes = [models.Index(fields=["dossier", "paid_on"], name="payment_dossier_paid_on")]
        constraints = [
            models.CheckConstraint(name="payment_amount_not_negative", condition=models.Q(amount__gte=0)),
        ]

    def __str__(self):
        return f"{self.get_benefit_display()} {self.period:%m/%Y}: {self.amount} €"


class Resource(models.Model):
    """CONS-12: declared annual resources of one person, by nature."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="resources")
    year = models.PositiveSmallIntegerField("année")
    person_type = models.CharField("type de personne", max_length=8, choices=ResourcePersonType.choices)
    nature = models.CharField("nature des ressources", max_length=80)
    amount = models.DecimalField("montant", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "ressource"
        ordering = ["dossier", "-year", "person_type"]
        indexes = [models.Index(fields=["dossier", "year"], name="resource_dossier_year")]

    def __str__(self):
        return f"{self.year} {self.get_person_type_display()} {self.nature}: {self.amount} €"


class RmiRight(models.Model):
    """CONS-11: the RMI right of a dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rmi_right")
    situation = models.CharField("situation", max_length=8, choices=DossierSituation.choices)
    situation_since = models.DateField("situation depuis le")
    radiation_reason = models.CharField("motif de radiation", max_length=120, blank=True)
    applicant = models.CharField("demandeur RMI", max_length=8, choices=PersonRole.choices)
    dependants = models.PositiveSmallIntegerField("personnes à charge au sens du RMI", default=0)
    requested_on = models.DateField("date de la demande")
    starts_on = models.DateField("début du droit")
    ends_on = models.DateField("fin du droit", null=True, blank=True)
    end_reason = models.CharField("motif de fin de droit", max_length=120, blank=True)

    class Meta:
        verbose_name = "droit RMI"
        verbose_name_plural = "droits RMI"
        constraints = [
            models.CheckConstraint(
                name="rmi_right_ends_after_start",
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self):
        return f"RMI {self.dossier}"


class DialogueMessageQuerySet(models.QuerySet):
    def sent_by(self, user):
        """DIA-2: a sender sees their own messages only."""
        return self.filter(sender=user)


class DialogueMessage(models.Model):
    """DIA-2, DIA-3: a partner's message to a CAF through the Dialogue rubrique. `token` is the form's
    one-time key: a second submission of the same form finds the first message instead of creating one."""

    token = models.UUIDField("clé du formulaire", unique=True, editable=False)
    caf = models.ForeignKey(
        "conventions.Caf", on_delete=models.PROTECT, related_name="dialogue_messages", verbose_name="Caf"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dialogue_messages", verbose_name="expéditeur"
    )
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)
    organisation = models.CharField("organisme", max_length=150)
    name = models.CharField("nom et prénom", max_length=150)
    email = models.EmailField("adresse électronique")
    allocataire_number = models.CharField("numéro d'allocataire concerné", max_length=7, blank=True)
    body = models.TextField("message", max_length=MESSAGE_MAX_LENGTH)
    status = models.CharField("état", max_length=12, choices=DialogueStatus.choices, default=DialogueStatus.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traité par",
    )
    handled_at = models.DateTimeField("traité le", null=True, blank=True)

    objects = DialogueMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message Dialogue"
        verbose_name_plural = "messages Dialogue"
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["caf", "status", "sent_at"], name="dialogue_caf_status")]

    def __str__(self):
        return f"{timezone.localtime(self.sent_at):%d/%m/%Y %H:%M} — {self.name} ({self.organisation})"
