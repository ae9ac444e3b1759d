from core.commands import CafproCommand
from habilitations.journal import verify_chain


class Command(CafproCommand):
    help = (
        "Vérifie la chaîne d'empreintes du journal des accès (JRN-5) depuis le dernier point de reprise : toute "
        "ligne modifiée, insérée ou supprimée rompt la chaîne. Sort en erreur (code 1) à la première ligne rompue."
    )

    def handle(self, *args, **options):
        result = verify_chain(
            progress=lambda n: self.stderr.write(f"{n} lignes vérifiées…") if n % 100_000 == 0 else None
        )
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Journal intègre : {result.checked} lignes vérifiées."))
            return
        row = result.first_broken
        self.stderr.write(
            self.style.ERROR(
                f"Chaîne rompue à la ligne n° {row.pk} du {row.occurred_at:%d/%m/%Y %H:%M:%S} "
                f"({row.get_event_display()}, {row.identifier_typed}) après {result.checked} lignes intègres."
            )
        )
        raise SystemExit(1)
