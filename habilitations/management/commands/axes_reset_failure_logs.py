"""AUD-1 (extended): axes' `axes_reset_failure_logs` (its failure logs purged), journaled."""

from axes.management.commands import axes_reset_failure_logs
from axes.models import AccessFailureLog

from journal.commands import JournaledCommand


class Command(JournaledCommand, axes_reset_failure_logs.Command):
    help = f"{axes_reset_failure_logs.Command.help} (journalisé : AUD-1)"

    def journal_state(self, options):
        return f"{AccessFailureLog.objects.count()} entrées du registre des échecs d'axes"
