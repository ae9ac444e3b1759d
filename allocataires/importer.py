"""NF-4: the CAF's allocataire data, imported from the exchange format `cafpro-dossier/1` (docs/import-format.md):
JSON Lines, one dossier per line with everything the rubriques show.

Each line is validated on its own; a bad line is reported with its number and reason and nothing of it is
written. Good lines are upserted by (CAF, allocataire number) in batches, one transaction each: a dossier that
exists is replaced whole (its persons, dependants, payments, resources and RMI right with it), so importing the
same file twice leaves the same data.
"""

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction

from allocataires.demo import nir_key
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
from conventions.models import Caf

FORMAT = "cafpro-dossier/1"
CHILDREN = (Person, Dependant, Payment, Resource, RmiRight)


class LineError(ValueError):
    """A line that cannot be imported, with the reason in French."""


def _text(data, key, max_length, required=True):
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise LineError(f"« {key} » doit être un texte")
    value = value.strip()
    if required and not value:
        raise LineError(f"« {key} » est obligatoire")
    if len(value) > max_length:
        raise LineError(f"« {key} » dépasse {max_length} caractères")
    return value


def _date(data, key, required=True):
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise LineError(f"« {key} » est obligatoire")
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LineError(f"« {key} » n'est pas une date AAAA-MM-JJ : {value!r}") from None


def _month(data, key):
    value = data.get(key)
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except (TypeError, ValueError):
        raise LineError(f"« {key} » n'est pas un mois AAAA-MM : {value!r}") from None


@functools.cache
def _values(choices):
    return frozenset(choices.values)


def _choice(data, key, choices, required=True):
    value = data.get(key, "")
    if not value and not required:
        return ""
    if value not in _values(choices):
        raise LineError(f"« {key} » vaut {value!r}, attendu l'un de : {', '.join(choices.values)}")
    return value


def _amount(data, key):
    try:
        amount = Decimal(str(data.get(key)))
    except (InvalidOperation, ValueError):
        raise LineError(f"« {key} » n'est pas un montant : {data.get(key)!r}") from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e8"):
        raise LineError(f"« {key} » n'est pas un montant : {data.get(key)!r}")
    return amount.quantize(Decimal("0.01"))


def _count(data, key):
    value = data.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 99:
        raise LineError(f"« {key} » doit être un entier de 0 à 99")
    return value


def _nir(value, key, required=True):
    if not value and not required:
        return ""
    if not isinstance(value, str) or not re.fullmatch(r"[12]\d{4}(\d{2}|2A|2B)\d{8}", value):
        raise LineError(f"« {key} » n'est pas un NIR de 15 caractères")
    if value[13:] != nir_key(value[:13]):
        raise LineError(f"« {key} » : la clé du NIR ne correspond pas")
    return value


def _list(data, key):
    value = data.get(key, [])
    if not isinstance(value, list):
        raise LineError(f"« {key} » doit être une liste")
    return value


def parse(line, cafs):
    """One line of the file → the unsaved dossier and its rows. Raises LineError."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise LineError(f"JSON invalide ({error.msg}, colonne {error.colno})") from None
    if not isinstance(data, dict):
        raise LineError("un objet JSON est attendu")
    if data.get("format") != FORMAT:
        raise LineError(f"format {data.get('format')!r} inconnu, attendu {FORMAT!r}")
    caf = cafs.get(data.get("caf"))
    if caf is None:
        raise LineError(f"Caf inconnue : {data.get('caf')!r} (numéro à 3 chiffres, ou « CMAF »)")
    number = _text(data, "number", 7)
    if not re.fullmatch(r"\d{7}", number):
        raise LineError("« number » : le numéro d'allocataire comporte 7 chiffres")
    address = data.get("address")
    if not isinstance(address, dict):
        raise LineError("« address » est obligatoire")
    postal_code, insee = _text(address, "postal_code", 5), _text(address, "insee_code", 5)
    if not re.fullmatch(r"\d{5}", postal_code) or not re.fullmatch(r"\d{5}|2[AB]\d{3}", insee):
        raise LineError("« address » : code postal ou code INSEE invalide")
    situation = _choice(data, "situation", DossierSituation)
    dossier = Dossier(
        caf=caf,
        number=number,
        responsible=_choice(data, "responsible", PersonRole),
        situation=situation,
        situation_since=_date(data, "situation_since"),
        radiation_reason=_text(data, "radiation_reason", 120, required=False)
        if situation == DossierSituation.RADIE
        else "",
        suspended_since=_date(data, "suspended_since", required=False),
        pf_dependants=_count(data, "pf_dependants"),
        housing_dependants=_count(data, "housing_dependants"),
        family_situation=_choice(data, "family_situation", FamilySituation),
        family_situation_since=_date(data, "family_situation_since"),
        pregnancy_start=_date(data, "pregnancy_start", required=False),
        pregnancy_start_modified=_date(data, "pregnancy_start_modified", required=False),
        address_line1=_text(address, "line1", 120),
        address_line2=_text(address, "line2", 120, required=False),
        postal_code=postal_code,
        city=_text(address, "city", 60),
        insee_code=insee,
    )
    persons = []
    for index, person in enumerate(_list(data, "persons")):
        key = f"persons[{index}]"
        if not isinstance(person, dict):
            raise LineError(f"« {key} » doit être un objet")
        persons.append(
            Person(
                role=_choice(person, "role", PersonRole),
                last_name=_text(person, "last_name", 60),
                first_name=_text(person, "first_name", 60),
                birth_name=_text(person, "birth_name", 60, required=False),
                birth_date=_date(person, "birth_date"),
                nir=_nir(person.get("nir"), f"{key}.nir"),
                activity=_text(person, "activity", 60),
                activity_since=_date(person, "activity_since", required=False),
                death_date=_date(person, "death_date", required=False),
                nationality=_choice(person, "nationality", Nationality),
                residence_permit_end=_date(person, "residence_permit_end", required=False),
            )
        )
    roles = [person.role for person in persons]
    if not persons or len(set(roles)) != len(roles) or dossier.responsible not in roles:
        raise LineError("« persons » : Monsieur et/ou Madame, une fois chacun, dont le responsable du dossier")
    dependants = [
        Dependant(
            kind=_choice(item, "kind", DependantKind),
            last_name=_text(item, "last_name", 60),
            first_name=_text(item, "first_name", 60),
            birth_date=_date(item, "birth_date"),
            nir=_nir(item.get("nir", ""), "dependants.nir", required=False),
            activity=_text(item, "activity", 60, required=False),
            dependent_pf=bool(item.get("dependent_pf")),
            dependent_housing=bool(item.get("dependent_housing")),
            dependent_rmi=bool(item.get("dependent_rmi")),
            placed_without_emotional_ties=bool(item.get("placed_without_emotional_ties")),
        )
        for item in _list(data, "dependants")
    ]
    payments = [
        Payment(
            benefit=_choice(item, "benefit", Benefit),
            period=_month(item, "period"),
            paid_on=_date(item, "paid_on"),
            amount=_amount(item, "amount"),
            is_arrears=bool(item.get("is_arrears")),
        )
        for item in _list(data, "payments")
    ]
    if any(payment.amount < 0 for payment in payments):
        raise LineError("« payments » : un montant payé n'est jamais négatif")
    resources = [
        Resource(
            year=_count_year(item),
            person_type=_choice(item, "person_type", ResourcePersonType),
            nature=_text(item, "nature", 80),
            amount=_amount(item, "amount"),
        )
        for item in _list(data, "resources")
    ]
    rmi = None
    if data.get("rmi"):
        item = data["rmi"]
        rmi = RmiRight(
            situation=_choice(item, "situation", DossierSituation),
            situation_since=_date(item, "situation_since"),
            radiation_reason=_text(item, "radiation_reason", 120, required=False),
            applicant=_choice(item, "applicant", PersonRole),
            dependants=_count(item, "dependants"),
            requested_on=_date(item, "requested_on"),
            starts_on=_date(item, "starts_on"),
            ends_on=_date(item, "ends_on", required=False),
            end_reason=_text(item, "end_reason", 120, required=False),
        )
        if rmi.ends_on and rmi.ends_on < rmi.starts_on:
            raise LineError("« rmi » : la fin du droit précède son début")
    return dossier, persons, dependants, payments, resources, rmi


def _count_year(item):
    year = item.get("year")
    if not isinstance(year, int) or not 1950 <= year <= 2100:
        raise LineError(f"« year » n'est pas une année : {year!r}")
    return year


@dataclass
class Summary:
    read: int = 0
    created: int = 0
    updated: int = 0
    rejected: list = field(default_factory=list)  # (line number, reason)


def _insert(model, objects):
    """The rows of a child table: PostgreSQL's COPY (several times faster than INSERT statements for the tens of
    rows each dossier brings), bulk_create elsewhere. The objects were validated line by line before."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=2000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([getattr(obj, f.attname) for f in fields])


def _update_dossiers(dossiers):
    """The replaced dossiers' own fields: on PostgreSQL one UPDATE … FROM a COPY'd temporary table (a
    bulk_update's CASE expressions are slow to plan), bulk_update elsewhere."""
    if not dossiers:
        return
    fields = [f for f in Dossier._meta.concrete_fields if not f.primary_key and f.name not in {"caf", "number"}]
    if connection.vendor != "postgresql":
        Dossier.objects.bulk_update(dossiers, [f.name for f in fields], batch_size=500)
        return
    table, columns = Dossier._meta.db_table, [f.column for f in fields]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS cafpro_import_dossier")
        cursor.execute(
            f"CREATE TEMPORARY TABLE cafpro_import_dossier ON COMMIT DROP AS "
            f"SELECT id, {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY cafpro_import_dossier (id, {', '.join(columns)}) FROM STDIN") as copy:
            for dossier in dossiers:
                copy.write_row([dossier.pk, *(getattr(dossier, f.attname) for f in fields)])
        assignments = ", ".join(f"{column} = source.{column}" for column in columns)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM cafpro_import_dossier source WHERE {table}.id = source.id"
        )


@transaction.atomic
def write_batch(rows, summary):
    """Upserts a batch of parsed lines by (CAF, number); the last line wins when a batch repeats a dossier."""
    unique = {}
    for row in rows:
        unique[(row[0].caf_id, row[0].number)] = row
    rows = list(unique.values())
    existing = {}
    for caf_id in {key[0] for key in unique}:
        numbers = [number for caf, number in unique if caf == caf_id]
        for pk, number in Dossier.objects.filter(caf_id=caf_id, number__in=numbers).values_list("pk", "number"):
            existing[(caf_id, number)] = pk
    for model in CHILDREN:
        model.objects.filter(dossier_id__in=existing.values()).delete()
    updated, created = [], []
    for row in rows:
        dossier = row[0]
        dossier.pk = existing.get((dossier.caf_id, dossier.number))
        (updated if dossier.pk else created).append(dossier)
    Dossier.objects.bulk_create(created, batch_size=1000)
    _update_dossiers(updated)
    for index, model in enumerate((Person, Dependant, Payment, Resource), start=1):
        objects = []
        for row in rows:
            for obj in row[index]:
                obj.dossier_id = row[0].pk
                objects.append(obj)
        _insert(model, objects)
    rights = []
    for row in rows:
        if row[5] is not None:
            row[5].dossier_id = row[0].pk
            rights.append(row[5])
    _insert(RmiRight, rights)
    summary.created += len(created)
    summary.updated += len(updated)


def import_lines(lines, *, batch_size=1000, progress=None):
    """Imports an iterable of (line number, text); returns the Summary."""
    cafs = {caf.number or "CMAF": caf for caf in Caf.objects.all()}
    summary, batch = Summary(), []
    for number, line in lines:
        if not line.strip():
            continue
        summary.read += 1
        try:
            batch.append(parse(line, cafs))
        except LineError as error:
            summary.rejected.append((number, str(error)))
        if len(batch) >= batch_size:
            write_batch(batch, summary)
            batch = []
            if progress:
                progress(summary)
    if batch:
        write_batch(batch, summary)
    if progress:
        progress(summary)
    return summary


def export_line(dossier, persons, dependants, payments, resources, rmi):
    """One dossier in the exchange format (used to produce test and benchmark files)."""

    def iso(value):
        return value.isoformat() if value else None

    return json.dumps(
        {
            "format": FORMAT,
            "caf": dossier.caf.number or "CMAF",
            "number": dossier.number,
            "responsible": dossier.responsible,
            "situation": dossier.situation,
            "situation_since": iso(dossier.situation_since),
            "radiation_reason": dossier.radiation_reason,
            "suspended_since": iso(dossier.suspended_since),
            "pf_dependants": dossier.pf_dependants,
            "housing_dependants": dossier.housing_dependants,
            "family_situation": dossier.family_situation,
            "family_situation_since": iso(dossier.family_situation_since),
            "pregnancy_start": iso(dossier.pregnancy_start),
            "pregnancy_start_modified": iso(dossier.pregnancy_start_modified),
            "address": {
                "line1": dossier.address_line1,
                "line2": dossier.address_line2,
                "postal_code": dossier.postal_code,
                "city": dossier.city,
                "insee_code": dossier.insee_code,
            },
            "persons": [
                {
                    "role": p.role,
                    "last_name": p.last_name,
                    "first_name": p.first_name,
                    "birth_name": p.birth_name,
                    "birth_date": iso(p.birth_date),
                    "nir": p.nir,
                    "activity": p.activity,
                    "activity_since": iso(p.activity_since),
                    "death_date": iso(p.death_date),
                    "nationality": p.nationality,
                    "residence_permit_end": iso(p.residence_permit_end),
                }
                for p in persons
            ],
            "dependants": [
                {
                    "kind": d.kind,
                    "last_name": d.last_name,
                    "first_name": d.first_name,
                    "birth_date": iso(d.birth_date),
                    "nir": d.nir,
                    "activity": d.activity,
                    "dependent_pf": d.dependent_pf,
                    "dependent_housing": d.dependent_housing,
                    "dependent_rmi": d.dependent_rmi,
                    "placed_without_emotional_ties": d.placed_without_emotional_ties,
                }
                for d in dependants
            ],
            "payments": [
                {
                    "benefit": p.benefit,
                    "period": f"{p.period:%Y-%m}",
                    "paid_on": iso(p.paid_on),
                    "amount": str(p.amount),
                    "is_arrears": p.is_arrears,
                }
                for p in payments
            ],
            "resources": [
                {"year": r.year, "person_type": r.person_type, "nature": r.nature, "amount": str(r.amount)}
                for r in resources
            ],
            "rmi": None
            if rmi is None
            else {
                "situation": rmi.situation,
                "situation_since": iso(rmi.situation_since),
                "radiation_reason": rmi.radiation_reason,
                "applicant": rmi.applicant,
                "dependants": rmi.dependants,
                "requested_on": iso(rmi.requested_on),
                "starts_on": iso(rmi.starts_on),
                "ends_on": iso(rmi.ends_on),
                "end_reason": rmi.end_reason,
            },
        },  # fmt: skip
        ensure_ascii=False,
    )
