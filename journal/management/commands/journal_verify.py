from core.commands import CafproCommand
from core.words import count
from journal.integrity import verify


class Command(CafproCommand):
    help = (
        "Vérifie le journal des accès (JRN-5, JRN-6) : l'empreinte de chaque ligne, la racine de chaque sceau, la "
        "chaîne des sceaux (HMAC) et la base contre chaque point d'ancrage signé du témoin. Ligne modifiée, "
        "supprimée ou insérée, sceau falsifié, queue tronquée : sortie en erreur (code 1), la première position en "
        "défaut nommée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--witness", help="répertoire des points d'ancrage, ou fichier de lignes syslog (défaut : réglage)"
        )

    def handle(self, *args, **options):
        result = verify(
            options["witness"],
            progress=lambda r: self.stderr.write(f"{r.lines} lignes vérifiées…") if r.seals % 100 == 0 else None,
        )
        if result.ok:
            pending = count(result.pending, "ligne pas encore scellée", "lignes pas encore scellées")
            anchors = count(result.checkpoints, "point d'ancrage", "points d'ancrage")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Journal intègre : {count(result.lines, 'ligne vérifiée', 'lignes vérifiées')} dans "
                    f"{count(result.seals, 'sceau', 'sceaux')}, {anchors} ; {pending}."
                )
            )
            return
        for failure in result.failures:
            self.stderr.write(self.style.ERROR(failure))
        raise SystemExit(1)
