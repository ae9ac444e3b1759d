"""NF-4: import of the CAF's data in the exchange format cafpro-dossier/1 — validation line by line, upsert by
(CAF, number), idempotence, clear report of rejected lines."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from allocataires.demo import DemoGenerator
from allocataires.importer import export_line, import_lines
from allocataires.models import Dependant, Dossier, Payment, Person, Resource
from conventions.models import Caf

pytestmark = pytest.mark.django_db


def generated(count, seed=5):
    generator = DemoGenerator(
        seed=seed, as_of=dt.date(2026, 11, 28), cafs=Caf.objects.filter(number__in=["161", "171"])
    )
    return [export_line(*generator.dossier(generator.rng.choice(generator.cafs))) for _ in range(count)]


def counts():
    return [model.objects.count() for model in (Dossier, Person, Dependant, Payment, Resource)]


def test_import_then_import_again_changes_nothing():
    lines = generated(40)
    first = import_lines(enumerate(lines, start=1))
    assert (first.read, first.created, first.updated, first.rejected) == (40, 40, 0, [])
    after_first = counts()
    assert after_first[1] >= 40
    second = import_lines(enumerate(lines, start=1))
    assert (second.created, second.updated) == (0, 40)
    assert counts() == after_first


def test_a_line_replaces_the_whole_dossier():
    line = json.loads(generated(1)[0])
    import_lines([(1, json.dumps(line))])
    line["payments"] = line["payments"][:1] if line["payments"] else []
    line["address"]["line1"] = "1, place de la Mairie"
    import_lines([(1, json.dumps(line))])
    dossier = Dossier.objects.get()
    assert dossier.address_line1 == "1, place de la Mairie"
    assert dossier.payments.count() == len(line["payments"])


def broken(**changes):
    line = json.loads(generated(1, seed=9)[0])
    for path, value in changes.items():
        target = line
        *parents, key = path.split("__")
        for parent in parents:
            target = target[int(parent)] if parent.isdigit() else target[parent]
        target[key] = value
    return json.dumps(line)


@pytest.mark.parametrize(
    "line, reason",
    [
        ("{pas du json", "JSON invalide"),
        ("[1, 2]", "un objet JSON est attendu"),
        ({"format": "autre/2"}, "format 'autre/2' inconnu"),
        ({"caf": "999"}, "Caf inconnue : '999'"),
        ({"number": "12345"}, "7 chiffres"),
        ({"situation_since": "31/12/2020"}, "« situation_since » n'est pas une date"),
        ({"persons__0__nir": "187126900101201"}, "clé du NIR"),
        ({"persons": []}, "« persons »"),
        ({"address__postal_code": "1600"}, "code postal"),
        ({"family_situation": "concubinage"}, "« family_situation » vaut 'concubinage'"),
    ],
)
def test_bad_lines_are_reported_and_nothing_of_them_is_written(line, reason):
    line = broken(**line) if isinstance(line, dict) else line
    good = generated(2, seed=11)
    summary = import_lines([(1, good[0]), (2, line), (3, good[1])])
    assert summary.created == 2
    assert len(summary.rejected) == 1
    number, message = summary.rejected[0]
    assert number == 2 and reason in message, message


def test_the_command_reports_and_exits_non_zero_on_rejected_lines(tmp_path):
    path = tmp_path / "dossiers.jsonl"
    path.write_text("\n".join([*generated(3), "{cassé", ""]), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="4 lignes lues : 3 dossiers créés, 0 remplacés, 1 lignes rejetées"):
        call_command("import_dossiers", str(path), stdout=out, stderr=err)
    assert "ligne 4 : JSON invalide" in err.getvalue()
    assert Dossier.objects.count() == 3


def test_the_command_on_a_good_file_and_on_a_missing_one(tmp_path):
    path = tmp_path / "dossiers.jsonl"
    path.write_text("\n".join(generated(5)) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("import_dossiers", str(path), stdout=out, stderr=StringIO())
    assert "5 lignes lues : 5 dossiers créés" in out.getvalue()
    with pytest.raises(CommandError, match="Fichier illisible"):
        call_command("import_dossiers", str(tmp_path / "absent.jsonl"))


@pytest.mark.parametrize("workers", [1, 2])
def test_parsing_in_worker_processes_keeps_the_file_order(workers):
    """NF-4: with several worker processes, batches are still written in the file's order: a dossier repeated
    in a later batch ends as its last line says, and rejected lines keep their numbers."""
    lines = generated(7)
    repeated = json.loads(lines[1])
    repeated["address"]["line1"] = "2, rue de la Dernière-Ligne"
    lines += ["{cassé", json.dumps(repeated)]
    summary = import_lines(enumerate(lines, start=1), batch_size=2, workers=workers)
    assert (summary.read, summary.created, summary.updated) == (9, 7, 1)
    assert summary.rejected == [(8, "JSON invalide (Expecting property name enclosed in double quotes, colonne 2)")]
    dossier = Dossier.objects.get(number=repeated["number"], caf__number=repeated["caf"])
    assert dossier.address_line1 == "2, rue de la Dernière-Ligne"
    assert Dossier.objects.count() == 7
