"""AUD-1 (extended): axes' `axes_reset` (every lockout lifted), journaled with the identifiers it frees."""

from axes.management.commands import axes_reset

from habilitations.management.accounts import cafs_of_locked, lockouts
from journal.commands import JournaledCommand


class Command(JournaledCommand, axes_reset.Command):
    help = f"{axes_reset.Command.help} (journalisé : AUD-1)"

    def journal_state(self, options):
        return lockouts()

    def journal_cafs(self, options):
        return cafs_of_locked()
