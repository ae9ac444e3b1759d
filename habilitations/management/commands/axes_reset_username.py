"""AUD-1 (extended): axes' `axes_reset_username` (an unlock), journaled for the CAFs of the identifiers."""

from axes.management.commands import axes_reset_username

from habilitations.management.accounts import cafs_of_identifiers, lockouts_of
from journal.commands import JournaledCommand


class Command(JournaledCommand, axes_reset_username.Command):
    help = f"{axes_reset_username.Command.help} (journalisé : AUD-1)"

    def journal_state(self, options):
        return lockouts_of(options["username"])

    def journal_cafs(self, options):
        return cafs_of_identifiers(options["username"])
