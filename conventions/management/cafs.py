from django.core.management.base import CommandError

from conventions.models import ALERT_DAYS, Caf
from core.commands import CafproCommand, positive_int


class DailyCafReport(CafproCommand):
    """A daily report, CAF by CAF: `--days` (the horizon) and `--caf` (some CAFs only)."""

    def add_arguments(self, parser):
        parser.add_argument("--days", type=positive_int, default=ALERT_DAYS, help="horizon en jours (60 par défaut)")
        parser.add_argument("--caf", action="append", help="numéro de Caf (répétable ; toutes par défaut)")

    def cafs(self, numbers):
        """The CAFs named by --caf (every numbered CAF when none), or a French error for an unknown number."""
        cafs = Caf.objects.numbered()
        if numbers:
            cafs = cafs.filter(number__in=numbers)
            if not cafs.exists():
                raise CommandError(f"Caf inconnue : {', '.join(numbers)}.")
        return cafs

    def write_by_caf(self, lines_by_caf, days):
        """Each CAF (in number order) and its lines, or that there is nothing to report."""
        if not lines_by_caf:
            self.stdout.write(f"Rien à signaler dans les {days} jours.")
            return
        for caf in sorted(lines_by_caf, key=lambda caf: caf.number or ""):
            self.stdout.write(f"{caf.name} ({caf.number})")
            for line in lines_by_caf[caf]:
                self.stdout.write(line)
