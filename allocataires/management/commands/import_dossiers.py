import os
import sys

from django.core.management.base import CommandError

from allocataires.importer import import_lines
from allocataires.models import Dossier
from core.commands import CafproCommand, Progress, positive_int
from journal.commands import JournaledCommand


class Command(CafproCommand, JournaledCommand):
    help = (
        "Importe les dossiers allocataires d'une Caf au format d'échange cafpro-dossier/1 (JSON Lines, un dossier "
        "par ligne, docs/import-format.md). Chaque ligne est validée : une ligne fautive est signalée avec son "
        "numéro et la raison, et rien n'en est écrit. Les dossiers sont créés ou remplacés par (Caf, numéro) : "
        "réimporter le même fichier ne change rien. Code de sortie 1 si au moins une ligne a été rejetée."
    )

    atomic = False  # AUD-1: it commits batch by batch; journaled when it ends, failed or not

    def journal_state(self, options):
        return f"{Dossier.objects.count()} dossiers"

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier JSON Lines (« - » : l'entrée standard)")
        parser.add_argument("--batch-size", type=positive_int, default=1000, help="dossiers par transaction")
        parser.add_argument(
            "--workers",
            type=positive_int,
            default=min(os.cpu_count() or 1, 4),
            help="processus qui lisent et valident les lignes pendant que celui-ci écrit (défaut : un par cœur, "
            "4 au plus : au-delà, l'écriture dans la base est le goulet)",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if path == "-":
            handle, size = sys.stdin.buffer, None
        else:
            try:
                handle, size = open(path, "rb"), os.path.getsize(path)  # noqa: SIM115 — closed below
            except OSError as error:
                raise CommandError(f"Fichier illisible : {path} ({error.strerror}).") from None
        bar = Progress(max(size // 1_000_000, 1), "Import (Mo lus)", self.stderr._out) if size else None

        def lines():
            for number, raw in enumerate(handle, start=1):
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError:
                    yield number, "\x00"  # rejected by the parser as invalid JSON

        def progress(summary):
            if bar:
                bar.update(min(handle.tell() // 1_000_000, bar.total))

        try:
            summary = import_lines(
                lines(), batch_size=options["batch_size"], workers=options["workers"], progress=progress
            )
        finally:
            if handle is not sys.stdin.buffer:
                handle.close()
        for number, reason in summary.rejected[:200]:
            self.stderr.write(f"ligne {number} : {reason}")
        if len(summary.rejected) > 200:
            self.stderr.write(f"… et {len(summary.rejected) - 200} autres lignes rejetées.")
        message = (
            f"{summary.read} lignes lues : {summary.created} dossiers créés, {summary.updated} remplacés, "
            f"{len(summary.rejected)} lignes rejetées."
        )
        if bar:
            message += f" ({summary.read / bar.elapsed():.0f} lignes/s)"
        if summary.rejected:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
