"""AUD-1 (extended): Django's `createsuperuser`, journaled with the superusers before and after (a superuser is of
no CAF: the national security officer reads it)."""

from django.contrib.auth.management.commands import createsuperuser

from habilitations.management.accounts import superusers
from journal.commands import JournaledCommand


class Command(JournaledCommand, createsuperuser.Command):
    help = f"{createsuperuser.Command.help} (journalisé : AUD-1)"
    atomic = False  # it prompts: no transaction held open while someone types

    def journal_state(self, options):
        return superusers()
