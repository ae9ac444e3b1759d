import json
from pathlib import Path

from django.core.management.base import CommandError

from core.commands import CafproCommand
from core.words import count
from journal import proof
from journal.integrity import LINE_COLUMNS, line_of, read_checkpoints, seal_of
from journal.models import JournalEntry, JournalSeal


def _write(path, rows):
    written = 0
    with path.open("w", encoding="ascii") as file:
        for row in rows:
            file.write(json.dumps(row, sort_keys=True, ensure_ascii=True) + "\n")
            written += 1
    return written


class Command(CafproCommand):
    help = (
        "Exporte le journal des accès pour un auditeur, un juge ou la CNIL (JRN-9) : seals.jsonl (les sceaux), "
        "lines.jsonl (les lignes, chacune avec le numéro de son sceau), checkpoints.jsonl (les points d'ancrage "
        "signés lus chez le témoin). L'export se vérifie sans base ni Django, avec la seule clé publique : "
        "python journal/proof.py DIR --public-key CLÉ (docs/journal-verification.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="répertoire de l'export (créé s'il n'existe pas)")
        parser.add_argument("--witness", help="où lire les points d'ancrage (défaut : réglage)")

    def handle(self, *args, **options):
        out = Path(options["out"])
        try:
            checkpoints = read_checkpoints(options["witness"])
        except proof.WitnessUnreadable as error:
            raise CommandError(f"{error} : export sans points d'ancrage refusé.") from None
        out.mkdir(parents=True, exist_ok=True)
        numbers = dict(JournalSeal.objects.values_list("pk", "number"))
        seals = _write(out / "seals.jsonl", (seal_of(seal) for seal in JournalSeal.objects.order_by("number")))
        rows = JournalEntry.objects.order_by("pk").values(*LINE_COLUMNS).iterator(chunk_size=5000)
        lines = _write(
            out / "lines.jsonl",
            ({**line_of(row), "seal": numbers.get(row["seal_id"], row["seal_id"])} for row in rows),
        )
        anchors = _write(out / "checkpoints.jsonl", checkpoints)
        anchors = count(anchors, "point d'ancrage", "points d'ancrage")
        self.stdout.write(
            f"Export écrit dans {out} : {count(lines, 'ligne', 'lignes')}, {count(seals, 'sceau', 'sceaux')}, "
            f"{anchors}."
        )
