"""AUD-1 (extended): axes' `axes_reset_ip_username` (an unlock for one address), journaled."""

from axes.management.commands import axes_reset_ip_username

from habilitations.management.accounts import cafs_of_identifiers, lockouts, lockouts_of
from journal.commands import JournaledCommand


class Command(JournaledCommand, axes_reset_ip_username.Command):
    help = f"{axes_reset_ip_username.Command.help} (journalisé : AUD-1)"

    def journal_state(self, options):
        return f"{lockouts_of([options['username']])} ; depuis {options['ip']} : {lockouts(ip_address=options['ip'])}"

    def journal_cafs(self, options):
        return cafs_of_identifiers([options["username"]])
