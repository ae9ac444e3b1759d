"""AUD-1 (extended): axes' `axes_reset_logs` (its connection logs purged), journaled. CAFPRO keeps none
(AXES_DISABLE_ACCESS_LOG: the access journal records every attempt), but a purge is still an act on the record."""

from axes.management.commands import axes_reset_logs
from axes.models import AccessLog

from journal.commands import JournaledCommand


class Command(JournaledCommand, axes_reset_logs.Command):
    help = f"{axes_reset_logs.Command.help} (journalisé : AUD-1)"

    def journal_state(self, options):
        return f"{AccessLog.objects.count()} entrées du registre des connexions d'axes"
