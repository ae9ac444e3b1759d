"""CONS-6 … CONS-13: the rubriques of a dossier, each declared once — code, title, fields (with the annex's words
and what each reveals), reader and template. The rubrique pages, the edition (CONS-14), the profiles' grants and
the convention's annex all loop over these declarations (registered in `conventions.rubriques.CATALOGUE`).

Deny by default: a reader loads the dossier's data, and the template receives it only through a `Sight`, which
shows each object's attributes that a granted field reveals and nothing else (an attribute not revealed reads as
None). A template never decides what a profile may see."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from allocataires.enums import DependantKind, PaymentPeriodMode, PersonRole
from allocataires.forms import PaymentPeriodForm
from allocataires.models import Dependant, Dossier, Payment, Person, Resource, RmiRight
from allocataires.periods import PeriodError, payment_period
from conventions.models import Caf

# -- what the readers load ----------------------------------------------------------------------------------


@dataclass
class PaymentMonth:
    month: object
    payments: list = field(default_factory=list)
    total: Decimal = Decimal(0)
    cumulative: Decimal = Decimal(0)


@dataclass
class PaymentHistory:
    """CONS-8: the months of the period asked, each with its payments, its total and the cumulative total."""

    months: list
    total: Decimal


@dataclass
class Family:
    """CONS-10: the children, and the other dependent persons."""

    children: list
    others: list


@dataclass
class ResourceGroup:
    person_type: str
    resources: list

    def get_person_type_display(self):
        return {"monsieur": "de Monsieur", "madame": "de Madame", "enfant": "des enfants"}.get(
            self.person_type, "d'autres personnes"
        )


@dataclass
class ResourceYear:
    """CONS-12: the resources of one year, by person type, and the neighbouring known years."""

    year: int
    groups: list
    older_year: int | None = None
    newer_year: int | None = None


# -- declarations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    code: str
    label: str  # the words of the convention's annex (CONS-6)
    reveals: dict = field(default_factory=dict)  # class → the attributes of it this field shows


@dataclass(frozen=True)
class Rubrique:
    code: str
    label: str
    fields: tuple
    title: str = ""  # the heading of the rubrique's page, when longer than its label
    annex_notes: tuple = ()  # CONV-3: what the convention's annex says of the rubrique besides its fields
    read: object = None  # (dossier, params, edition) → (data, page); see below
    tab: bool = True
    select: tuple = ()  # what the reader needs loaded with the dossier (the persons always are)
    prefetch: tuple = ()
    template: str = "allocataires/dossier_base.html"  # the page; its content is `partial`

    @property
    def partial(self):
        """The rubrique's content alone, shared by its page and the edition."""
        return f"allocataires/rubriques/_{self.code}.html"

    def granted(self, profile):
        """The fields of this rubrique that `profile` opens (deny by default)."""
        codes = profile.shown_fields(self.code)
        return [f for f in self.fields if f.code in codes]

    def seen(self, profile, dossier, data):
        """The template context of this rubrique for `profile`: the header (CONS-7) seen through the header's
        granted fields, the reader's data through this rubrique's and the header's."""
        header = ENTETE.granted(profile)
        return {
            "header": Sight(header).data({"dossier": dossier, "persons": persons_by_role(dossier)}),
            **Sight(header + self.granted(profile)).data(data),
        }


# What every profile that opens a rubrique sees of its objects: keys and labels, not data (which CAF, which
# adult — Monsieur or Madame —, child or other person, which benefit, which month of the period asked).
STRUCTURE = {
    Dossier: {"pk", "caf"},
    Person: {"role"},
    Dependant: {"kind"},
    Payment: {"benefit"},
    PaymentMonth: {"month", "payments"},
    PaymentHistory: {"months"},
    Family: set(),
    RmiRight: set(),
    Resource: set(),
    ResourceGroup: {"resources"},
    ResourceYear: {"groups"},
}
PUBLIC = (Caf,)  # the CAF of a dossier is not the allocataire's data


class Sight:
    """A profile's sight of a dossier: which attributes of which object the granted fields reveal."""

    def __init__(self, fields):
        self.names = defaultdict(set, {cls: set(names) for cls, names in STRUCTURE.items()})
        for granted in fields:
            for cls, names in granted.reveals.items():
                self.names[cls] |= set(names)

    def show(self, value):
        if isinstance(value, list):
            return [self.show(item) for item in value]
        if type(value) in STRUCTURE:
            return Shown(value, self)
        if isinstance(value, models.Model) and not isinstance(value, PUBLIC):
            raise ImproperlyConfigured(f"{type(value).__name__} n'est pas déclaré dans allocataires.rubriques.")
        return value

    def data(self, data):
        """A reader's data, each value an object of STRUCTURE (or a list of them, or None) — never a bare value,
        which no field could hide."""
        for key, value in data.items():
            items = value if isinstance(value, list) else [value]
            if any(item is not None and type(item) not in STRUCTURE for item in items):
                raise ImproperlyConfigured(f"La donnée « {key} » d'une rubrique doit être un objet déclaré.")
        return {key: self.show(value) for key, value in data.items()}


class Shown:
    """An object seen through a `Sight`: a revealed attribute (or its `get_…_display`) reads as usual, nested
    objects are shown through the same sight, anything else reads as None."""

    __slots__ = ("_object", "_sight")

    def __init__(self, obj, sight):
        self._object, self._sight = obj, sight

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        attribute = name[4:-8] if name.startswith("get_") and name.endswith("_display") else name
        if attribute not in self._sight.names[type(self._object)]:
            return None
        return self._sight.show(getattr(self._object, name))

    def __eq__(self, other):
        return isinstance(other, Shown) and other._object is self._object

    def __hash__(self):
        return id(self._object)


# -- readers: (dossier, params, edition) → (data for the template, seen through the sight; page mechanics) ---


def persons_by_role(dossier):
    """CONS-7: Madame then Monsieur (the manual's order), from the prefetched persons."""
    persons = {person.role: person for person in dossier.persons.all()}
    return [persons[role] for role in (PersonRole.MADAME, PersonRole.MONSIEUR) if role in persons]


def payments_by_month(dossier, period):
    """CONS-8: the months of the period, each with the payments processed or issued in it, its total and the
    cumulative total since the start of the period. One query."""
    months = {month: PaymentMonth(month) for month in period.months}
    for payment in dossier.payments.paid_between(period.first, period.end).order_by("paid_on", "benefit", "period"):
        entry = months[payment.paid_on.replace(day=1)]
        entry.payments.append(payment)
        entry.total += payment.amount
    cumulative = Decimal(0)
    for entry in months.values():
        cumulative += entry.total
        entry.cumulative = cumulative
    return PaymentHistory(list(months.values()), cumulative)


def month_navigation(months, wanted):
    """The month shown in detail (the first by default) and its neighbours within the period."""
    index = next((i for i, entry in enumerate(months) if entry.month == wanted), 0)
    previous_month = months[index - 1].month if index > 0 else None
    next_month = months[index + 1].month if index + 1 < len(months) else None
    return months[index], previous_month, next_month


def _month_param(value):
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except (TypeError, ValueError):
        return None


def read_paiements(dossier, params, edition=False):
    """CONS-8: the request date and the period asked (given now, or kept from earlier in the session); the months
    and the detail of one of them, or of every month in the edition. « modifier » shows the form again, filled."""
    asked = "date" in params and "modifier" not in params
    form = PaymentPeriodForm(
        params if asked else None, initial={"date": params.get("date"), "mode": params.get("mode")}
    )
    page = {"period_form": form, "edition": edition}
    data = {"history": None, "shown_month": None}
    if asked and form.is_valid():
        try:
            period = payment_period(form.cleaned_data["date"], form.cleaned_data["mode"], timezone.localdate())
        except PeriodError as error:
            form.add_error("date", str(error))
        else:
            history = payments_by_month(dossier, period)
            shown_month, previous_month, next_month = month_navigation(
                history.months, _month_param(params.get("mois"))
            )
            data = {"history": history, "shown_month": shown_month}
            page.update(
                period=period,
                previous_month=previous_month,
                next_month=next_month,
                kept={"date": f"{form.cleaned_data['date']:%d%m%Y}", "mode": form.cleaned_data["mode"]},
            )
    return data, page


def read_dossier(dossier, params, edition=False):
    """CONS-9."""
    return {"dossier": dossier, "persons": persons_by_role(dossier)}, {}


def read_famille(dossier, params, edition=False):
    """CONS-10: from the prefetched persons and dependants."""
    dependants = list(dossier.dependants.all())
    family = Family(
        children=[d for d in dependants if d.kind == DependantKind.ENFANT],
        others=[d for d in dependants if d.kind == DependantKind.AUTRE],
    )
    return {"dossier": dossier, "persons": persons_by_role(dossier), "family": family}, {}


def read_rmi(dossier, params, edition=False):
    """CONS-11: the RMI right, if any (selected with the dossier)."""
    try:
        rmi = dossier.rmi_right
    except RmiRight.DoesNotExist:
        rmi = None
    return {"rmi": rmi}, {}


def resources_years(dossier):
    """CONS-12: the last three years for which resources are known, newest first. One query."""
    return list(dossier.resources.order_by("-year").values_list("year", flat=True).distinct()[:3])


def resource_year(dossier, years, year):
    """CONS-12: the resources of one year, grouped by person type in the manual's order. One query."""
    grouped = defaultdict(list)
    for resource in dossier.resources.filter(year=year).order_by("person_type", "nature"):
        grouped[resource.person_type].append(resource)
    order = ["monsieur", "madame", "enfant", "autre"]
    index = years.index(year)
    return ResourceYear(
        year=year,
        groups=[ResourceGroup(person_type, grouped[person_type]) for person_type in order if person_type in grouped],
        older_year=years[index + 1] if index + 1 < len(years) else None,
        newer_year=years[index - 1] if index > 0 else None,
    )


def read_ressources(dossier, params, edition=False):
    """CONS-12: one of the last three known years (the newest by default); every one of them in the edition."""
    years = resources_years(dossier)
    if edition:
        return {"years": [resource_year(dossier, years, year) for year in years]}, {}
    try:
        year = int(params.get("annee", ""))
    except ValueError:
        year = None
    if year not in years:
        year = years[0] if years else None
    return {"years": [resource_year(dossier, years, year)] if year else []}, {}


def read_adresse(dossier, params, edition=False):
    """CONS-13."""
    return {"dossier": dossier}, {}


DEPENDANT = ("last_name", "first_name", "birth_date", "activity")

# CONS-7: the header of every rubrique is a rubrique of its own: a profile opens it like the others.
ENTETE = Rubrique(
    "entete",
    "En-tête",
    tab=False,
    fields=(
        Field("numero", "Numéro d'allocataire", {Dossier: {"number"}}),
        Field("noms", "Nom et prénom de Monsieur et Madame", {Person: {"first_name", "last_name"}}),
        Field("responsable", "Indication du responsable du dossier", {Dossier: {"responsible"}}),
    ),
)

RUBRIQUES = [
    ENTETE,
    Rubrique(
        "paiements",
        "Paiements",
        title="Paiements AAH, complément de ressources AAH, majoration pour la vie autonome",
        annex_notes=(
            "Le montant payé s'entend sans déduction des indus, paiement mensuel et rappels retenus à la date de "
            "traitement ou d'émission du paiement.",
            "L'historique mois par mois avec cumul est restitué selon les trois modalités suivantes : "
            + " ; ".join(label[0].lower() + label[1:] for label in PaymentPeriodMode.labels)
            + ".",
        ),
        read=read_paiements,
        template="allocataires/rubriques/paiements.html",
        fields=(
            Field("periode", "Période concernée", {Payment: {"period", "is_arrears"}}),
            Field(
                "traitement",
                "Date de traitement ou d'émission du paiement, y compris les rappels",
                {Payment: {"paid_on"}},
            ),
            Field(
                "montant",
                "Montant payé (sans déduction des indus), mois par mois avec cumul, et montant total sur la période",
                {Payment: {"amount"}, PaymentMonth: {"total", "cumulative"}, PaymentHistory: {"total"}},
            ),
        ),
    ),
    Rubrique(
        "dossier",
        "Dossier",
        read=read_dossier,
        fields=(
            Field(
                "situation",
                "Situation du dossier (affilié, radié…) avec motif s'il y a radiation",
                {Dossier: {"situation", "situation_since", "radiation_reason"}},
            ),
            Field(
                "suspension", "Suspension du dossier et date de début", {Dossier: {"suspended_since", "is_suspended"}}
            ),
            Field(
                "enfants_pf",
                "Nombre d'enfants à charge au sens des prestations familiales",
                {Dossier: {"pf_dependants"}},
            ),
            Field(
                "personnes_logement",
                "Nombre de personnes à charge au sens du logement",
                {Dossier: {"housing_dependants"}},
            ),
            Field("nationalite", "Nationalité : française, EEE, étrangère", {Person: {"nationality"}}),
            Field(
                "titre_sejour",
                "Date de fin de validité du titre de séjour de Monsieur et de Madame",
                {Person: {"residence_permit_end"}},
            ),
        ),
    ),
    Rubrique(
        "famille",
        "Famille",
        read=read_famille,
        prefetch=("dependants",),
        fields=(
            Field(
                "situation_famille",
                "Situation de famille avec date de début",
                {Dossier: {"family_situation", "family_situation_since"}},
            ),
            Field("naissance", "Date de naissance de Monsieur et de Madame", {Person: {"birth_date"}}),
            Field(
                "activite",
                "Activité de Monsieur et de Madame avec date de début",
                {Person: {"activity", "activity_since"}},
            ),
            Field("nom_naissance", "Nom de naissance de Madame", {Person: {"birth_name"}}),
            Field("nir", "NIR de Monsieur et de Madame", {Person: {"nir"}}),
            Field("deces", "Date de décès", {Person: {"death_date"}}),
            Field(
                "grossesse",
                "Date de début de grossesse et date modifiée",
                {Dossier: {"pregnancy_start", "pregnancy_start_modified"}},
            ),
            Field(
                "enfants",
                "Enfants à charge au sens des prestations familiales, du logement et/ou du RMI : nom, prénom, date de "
                "naissance, type de charge, activité, et si placement, mention du non maintien des liens affectifs",
                {
                    Family: {"children"},
                    Dependant: {
                        *DEPENDANT,
                        "dependent_pf",
                        "dependent_housing",
                        "dependent_rmi",
                        "placed_without_emotional_ties",
                    },
                },
            ),
            Field(
                "autres_personnes",
                "Autres personnes à charge : nom, prénom, date de naissance, activité",
                {Family: {"others"}, Dependant: set(DEPENDANT)},
            ),
        ),
    ),
    Rubrique(
        "rmi",
        "RMI",
        read=read_rmi,
        select=("rmi_right",),
        fields=(
            Field(
                "situation",
                "Situation du dossier (affilié, radié…), date, et motif de la situation si radié",
                {RmiRight: {"situation", "situation_since", "radiation_reason"}},
            ),
            Field("demandeur", "Mention du demandeur RMI (Monsieur ou Madame)", {RmiRight: {"applicant"}}),
            Field("personnes_rmi", "Nombre d'enfants à charge au sens du RMI", {RmiRight: {"dependants"}}),
            Field("demande", "Date de la demande", {RmiRight: {"requested_on"}}),
            Field("droit", "Date de début et date de fin du droit", {RmiRight: {"starts_on", "ends_on"}}),
            Field("motif_fin", "Motif de fin de droit", {RmiRight: {"end_reason"}}),
        ),
    ),
    Rubrique(
        "ressources",
        "Ressources",
        read=read_ressources,
        template="allocataires/rubriques/ressources.html",
        fields=(
            Field(
                "annee",
                "Ressources annuelles (les trois dernières années connues)",
                {ResourceYear: {"year", "older_year", "newer_year"}},
            ),
            Field("type_personne", "Type de personne (Monsieur, Madame, etc.)", {ResourceGroup: {"person_type"}}),
            Field("nature", "Nature des ressources et montants", {Resource: {"nature", "amount"}}),
        ),
    ),
    Rubrique(
        "adresse",
        "Adresse",
        read=read_adresse,
        fields=(
            Field(
                "adresse",
                "Adresse postale du dossier",
                {Dossier: {"address_line1", "address_line2", "postal_code", "city"}},
            ),
            Field("code_insee", "Code INSEE de la commune", {Dossier: {"insee_code"}}),
        ),
    ),
]
