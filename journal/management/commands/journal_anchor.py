import time

from django.db import DatabaseError

from core.commands import CafproCommand, positive_int
from core.words import count
from journal.integrity import anchor


class Command(CafproCommand):
    help = (
        "Scelle les lignes du journal des accès qui ne le sont pas encore, puis signe le dernier sceau (Ed25519, "
        "CAFPRO_JOURNAL_SIGNING_KEY) et écrit ce point d'ancrage hors de la base, chez le témoin "
        "(CAFPRO_JOURNAL_WITNESS : un répertoire, ou syslog). À lancer chaque minute (JRN-6, docs/deployment.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--witness", help="témoin : répertoire, syslog ou syslog:HÔTE:PORT (défaut : réglage)")
        parser.add_argument(
            "--every", type=positive_int, help="recommencer toutes les N secondes, sans fin (make serve, make run)"
        )

    def handle(self, *args, **options):
        while True:
            try:
                self.once(options["witness"])
            except DatabaseError as error:
                if not options["every"]:
                    raise
                self.stderr.write(self.style.ERROR(f"Scellement impossible cette fois-ci ({error}) : nouvel essai."))
            if not options["every"]:
                return
            self.stdout.flush()
            try:
                time.sleep(options["every"])
            except KeyboardInterrupt:
                return

    def once(self, location):
        try:
            seals, checkpoint = anchor(location)
        except ValueError as error:  # a key that is not 32 bytes in base64, or none in production
            self.stderr.write(self.style.ERROR(str(error)))
            raise SystemExit(2) from None
        if checkpoint is None:
            self.stdout.write("Journal vide : rien à sceller.")
            return
        payload = checkpoint["payload"]
        self.stdout.write(
            f"{count(len(seals), 'sceau créé', 'sceaux créés')} ; sceau n° {payload['seal']} ancré "
            f"({count(payload['lines'], 'ligne scellée', 'lignes scellées')})."
        )
