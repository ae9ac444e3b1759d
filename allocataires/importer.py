"""NF-4: the CAF's allocataire data, imported from the exchange format `cafpro-dossier/1` (docs/import-format.md):
JSON Lines, one dossier per line with everything the rubriques show.

Each line is validated on its own; a bad line is reported with its number and reason and nothing of it is
written. Good lines are upserted by (CAF, allocataire number) in batches, one transaction each: a dossier that
exists is replaced whole (its persons, dependants, payments, resources and RMI right with it), so importing the
same file twice leaves the same data.
"""

import collections
import datetime as dt
import functools
import itertools
import json
import multiprocessing
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction

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
from allocataires.nir import NIR_PATTERN, nir_key
from conventions.models import Caf
from core.dates import FIRST_DAY, LAST_DAY

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
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LineError(f"« {key} » n'est pas une date AAAA-MM-JJ : {value!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:  # ROB-2
        raise LineError(f"« {key} » est hors de la plage 1900-2099 : {value!r}")
    return day


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
    if not isinstance(value, str) or not re.fullmatch(NIR_PATTERN, value):
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
    """One line of the file → (dossier, persons, dependants, payments, resources, rights): the column values of
    each row by attribute name, the dossier's key included and the children's `dossier_id` left out. `cafs`
    maps "161" or "CMAF" to the CAF's primary key. Raises LineError. Plain dictionaries rather than model
    instances: instantiating fifteen models per line was a third of the import's time."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise LineError(f"JSON invalide ({error.msg}, colonne {error.colno})") from None
    if not isinstance(data, dict):
        raise LineError("un objet JSON est attendu")
    if data.get("format") != FORMAT:
        raise LineError(f"format {data.get('format')!r} inconnu, attendu {FORMAT!r}")
    caf_id = cafs.get(data.get("caf")) if isinstance(data.get("caf"), str) else None
    if caf_id is None:
        raise LineError(f"Caf inconnue : {data.get('caf')!r} (numéro à 3 chiffres, ou « CMAF »)")
    number = _text(data, "number", 7)
    if not re.fullmatch(r"[0-9]{7}", number):
        raise LineError("« number » : le numéro d'allocataire comporte 7 chiffres")
    address = data.get("address")
    if not isinstance(address, dict):
        raise LineError("« address » est obligatoire")
    postal_code, insee = _text(address, "postal_code", 5), _text(address, "insee_code", 5)
    if not re.fullmatch(r"[0-9]{5}", postal_code) or not re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}", insee):
        raise LineError("« address » : code postal ou code INSEE invalide")
    situation = _choice(data, "situation", DossierSituation)
    dossier = {
        "caf_id": caf_id,
        "number": number,
        "responsible": _choice(data, "responsible", PersonRole),
        "situation": situation,
        "situation_since": _date(data, "situation_since"),
        "radiation_reason": _text(data, "radiation_reason", 120, required=False)
        if situation == DossierSituation.RADIE
        else "",
        "suspended_since": _date(data, "suspended_since", required=False),
        "pf_dependants": _count(data, "pf_dependants"),
        "housing_dependants": _count(data, "housing_dependants"),
        "family_situation": _choice(data, "family_situation", FamilySituation),
        "family_situation_since": _date(data, "family_situation_since"),
        "pregnancy_start": _date(data, "pregnancy_start", required=False),
        "pregnancy_start_modified": _date(data, "pregnancy_start_modified", required=False),
        "address_line1": _text(address, "line1", 120),
        "address_line2": _text(address, "line2", 120, required=False),
        "postal_code": postal_code,
        "city": _text(address, "city", 60),
        "insee_code": insee,
    }
    persons = []
    for index, person in enumerate(_list(data, "persons")):
        key = f"persons[{index}]"
        if not isinstance(person, dict):
            raise LineError(f"« {key} » doit être un objet")
        persons.append(
            {
                "role": _choice(person, "role", PersonRole),
                "last_name": _text(person, "last_name", 60),
                "first_name": _text(person, "first_name", 60),
                "birth_name": _text(person, "birth_name", 60, required=False),
                "birth_date": _date(person, "birth_date"),
                "nir": _nir(person.get("nir"), f"{key}.nir"),
                "activity": _text(person, "activity", 60),
                "activity_since": _date(person, "activity_since", required=False),
                "death_date": _date(person, "death_date", required=False),
                "nationality": _choice(person, "nationality", Nationality),
                "residence_permit_end": _date(person, "residence_permit_end", required=False),
            }
        )
    roles = [person["role"] for person in persons]
    if not persons or len(set(roles)) != len(roles) or dossier["responsible"] not in roles:
        raise LineError("« persons » : Monsieur et/ou Madame, une fois chacun, dont le responsable du dossier")
    dependants = [
        {
            "kind": _choice(item, "kind", DependantKind),
            "last_name": _text(item, "last_name", 60),
            "first_name": _text(item, "first_name", 60),
            "birth_date": _date(item, "birth_date"),
            "nir": _nir(item.get("nir", ""), "dependants.nir", required=False),
            "activity": _text(item, "activity", 60, required=False),
            "dependent_pf": bool(item.get("dependent_pf")),
            "dependent_housing": bool(item.get("dependent_housing")),
            "dependent_rmi": bool(item.get("dependent_rmi")),
            "placed_without_emotional_ties": bool(item.get("placed_without_emotional_ties")),
        }
        for item in _objects(data, "dependants")
    ]
    payments = [
        {
            "benefit": _choice(item, "benefit", Benefit),
            "period": _month(item, "period"),
            "paid_on": _date(item, "paid_on"),
            "amount": _amount(item, "amount"),
            "is_arrears": bool(item.get("is_arrears")),
        }
        for item in _objects(data, "payments")
    ]
    if any(payment["amount"] < 0 for payment in payments):
        raise LineError("« payments » : un montant payé n'est jamais négatif")
    resources = [
        {
            "year": _count_year(item),
            "person_type": _choice(item, "person_type", ResourcePersonType),
            "nature": _text(item, "nature", 80),
            "amount": _amount(item, "amount"),
        }
        for item in _objects(data, "resources")
    ]
    rights = []
    if data.get("rmi"):
        item = data["rmi"]
        if not isinstance(item, dict):
            raise LineError("« rmi » doit être un objet ou null")
        right = {
            "situation": _choice(item, "situation", DossierSituation),
            "situation_since": _date(item, "situation_since"),
            "radiation_reason": _text(item, "radiation_reason", 120, required=False),
            "applicant": _choice(item, "applicant", PersonRole),
            "dependants": _count(item, "dependants"),
            "requested_on": _date(item, "requested_on"),
            "starts_on": _date(item, "starts_on"),
            "ends_on": _date(item, "ends_on", required=False),
            "end_reason": _text(item, "end_reason", 120, required=False),
        }
        if right["ends_on"] and right["ends_on"] < right["starts_on"]:
            raise LineError("« rmi » : la fin du droit précède son début")
        rights.append(right)
    return dossier, persons, dependants, payments, resources, rights


def _objects(data, key):
    items = _list(data, key)
    if not all(isinstance(item, dict) for item in items):
        raise LineError(f"« {key} » : chaque élément doit être un objet")
    return items


def _count_year(item):
    year = item.get("year")
    if not isinstance(year, int) or not 1950 <= year <= 2100:
        raise LineError(f"« year » n'est pas une année : {year!r}")
    return year


def parse_batch(batch, cafs):
    """Parses a list of (line number, text): the parsed lines and the rejected ones (line number, reason). Runs in
    a worker process when the import has several (`import_lines(workers=…)`)."""
    parsed, rejected = [], []
    for number, line in batch:
        try:
            parsed.append(parse(line, cafs))
        except LineError as error:
            rejected.append((number, str(error)))
    return parsed, rejected


@dataclass
class Summary:
    read: int = 0
    created: int = 0
    updated: int = 0
    rejected: list = field(default_factory=list)  # (line number, reason)


@functools.cache
def _columns(model):
    """The attribute names of a model's columns but its primary key, in table order."""
    return tuple(f.attname for f in model._meta.concrete_fields if not f.primary_key)


def _copy(cursor, table, columns, rows):
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _existing(keys):
    """{(caf_id, number): pk} of the dossiers of these keys that are already in the database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.caf_id, d.number, d.id FROM {Dossier._meta.db_table} d "
                "JOIN unnest(%s::bigint[], %s::varchar[]) AS k(caf_id, number) "
                "ON d.caf_id = k.caf_id AND d.number = k.number",
                [[key[0] for key in keys], [key[1] for key in keys]],
            )
            return {(caf_id, number): pk for caf_id, number, pk in cursor.fetchall()}
    existing = {}
    for caf_id in {key[0] for key in keys}:
        numbers = [number for caf, number in keys if caf == caf_id]
        for pk, number in Dossier.objects.filter(caf_id=caf_id, number__in=numbers).values_list("pk", "number"):
            existing[(caf_id, number)] = pk
    return existing


def _write_dossiers_postgresql(created, updated):
    """New dossiers by COPY with keys drawn from the table's sequence; replaced ones by one UPDATE … FROM a
    COPY'd temporary table (a bulk_update's CASE expressions are slow to plan)."""
    table, columns = Dossier._meta.db_table, _columns(Dossier)
    with connection.cursor() as cursor:
        if created:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(created)]
            )
            for values, (pk,) in zip(created, cursor.fetchall(), strict=True):
                values["id"] = pk
            _copy(cursor, table, ("id", *columns), ([d["id"], *(d[c] for c in columns)] for d in created))
        if updated:
            cursor.execute("DROP TABLE IF EXISTS cafpro_import_dossier")
            cursor.execute(
                f"CREATE TEMPORARY TABLE cafpro_import_dossier ON COMMIT DROP AS "
                f"SELECT id, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            _copy(
                cursor,
                "cafpro_import_dossier",
                ("id", *columns),
                ([d["id"], *(d[c] for c in columns)] for d in updated),
            )
            assignments = ", ".join(f"{column} = source.{column}" for column in columns if column != "caf_id")
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM cafpro_import_dossier source WHERE {table}.id = source.id"
            )


def _write_dossiers_orm(created, updated):
    objects = Dossier.objects.bulk_create([Dossier(**values) for values in created], batch_size=1000)
    for values, obj in zip(created, objects, strict=True):
        values["id"] = obj.pk
    fields = [name for name in _columns(Dossier) if name not in {"caf_id", "number"}]
    Dossier.objects.bulk_update([Dossier(**values) for values in updated], fields, batch_size=500)


@transaction.atomic
def write_batch(rows, summary):
    """Upserts a batch of parsed lines by (CAF, number): a dossier that exists keeps its key, its own columns are
    updated and its rows replaced; the last line wins when a batch repeats a dossier."""
    unique = {}
    for row in rows:
        unique[(row[0]["caf_id"], row[0]["number"])] = row
    rows = list(unique.values())
    existing = _existing(list(unique))
    for model in CHILDREN:
        model.objects.filter(dossier_id__in=existing.values()).delete()
    created, updated = [], []
    for row in rows:
        dossier = row[0]
        dossier["id"] = existing.get((dossier["caf_id"], dossier["number"]))
        (updated if dossier["id"] else created).append(dossier)
    postgresql = connection.vendor == "postgresql"
    (_write_dossiers_postgresql if postgresql else _write_dossiers_orm)(created, updated)
    for index, model in enumerate(CHILDREN, start=1):
        columns = _columns(model)
        children = [{**child, "dossier_id": row[0]["id"]} for row in rows for child in row[index]]
        if not children:
            continue
        if postgresql:
            with connection.cursor() as cursor:
                _copy(cursor, model._meta.db_table, columns, ([child[c] for c in columns] for child in children))
        else:
            model.objects.bulk_create([model(**child) for child in children], batch_size=2000)
    summary.created += len(created)
    summary.updated += len(updated)


def import_lines(lines, *, batch_size=1000, workers=1, progress=None):
    """Imports an iterable of (line number, text); returns the Summary.

    With workers > 1, batches are parsed and validated in that many forked processes while this one writes, in
    the file's order, the batches already parsed (so the last line of a repeated dossier still wins); at most
    two batches per worker wait in memory."""
    cafs = {caf.number or "CMAF": caf.pk for caf in Caf.objects.all()}
    summary = Summary()

    def batches():
        batch = []
        for number, line in lines:
            if not line.strip():
                continue
            summary.read += 1
            batch.append((number, line))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    written = itertools.count(1)

    def write(parsed, rejected):
        summary.rejected.extend(rejected)
        if parsed:
            write_batch(parsed, summary)
            if next(written) % ANALYZE_EVERY == 0:
                analyze()
        if progress:
            progress(summary)

    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for batch in batches():
            write(*parse_batch(batch, cafs))
        analyze()
        return summary
    # The forked workers never touch the database: they inherit this process's connection and must leave it be
    # (neither use nor close it), which parse_batch does.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending = collections.deque()
        for batch in batches():
            pending.append(pool.apply_async(parse_batch, (batch, cafs)))
            if len(pending) >= 2 * workers:
                write(*pending.popleft().get())
        while pending:
            write(*pending.popleft().get())
    analyze()
    return summary


ANALYZE_EVERY = 100  # batches


def analyze():
    """PostgreSQL: refreshes the planner's statistics of the tables the import wrote, at the end and every
    ANALYZE_EVERY batches. Without it, tables filled from empty keep the statistics of an empty table until
    autovacuum comes by, and replacing dossiers deletes their rows by sequential scans (measured: a re-import
    of 1,000,000 dossiers fell to about 600 dossiers/s)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Dossier, *CHILDREN):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


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
