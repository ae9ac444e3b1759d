import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.db import DatabaseError

from core.commands import CafproCommand, positive_int
from core.words import count
from journal.integrity import anchor


class Command(CafproCommand):
    help = (
        "Scelle les lignes du journal des accès qui ne le sont pas encore (sceaux chaînés par empreinte), puis signe "
        "la tête de la chaîne (Ed25519, CAFPRO_JOURNAL_SIGNING_KEY : le scelleur seul la détient) et écrit ce point "
        "d'ancrage hors de la base, chez le témoin (CAFPRO_JOURNAL_WITNESS : un répertoire, ou syslog:HÔTE:PORT en "
        "TCP). À lancer chaque minute (JRN-6, docs/deployment.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--witness", help="témoin : répertoire ou syslog:HÔTE:PORT (défaut : réglage)")
        parser.add_argument(
            "--every", type=positive_int, help="recommencer toutes les N secondes, sans fin (make serve, make run)"
        )

    def handle(self, *args, **options):
        while True:
            try:
                self.once(options["witness"])
            except (DatabaseError, CommandError) as error:
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
        except ImproperlyConfigured as error:  # no signing key in production, a key that is not 32 bytes
            self.stderr.write(self.style.ERROR(str(error)))
            raise SystemExit(2) from None
        except OSError as error:  # the witness unreachable: a checkpoint is never lost in silence
            raise CommandError(f"Témoin injoignable ({error}) : point d'ancrage non écrit.") from error
        if checkpoint is None:
            self.stdout.write("Journal vide : rien à sceller.")
            return
        payload = checkpoint["payload"]
        self.stdout.write(
            f"{count(len(seals), 'sceau créé', 'sceaux créés')} ; sceau n° {payload['seal']} ancré "
            f"({count(payload['lines'], 'ligne scellée', 'lignes scellées')})."
        )
