from django.conf import settings

from core.commands import CafproCommand
from journal import proof
from journal.integrity import verify


class Command(CafproCommand):
    help = (
        "Vérifie le journal des accès (JRN-6, JRN-8, JRN-9) avec la seule clé publique (CAFPRO_JOURNAL_VERIFY_KEY) : "
        "l'empreinte de chaque ligne, la racine de chaque sceau, le chaînage des sceaux, et la base contre chaque "
        "point d'ancrage signé du témoin — les mêmes règles que le vérificateur autonome (python journal/proof.py). "
        "Échoue aussi, par prudence, quand le témoin est illisible, vide alors que des sceaux existent, ou en retard "
        "(scelleur arrêté), et en production avec les clés de développement. Code 0 : intègre ; 1 : la première "
        "position en défaut est nommée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--witness",
            help="répertoire des points d'ancrage, fichier .jsonl, ou journal du serveur syslog "
            "(défaut : CAFPRO_JOURNAL_WITNESS_READ, sinon CAFPRO_JOURNAL_WITNESS)",
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="journal de production : clés de développement refusées (implicite si DJANGO_SECURE=1)",
        )

    def handle(self, *args, **options):
        try:
            report = verify(options["witness"], production=options["production"] or settings.SECURE)
        except proof.WitnessUnreadable as error:
            self.stderr.write(self.style.ERROR(f"Journal NON prouvé : {error}."))
            raise SystemExit(1) from None
        if report.ok:
            self.stdout.write(self.style.SUCCESS(report.summary()))
            return
        self.stderr.write(self.style.ERROR(report.summary()))
        raise SystemExit(1)
