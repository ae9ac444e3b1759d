"""AUD-1 (extended), AUTH-5: Django's `changepassword`, journaled for the CAFs of the account (never the password).
A password typed by an operator is someone else's knowledge: it is dated and must be changed at the next login,
as one a CAF gives (`password_reset`)."""

import getpass

from django.contrib.auth.management.commands import changepassword
from django.utils import timezone

from habilitations.management.accounts import account_state, cafs_of_identifiers
from habilitations.models import User, UserManager
from journal.commands import JournaledCommand


class Command(JournaledCommand, changepassword.Command):
    help = f"{changepassword.Command.help} (journalisé : AUD-1)"
    atomic = False  # it prompts: no transaction held open while someone types

    def _identifier(self, options):
        return options.get("username") or getpass.getuser()

    def journal_state(self, options):
        return account_state(self._identifier(options))

    def journal_cafs(self, options):
        return cafs_of_identifiers([self._identifier(options)])

    def handle(self, *args, **options):
        result = super().handle(*args, **options)
        User.objects.filter(identifier=UserManager.normalize_identifier(self._identifier(options))).update(
            password_changed_at=timezone.now(), must_change_password=True
        )
        return result
