import argparse
import datetime as dt

from django.conf import settings
from django.core.management.base import CommandError

from allocataires.demo import (
    SHOWCASE_NUMBER,
    ensure_demo_accounts,
    ensure_demo_journal,
    ensure_showcase_dossiers,
    seed_dossiers,
)
from allocataires.models import Dossier
from conventions.models import Caf
from core.commands import CafproCommand, Progress, positive_int
from habilitations.models import User
from journal.commands import JournaledCommand


def iso_date(value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une date AAAA-MM-JJ") from None


class Command(CafproCommand, JournaledCommand):
    help = (
        "Crée un jeu de dossiers allocataires de démonstration, réalistes et cohérents (NIR valides, communes "
        "et codes INSEE réels, paiements mensuels, enfants plus jeunes que leurs parents). Le même --seed et la "
        "même --as-of donnent le même jeu. Le référentiel est chargé par manage.py migrate."
    )

    atomic = False  # AUD-1: it commits batch by batch; journaled when it ends, failed or not

    def journal_state(self, options):
        """AUD-1: it creates the demonstration accounts (and dossiers)."""
        return f"{User.objects.count()} comptes, {Dossier.objects.count()} dossiers"

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=positive_int, default=1000, help="nombre de dossiers (1000 par défaut)")
        parser.add_argument("--seed", type=int, default=0, help="graine du générateur (0 par défaut)")
        parser.add_argument(
            "--as-of", type=iso_date, default=None, help="date de référence AAAA-MM-JJ (aujourd'hui par défaut)"
        )
        parser.add_argument(
            "--caf", action="append", default=None, help="numéro de Caf (répétable ; toutes par défaut)"
        )
        parser.add_argument("--batch-size", type=positive_int, default=1000, help="dossiers par transaction")
        parser.add_argument(
            "--if-empty", action="store_true", help="ne rien faire s'il existe déjà des dossiers (pour make run)"
        )

    def execute(self, *args, **options):
        """Refused in production before anything reads the database, its journaling included."""
        if settings.SECURE:
            raise CommandError("Jeu de démonstration refusé : DJANGO_SECURE=1 désigne un environnement de production.")
        return super().execute(*args, **options)

    def handle(self, *args, **options):
        as_of = options["as_of"] or dt.date.today()
        for identifier in ensure_demo_accounts(as_of):
            self.stdout.write(f"Compte de démonstration créé : {identifier} (voir le README).")
        if ensure_demo_journal(as_of):
            self.stdout.write("Journal de démonstration créé pour le responsable sécurité (voir le README).")
        if options["if_empty"] and Dossier.objects.exists():
            self.stdout.write(
                f"Jeu de démonstration déjà présent ({Dossier.objects.count()} dossiers) : rien à faire."
            )
            return
        cafs = Caf.objects.all()
        if options["caf"]:
            cafs = cafs.filter(number__in=options["caf"])
            unknown = sorted(set(options["caf"]) - set(cafs.values_list("number", flat=True)))
            if unknown:
                raise CommandError(
                    f"{'Caf inconnue' if len(unknown) == 1 else 'Caf inconnues'} : {', '.join(unknown)}."
                )
        cafs = list(cafs.order_by("pk"))
        if not cafs:
            raise CommandError(
                "Aucune Caf en base : appliquez d'abord les migrations (manage.py migrate), "
                "qui chargent le référentiel."
            )
        showcase = ensure_showcase_dossiers(seed=options["seed"], as_of=as_of)
        if showcase:
            self.stdout.write(f"Dossiers de démonstration complets créés : n° {SHOWCASE_NUMBER} ({showcase} Caf).")
        count = options["dossiers"]
        progress = Progress(count, "Dossiers")
        written = seed_dossiers(
            count=count,
            seed=options["seed"],
            as_of=as_of,
            cafs=cafs,
            batch_size=options["batch_size"],
            progress=progress,
        )
        elapsed = progress.elapsed()
        self.stdout.write(
            self.style.SUCCESS(
                f"{written['dossiers']} dossiers créés en {elapsed:.1f} s ({written['dossiers'] / elapsed:.0f}/s) : "
                f"{written['persons']} personnes, {written['dependants']} personnes à charge, "
                f"{written['payments']} paiements, {written['resources']} ressources, "
                f"{written['rmi_rights']} droits RMI."
            )
        )
