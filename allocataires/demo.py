"""Demo dataset: realistic, internally consistent, deterministic allocataire dossiers.

Consistency rules the tests check: a NIR carries a valid key, the sex, year and month of birth and the
INSEE code of the birth commune; an address's postal code and INSEE code are those of a real commune of
the dossier's CAF; children are younger than their parents; payments are monthly, issued on the 5th
(next working day) of the following month; the dossier's counts of dependants match its dependants.
The same (seed, as-of date, CAFs) always gives the same dataset.
"""

import base64
import csv
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from allocataires.enums import (
    Benefit,
    DependantKind,
    DossierSituation,
    FamilySituation,
    Nationality,
    PersonRole,
    ResourcePersonType,
)
from allocataires.models import Dependant, Dossier, Payment, Person, Resource, RmiRight
from allocataires.nir import nir_key
from conventions.enums import CafRoleKind, JuridictionKind
from conventions.models import Baj, BajManager, Caf, CafRole, Convention, Profile
from conventions.services import convention_denounce, convention_terminate
from core.dates import add_months
from habilitations.enums import GreffeFunction, HabilitationStatus
from habilitations.models import Habilitation, User

DEMO_COMMUNES = settings.BASE_DIR / "fixtures" / "demo_communes.csv"
# Documented in the README. Demo only: seed_demo refuses to run with the production settings.
# (identifier, password or None for a request not yet granted, last name, first name, staff, function,
# habilitations: [(BAJ city, CAF number or None for the CMAF, status), …] — one per CAF, CONS-5)
ACTIVE, SUSPENDED = HabilitationStatus.ACTIVE, HabilitationStatus.SUSPENDED
DEMO_ACCOUNTS = [
    ("DEMOADM1", "demo-cafpro-admin", "Démo", "Admin", True, None, []),
    ("T1001161", "Gref16", "Martin", "Claire", False, GreffeFunction.GREFFIER, [("Angoulême", "161", ACTIVE)]),
    (
        "T5900001",
        "Lille5",
        "Lefebvre",
        "Paul",
        False,
        GreffeFunction.GREFFIER_EN_CHEF,
        [
            ("Lille", "591", ACTIVE),
            ("Lille", "595", ACTIVE),
            ("Lille", "597", ACTIVE),
            ("Lille", None, ACTIVE),
            ("Lille", "593", SUSPENDED),
        ],
    ),
    (
        "T1001162",
        "Revok1",
        "Bernard",
        "Luc",
        False,
        GreffeFunction.GREFFIER,
        [("Angoulême", "161", HabilitationStatus.REVOKED)],
    ),
    (
        "T1001163",
        None,
        "Garnier",
        "Inès",
        False,
        GreffeFunction.GREFFIER,
        [("Angoulême", "161", HabilitationStatus.REQUESTED)],
    ),
    ("T1001164", "Suspe1", "Roux", "Hugo", False, GreffeFunction.GREFFIER, [("Angoulême", "161", SUSPENDED)]),
]
# CAF agents (README): (identifier, password, last name, first name, CAF number, roles). The CAF of the
# Charente offers the Dialogue rubrique in the demo.
DEMO_CAF_AGENTS = [
    ("CAF16101", "agent-caf-161", "Petit", "Sophie", "161", [CafRoleKind.ADMINISTRATOR, CafRoleKind.SECURITY_OFFICER]),
    ("CAF17101", "agent-caf-171", "Dumas", "Marc", "171", [CafRoleKind.ADMINISTRATOR]),
    ("CAF59501", "agent-caf-595", "Leroy", "Anne", "595", [CafRoleKind.ADMINISTRATOR, CafRoleKind.SECURITY_OFFICER]),
    # ROLE-7: the Caf de Roubaix confirms the credentials the Caf de Lille prints for T5900001 (README).
    (
        "CAF59701",
        "agent-caf-597",
        "Lemaire",
        "Julie",
        "597",
        [CafRoleKind.ADMINISTRATOR, CafRoleKind.SECURITY_OFFICER],
    ),
]
DEMO_DIALOGUE_CAFS = ["161"]
# JUR-1: the gestionnaire of the BAJ of Angoulême (README): (identifier, password, last name, first name,
# civility, BAJ city), designated a year before the demo day.
DEMO_BAJ_MANAGERS = [("G1600001", "Gest16", "Moreau", "Isabelle", "madame", "Angoulême")]
# The demo conventions, signed by both parties: the BAJ of Angoulême with the CAF of the Charente (a local
# access), the BAJ of Lille with the eight CAFs of the Nord and the CMAF (a multi-CAF access).
DEMO_CONVENTIONS = [
    ("Angoulême", ["161"], False),
    ("Lille", ["591", "592", "593", "594", "595", "596", "597", "599"], True),
]
# BO-4: the postal addresses the CAFs entered for the demo BAJs (no street: a demo, not a directory).
DEMO_BAJ_ADDRESSES = {
    "Angoulême": ("Bureau d'aide juridictionnelle\nPalais de justice\n16000 ANGOULÊME", "05 45 00 00 16"),
    "Lille": ("Bureau d'aide juridictionnelle\nPalais de justice\n59000 LILLE", "03 20 00 00 59"),
}
# BO-4: how the letters greet the demo greffiers.
DEMO_CIVILITIES = {
    "T1001161": "madame",
    "T5900001": "monsieur",
    "T1001162": "monsieur",
    "T1001163": "madame",
    "T1001164": "monsieur",
}
# Conventions in the other states (README): (BAJ city, CAF, state).
DEMO_STATE_CONVENTIONS = [
    ("Rochefort", "171", "denounced"),
    ("La Rochelle", "171", "terminated"),
    ("Saintes", "171", "first_period"),
    ("Cusset", "031", "not_started"),
    ("Montluçon", "031", "ended"),
    ("Niort", "791", "awaiting_signature"),
]
# The Ministry's follow-up (ROLE-4).
DEMO_MINISTRY = ("SADJPV01", "suivi-national-demo", "Service", "SADJPV")
# The national security officer (ROLE-6), e.g. at the CNAF: the journal's lines that concern no CAF.
DEMO_NATIONAL_SECURITY = ("CNAFSEC1", "securite-nationale-demo", "Sécurité", "Cnaf")
# AUTH-11: the fixed TOTP secrets (base32) of the demo accounts that use a second factor, enrolled already and
# printed in the README so that anyone can compute their codes (`oathtool --totp -b SECRET`, a phone app).
DEMO_TOTP_SECRETS = {
    "DEMOADM1": "ZLQHPFGUWDCNT5P6PI2MALRW7VACCP2E",
    "CAF16101": "FBQR3HOLGJYQ2XOML6ZYSMMQBD23T43W",
    "CAF17101": "W55LZIF7HMYSUKYW6L2WPIKB37PU5ZZA",
    "CAF59501": "AYKCRCOWUYSR2CUIFKGP5RKOZ3M3XFBQ",
    "CAF59701": "5O3HFHHYOPT5U7XI47RU5F2ZVKWDK3VG",
    "SADJPV01": "FOWWNR2HBMM65R4DIIPG7ETP6OO7437J",
    "CNAFSEC1": "Q3MCR2PEOPBKPNICNBFGHP6K2LNO6CCM",
}
# A fully populated dossier under this number in these CAFs (README).
SHOWCASE_NUMBER = "1000001"
SHOWCASE_CAFS = ["161", "595", None]  # None: the CMAF

# INSEE codes of birth countries (NIR positions 6-10 are "99" + country for persons born abroad).
EEE_COUNTRIES = ["139", "127", "134", "109", "131"]  # Portugal, Italie, Espagne, Allemagne, Belgique
OTHER_COUNTRIES = ["350", "352", "351", "341", "208"]  # Maroc, Algérie, Tunisie, Sénégal, Turquie

# A person's activity as the CAF writes it: Monsieur's word, Madame's word, how often.
ACTIVITIES = [
    ("Salarié", "Salariée", 40),
    ("Sans activité", "Sans activité", 15),
    ("Demandeur d'emploi", "Demandeuse d'emploi", 15),
    ("Travailleur indépendant", "Travailleuse indépendante", 6),
    ("Retraité", "Retraitée", 8),
    ("Invalide", "Invalide", 6),
    ("Congé parental", "Congé parental", 4),
    ("Étudiant", "Étudiante", 6),
]
RESOURCE_NATURES = [
    "Salaires et traitements",
    "Indemnités Sécurité sociale",
    "Allocations chômage",
    "Pensions de retraite",
    "Pension d'invalidité",
    "Revenus non salariaux",
]
RADIATION_REASONS = [
    "Mutation vers une autre Caf",
    "Absence de droit",
    "Départ à l'étranger",
    "Décès de l'allocataire",
]
RMI_END_REASONS = ["Reprise d'activité", "Ressources supérieures au plafond", "Divers"]
# Full monthly AAH rate by calendar year (demo figures).
AAH_RATE = {2022: Decimal("919.86"), 2023: Decimal("971.37"), 2024: Decimal("1016.05"), 2025: Decimal("1033.32")}
COMPLEMENT_AAH = Decimal("179.31")
MVA = Decimal("104.77")


def make_nir(sex, birth_date, birthplace, order):
    """A valid NIR: sex, year, month, birth commune (INSEE code, or 99 + country), order, key."""
    body = f"{sex}{birth_date:%y}{birth_date:%m}{birthplace}{order:03d}"
    return body + nir_key(body)


def payment_date(period):
    """CAF payments are issued on the 5th of the following month, or the next working day."""
    year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
    day = dt.date(year, month, 5)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def add_years(day, years):
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def aah_rate(day):
    return AAH_RATE[min(max(day.year, min(AAH_RATE)), max(AAH_RATE))]


@dataclass
class Commune:
    name: str
    postal_code: str
    insee: str


def load_communes():
    with open(DEMO_COMMUNES, encoding="utf-8") as handle:
        return {
            row["caf"]: Commune(row["commune"], row["postal_code"], row["insee"]) for row in csv.DictReader(handle)
        }


class DemoGenerator:
    """Builds dossiers and their rows in memory, batch by batch, for bulk insertion."""

    def __init__(self, *, seed, as_of, cafs):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.cafs = list(cafs)
        faker = Faker("fr_FR")
        faker.seed_instance(seed)
        self.male_first = sorted({faker.first_name_male() for _ in range(400)})
        self.female_first = sorted({faker.first_name_female() for _ in range(400)})
        self.last_names = sorted({faker.last_name().upper() for _ in range(1500)})
        self.streets = sorted({faker.street_name() for _ in range(600)})
        self.communes = load_communes()
        self.all_communes = sorted(self.communes.values(), key=lambda commune: commune.insee)
        self.next_number = {}
        for caf in self.cafs:
            last = Dossier.objects.filter(caf=caf).order_by("-number").values_list("number", flat=True).first()
            self.next_number[caf.pk] = int(last) + 1 if last else 1_000_000 + self.rng.randrange(1, 900_000)

    # -- small helpers -------------------------------------------------------------------------------------
    def _date_between(self, start, end):
        return start + dt.timedelta(days=self.rng.randrange(max((end - start).days, 1)))

    def _birth_date(self, min_age, max_age):
        return self._date_between(
            add_years(self.as_of, -max_age),
            add_years(self.as_of, -min_age),
        )

    def _activity(self, sex):
        """Monsieur's or Madame's word (sex 1 or 2) for an activity drawn at its frequency."""
        words = self.rng.choices(ACTIVITIES, weights=[weight for *_, weight in ACTIVITIES])[0]
        return words[sex - 1]

    def _birthplace_and_nationality(self):
        roll = self.rng.random()
        if roll < 0.86:
            return self.rng.choice(self.all_communes).insee, Nationality.FRANCAISE
        if roll < 0.91:
            return "99" + self.rng.choice(EEE_COUNTRIES), Nationality.EEE
        return "99" + self.rng.choice(OTHER_COUNTRIES), Nationality.ETRANGERE

    def _person(self, dossier, role, last_name, birth_name, first_name, birth_date):
        sex = 1 if role == PersonRole.MONSIEUR else 2
        birthplace, nationality = self._birthplace_and_nationality()
        permit_end = None
        if nationality == Nationality.ETRANGERE:
            permit_end = self._date_between(self.as_of - dt.timedelta(days=90), self.as_of + dt.timedelta(days=3650))
        return Person(
            dossier=dossier,
            role=role,
            last_name=last_name,
            first_name=first_name,
            birth_name=birth_name,
            birth_date=birth_date,
            nir=make_nir(sex, birth_date, birthplace, self.rng.randrange(1, 1000)),
            activity=self._activity(sex),
            activity_since=self._date_between(add_years(birth_date, 18), self.as_of),
            nationality=nationality,
            residence_permit_end=permit_end,
        )

    # -- one dossier ------------------------------------------------------------------------------------------
    def dossier(self, caf):
        rng, as_of = self.rng, self.as_of
        number = self.next_number[caf.pk]
        self.next_number[caf.pk] += 1
        commune = self.communes.get(caf.number) if caf.number else None
        commune = commune or rng.choice(self.all_communes)
        family = rng.choices(list(FamilySituation), weights=[22, 30, 18, 8, 8, 10, 4])[
            0
        ]  # célibataire, mariage, vie maritale, pacs, séparation, divorce, veuvage
        couple = family in FamilySituation.couples()
        family_name = rng.choice(self.last_names)
        situation = DossierSituation.RADIE if rng.random() < 0.06 else DossierSituation.AFFILIE
        dossier = Dossier(
            caf=caf,
            number=f"{number:07d}",
            situation=situation,
            situation_since=self._date_between(as_of - dt.timedelta(days=365 * 15), as_of - dt.timedelta(days=30)),
            radiation_reason=rng.choice(RADIATION_REASONS) if situation == DossierSituation.RADIE else "",
            suspended_since=(
                self._date_between(as_of - dt.timedelta(days=400), as_of) if rng.random() < 0.03 else None
            ),
            family_situation=family,
            family_situation_since=self._date_between(
                as_of - dt.timedelta(days=365 * 20), as_of - dt.timedelta(days=60)
            ),
            address_line1=f"{rng.randrange(1, 180)}, {rng.choice(self.streets)}",
            postal_code=commune.postal_code,
            city=commune.name,
            insee_code=commune.insee,
        )
        persons = []
        if couple or rng.random() < 0.68:
            birth = self._birth_date(20, 75)
            birth_name = rng.choice(self.last_names) if family == FamilySituation.MARIAGE else family_name
            persons.append(
                self._person(
                    dossier,
                    PersonRole.MADAME,
                    family_name,
                    birth_name,
                    rng.choice(self.female_first),
                    birth,
                )
            )
        if couple or not persons:
            birth = self._birth_date(20, 75)
            persons.append(
                self._person(dossier, PersonRole.MONSIEUR, family_name, "", rng.choice(self.male_first), birth)
            )
        dossier.responsible = rng.choice(persons).role
        if couple and rng.random() < 0.005:
            # A spouse's death not yet turned into a change of family situation.
            partner = next(p for p in persons if p.role != dossier.responsible)
            partner.death_date = self._date_between(as_of - dt.timedelta(days=90), as_of)
        youngest_parent = max(person.birth_date for person in persons)
        mother = next((p for p in persons if p.role == PersonRole.MADAME), None)
        if mother and as_of.year - mother.birth_date.year < 45 and rng.random() < 0.04:
            dossier.pregnancy_start = self._date_between(as_of - dt.timedelta(days=240), as_of)
            if rng.random() < 0.3:
                dossier.pregnancy_start_modified = dossier.pregnancy_start + dt.timedelta(days=rng.randrange(-20, 21))

        has_rmi = situation == DossierSituation.AFFILIE and rng.random() < 0.08
        dependants = []
        first_child_birth = add_years(youngest_parent, 18)
        for _ in range(rng.choices([0, 1, 2, 3, 4], weights=[35, 25, 22, 12, 6])[0]):
            if first_child_birth >= as_of:
                break
            birth = self._date_between(max(first_child_birth, as_of - dt.timedelta(days=365 * 24)), as_of)
            age = (as_of - birth).days // 365
            sex = rng.choice((1, 2))
            dependants.append(
                Dependant(
                    dossier=dossier,
                    kind=DependantKind.ENFANT,
                    last_name=family_name,
                    first_name=rng.choice(self.male_first if sex == 1 else self.female_first),
                    birth_date=birth,
                    nir=make_nir(sex, birth, commune.insee, rng.randrange(1, 1000)),
                    activity=("Étudiant" if sex == 1 else "Étudiante")
                    if age >= 18
                    else ("Scolaire" if age >= 3 else ""),
                    dependent_pf=age < 20,
                    dependent_housing=True,
                    dependent_rmi=has_rmi and age < 25,
                    placed_without_emotional_ties=rng.random() < 0.01,
                )
            )
        if rng.random() < 0.04:
            birth = self._birth_date(65, 92)
            dependants.append(
                Dependant(
                    dossier=dossier,
                    kind=DependantKind.AUTRE,
                    last_name=rng.choice(self.last_names),
                    first_name=(first_name := rng.choice(self.female_first + self.male_first)),
                    birth_date=birth,
                    activity="Retraitée" if first_name in self.female_first else "Retraité",
                    dependent_housing=True,
                )
            )
        dossier.pf_dependants = sum(d.dependent_pf for d in dependants)
        dossier.housing_dependants = sum(d.dependent_housing for d in dependants)

        payments = self._payments(dossier, situation) if rng.random() < 0.22 else []
        resources = self._resources(dossier, persons)
        rmi = self._rmi(dossier, persons, dependants) if has_rmi else None
        return dossier, persons, dependants, payments, resources, rmi

    def _payments(self, dossier, situation):
        """CONS-8: monthly AAH (full or partial rate) over up to 30 months, with its complements and a few
        arrears; the last month paid is the one before the as-of date's month (or the radiation)."""
        rng, as_of = self.rng, self.as_of
        last_period = add_months(as_of.replace(day=1), -1)
        if payment_date(last_period) > as_of:
            last_period = add_months(last_period, -1)
        if situation == DossierSituation.RADIE:
            last_period = min(last_period, dossier.situation_since.replace(day=1))
        months = rng.randrange(3, 31)
        first_period = add_months(last_period, -(months - 1))
        share = Decimal(1) if rng.random() < 0.6 else Decimal(rng.randrange(20, 95)) / 100
        complement = rng.choices([None, Benefit.COMPLEMENT_AAH, Benefit.MVA], weights=[60, 10, 30])[0]
        payments = []
        period = first_period
        while period <= last_period:
            paid_on = payment_date(period)
            payments.append(
                Payment(
                    dossier=dossier,
                    benefit=Benefit.AAH,
                    period=period,
                    paid_on=paid_on,
                    amount=(aah_rate(period) * share).quantize(Decimal("0.01")),
                )
            )
            if complement:
                payments.append(
                    Payment(
                        dossier=dossier,
                        benefit=complement,
                        period=period,
                        paid_on=paid_on,
                        amount=COMPLEMENT_AAH if complement == Benefit.COMPLEMENT_AAH else MVA,
                    )
                )
            if period > first_period and rng.random() < 0.04:
                # A rappel: a correction for an earlier month, paid with this month's payment.
                payments.append(
                    Payment(
                        dossier=dossier,
                        benefit=Benefit.AAH,
                        period=add_months(period, -1),
                        paid_on=paid_on,
                        amount=Decimal(rng.randrange(2000, 30000)) / 100,
                        is_arrears=True,
                    )
                )
            period = add_months(period, 1)
        return payments

    def _resources(self, dossier, persons):
        """CONS-12: the last three known years (N-2 and the two before), per adult."""
        rng = self.rng
        resources = []
        for year in range(self.as_of.year - 4, self.as_of.year - 1):
            for person in persons:
                person_type = ResourcePersonType(person.role)
                if rng.random() < 0.15:
                    resources.append(
                        Resource(
                            dossier=dossier, year=year, person_type=person_type, nature="Ressources nulles", amount=0
                        )
                    )
                    continue
                for nature in rng.sample(RESOURCE_NATURES, rng.choice((1, 1, 2))):
                    resources.append(
                        Resource(
                            dossier=dossier,
                            year=year,
                            person_type=person_type,
                            nature=nature,
                            amount=Decimal(rng.randrange(50_000, 3_500_000)) / 100,
                        )
                    )
        return resources

    def _rmi(self, dossier, persons, dependants):
        """CONS-11: an RMI right, current or ended."""
        rng, as_of = self.rng, self.as_of
        requested = self._date_between(as_of - dt.timedelta(days=365 * 6), as_of - dt.timedelta(days=60))
        starts = add_months(requested.replace(day=1), rng.randrange(1, 3))
        ended = rng.random() < 0.3 and starts < as_of - dt.timedelta(days=60)
        ends = self._date_between(starts + dt.timedelta(days=30), as_of) if ended else None
        return RmiRight(
            dossier=dossier,
            situation=DossierSituation.AFFILIE,
            situation_since=starts,
            applicant=rng.choice(persons).role,
            dependants=sum(d.dependent_rmi for d in dependants),
            requested_on=requested,
            starts_on=starts,
            ends_on=ends,
            end_reason=rng.choice(RMI_END_REASONS) if ended else "",
        )


@transaction.atomic
def _write(rows):
    """Inserts generated dossiers and their rows in bulk; returns the number of rows per model."""
    Dossier.objects.bulk_create([row[0] for row in rows])
    written = {"dossiers": len(rows)}
    for name, model, index in (
        ("persons", Person, 1),
        ("dependants", Dependant, 2),
        ("payments", Payment, 3),
        ("resources", Resource, 4),
    ):
        objects = [obj for row in rows for obj in row[index]]
        model.objects.bulk_create(objects, batch_size=2000)
        written[name] = len(objects)
    rmi_rights = [row[5] for row in rows if row[5]]
    RmiRight.objects.bulk_create(rmi_rights)
    written["rmi_rights"] = len(rmi_rights)
    return written


def seed_dossiers(*, count, seed, as_of, cafs, batch_size=1000, progress=None):
    """Creates `count` demo dossiers spread over `cafs`, in batches of one transaction each.
    Returns the number of rows written per model."""
    generator = DemoGenerator(seed=seed, as_of=as_of, cafs=cafs)
    written = dict.fromkeys(["dossiers", "persons", "dependants", "payments", "resources", "rmi_rights"], 0)
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        rows = [generator.dossier(generator.rng.choice(generator.cafs)) for _ in range(size)]
        for name, count_written in _write(rows).items():
            written[name] += count_written
        done += size
        if progress:
            progress.update(done)
    return written


@transaction.atomic
def ensure_demo_conventions(as_of):
    """The demo conventions (README), created once, signed by both parties in the December before the previous
    year and active since the start of it; returns them by (BAJ city, CAF number, None for the CMAF)."""
    start = dt.date(as_of.year - 1, 1, 1)
    signatures = {"caf_signed_on": start - dt.timedelta(days=31), "partner_signed_on": start - dt.timedelta(days=24)}
    conventions = {}
    for index, (city, numbers, with_cmaf) in enumerate(DEMO_CONVENTIONS):
        baj = Baj.objects.get(city=city, juridiction=JuridictionKind.TGI)
        if not baj.address and city in DEMO_BAJ_ADDRESSES:
            baj.address, baj.phone = DEMO_BAJ_ADDRESSES[city]
            baj.save(update_fields=["address", "phone"])
        cafs = list(Caf.objects.filter(number__in=numbers)) + (
            [Caf.objects.get(is_maritime=True)] if with_cmaf else []
        )
        for offset, caf in enumerate(cafs):
            convention, _ = Convention.objects.get_or_create(
                baj=baj,
                caf=caf,
                defaults={
                    "number": f"{900001 + index * 100 + offset:06d}/{start.year}",
                    "starts_on": start,
                    "first_period_ends_on": dt.date(start.year, 12, 31),
                    **signatures,
                },
            )
            if convention.caf_signed_on is None and convention.partner_signed_on is None:
                # A demo database made before CONV-4: its conventions are signed as the new ones are.
                Convention.objects.filter(pk=convention.pk).update(**signatures)
            conventions[(city, caf.number)] = convention
    for offset, (city, caf_number, state) in enumerate(DEMO_STATE_CONVENTIONS):
        baj = Baj.objects.get(city=city, juridiction=JuridictionKind.TGI)
        caf = Caf.objects.get(number=caf_number)
        if Convention.objects.filter(baj=baj, caf=caf).exists():
            continue
        year = {"first_period": as_of.year, "not_started": as_of.year + 1, "ended": as_of.year - 3}.get(
            state, as_of.year - 1
        )
        signed = dt.date(year - 1, 12, 1)
        if state == "awaiting_signature":  # the CAF signed ten days ago, the partner not yet
            year, signed = as_of.year + 1, None
        convention = Convention.objects.create(
            number=f"{900501 + offset:06d}/{year}",
            baj=baj,
            caf=caf,
            starts_on=dt.date(year, 1, 1),
            first_period_ends_on=dt.date(year, 12, 31),
            caf_signed_on=signed or as_of - dt.timedelta(days=10),
            partner_signed_on=signed,
        )
        if state == "denounced":
            convention_denounce(convention=convention, by=None, notice_on=as_of)
        elif state == "ended":
            convention_denounce(
                convention=convention, by=None, notice_on=dt.date(year, 9, 1), deadline=dt.date(year + 1, 12, 31)
            )
        elif state == "terminated":
            convention_terminate(
                convention=convention, by=None, reason="Codes d'accès communiqués à un tiers (démonstration)", on=as_of
            )
    return conventions


def _demo_user(identifier, password, last_name, first_name, **flags):
    """A demo account with its password already chosen (no forced change at the first demo login), or None
    when it exists already."""
    if User.objects.filter(identifier=identifier).exists():
        return None
    return User.objects.create_user(
        identifier,
        password,
        last_name=last_name,
        first_name=first_name,
        must_change_password=False,
        password_changed_at=timezone.now(),
        **flags,
    )


@transaction.atomic
def ensure_demo_accounts(as_of):
    """The documented demo accounts (README) and their habilitations or roles, created once; returns the
    identifiers created."""
    conventions = ensure_demo_conventions(as_of)
    profile = Profile.objects.get(code="T12")
    created = []
    for identifier, password, last_name, first_name, staff, function, habilitations in DEMO_ACCOUNTS:
        user = _demo_user(
            identifier,
            password,
            last_name,
            first_name,
            is_staff=staff,
            is_superuser=staff,
            civility=DEMO_CIVILITIES.get(identifier, ""),
        )
        if user is None:
            continue
        for city, caf_number, status in habilitations:
            convention = conventions[(city, caf_number)]
            Habilitation.objects.create(
                user=user,
                convention=convention,
                profile=profile,
                function=function,
                status=status,
                granted_on=convention.starts_on if status != HabilitationStatus.REQUESTED else None,
            )
        created.append(identifier)
    for account, permission in [
        (DEMO_MINISTRY, "view_national_overview"),
        (DEMO_NATIONAL_SECURITY, "view_national_journal"),
    ]:
        user = _demo_user(*account, is_staff=True)
        if user is not None:
            user.user_permissions.add(Permission.objects.get(codename=permission))
            created.append(user.identifier)
    for identifier, password, last_name, first_name, caf_number, roles in DEMO_CAF_AGENTS:
        agent = _demo_user(identifier, password, last_name, first_name, is_staff=True)
        if agent is not None:
            caf = Caf.objects.get(number=caf_number)
            CafRole.objects.bulk_create([CafRole(user=agent, caf=caf, kind=kind) for kind in roles])
            created.append(identifier)
    for identifier, password, last_name, first_name, civility, city in DEMO_BAJ_MANAGERS:
        manager = _demo_user(identifier, password, last_name, first_name, civility=civility)
        if manager is not None:
            baj = Baj.objects.get(city=city, juridiction=JuridictionKind.TGI)
            designation = BajManager.objects.create(
                user=manager, baj=baj, designated_on=as_of - dt.timedelta(days=365)
            )
            designation.vouched_by.set(Caf.objects.of_bajs([baj]))  # ROLE-7: every CAF of the BAJ confirmed it
            created.append(identifier)
    Caf.objects.filter(number__in=DEMO_DIALOGUE_CAFS).update(offers_dialogue=True)
    for identifier in created:
        if identifier in DEMO_TOTP_SECRETS:
            TOTPDevice.objects.create(
                user=User.objects.get(identifier=identifier),
                name="Application d'authentification (démonstration)",
                key=base64.b32decode(DEMO_TOTP_SECRETS[identifier]).hex(),
                confirmed=True,
            )
    return created


def ensure_demo_journal(as_of):
    """A few days of journal for the security officer's demo (README): failed logins on the demo greffier, an
    address trying unknown identifiers, night consultations. Created once."""
    from journal.enums import JournalEvent
    from journal.models import JournalEntry
    from journal.services import journal_record_generated

    greffier = User.objects.get(identifier="T1001161")
    if JournalEntry.objects.filter(user=greffier, detail="démonstration").exists():
        return 0
    caf = Caf.objects.get(number="161")
    day = timezone.make_aware(dt.datetime.combine(as_of - dt.timedelta(days=2), dt.time(9)))
    request = type("DemoRequest", (), {"META": {"REMOTE_ADDR": "203.0.113.45", "HTTP_USER_AGENT": "Démonstration"}})()
    written = 0
    for minute in range(6):
        journal_record_generated(
            event=JournalEvent.LOGIN_FAILURE,
            user=greffier,
            request=request,
            detail="démonstration",
            occurred_at=day + dt.timedelta(minutes=minute),
        )
        written += 1
    for index in range(4):
        journal_record_generated(
            event=JournalEvent.LOGIN_FAILURE,
            identifier=f"ADMIN{index:03d}",
            request=request,
            detail="démonstration",
            occurred_at=day + dt.timedelta(minutes=10 + index),
        )
        written += 1
    night = day.replace(hour=23)
    for index in range(3):
        journal_record_generated(
            event=JournalEvent.CONSULTATION,
            user=greffier,
            caf=caf,
            request=request,
            rubrique="famille",
            allocataire_number=SHOWCASE_NUMBER,
            detail="démonstration",
            occurred_at=night + dt.timedelta(minutes=index),
        )
        written += 1
    # HAB-3 (#24): the greffier who consulted logged in then — not « sans connexion depuis plus de 60 jours »
    User.objects.filter(pk=greffier.pk).update(last_login=night)
    return written


def ensure_showcase_dossiers(*, seed, as_of):
    """A fully populated dossier (couple, children, AAH payments with arrears, RMI, resources) numbered
    SHOWCASE_NUMBER in each CAF of SHOWCASE_CAFS, for the README's demo journey. Deterministic."""
    cafs = [Caf.objects.get(number=n) if n else Caf.objects.get(is_maritime=True) for n in SHOWCASE_CAFS]
    cafs = [caf for caf in cafs if not Dossier.objects.filter(caf=caf, number=SHOWCASE_NUMBER).exists()]
    if not cafs:
        return 0
    generator = DemoGenerator(seed=seed, as_of=as_of, cafs=cafs)
    rows = []
    for caf in cafs:
        while True:
            row = generator.dossier(caf)
            dossier, persons, dependants, payments, resources, rmi = row
            if len(persons) == 2 and dependants and rmi and any(p.is_arrears for p in payments):
                break
        dossier.number = SHOWCASE_NUMBER
        rows.append(row)
    _write(rows)
    return len(rows)
