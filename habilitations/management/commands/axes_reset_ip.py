"""AUD-1 (extended): axes' `axes_reset_ip` (the lockouts recorded from addresses lifted), journaled."""

from axes.management.commands import axes_reset_ip

from habilitations.management.accounts import cafs_of_locked, lockouts
from journal.commands import JournaledCommand


class Command(JournaledCommand, axes_reset_ip.Command):
    help = f"{axes_reset_ip.Command.help} (journalisé : AUD-1)"

    def journal_state(self, options):
        return lockouts(ip_address__in=options["ip"])

    def journal_cafs(self, options):
        return cafs_of_locked(ip_address__in=options["ip"])
