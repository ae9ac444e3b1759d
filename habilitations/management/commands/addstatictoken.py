"""AUD-1 (extended), AUTH-11: django-otp's `addstatictoken` adds a recovery code to an account — a way past its second
factor: journaled, for the CAFs of the account."""

from django_otp.plugins.otp_static.management.commands import addstatictoken
from django_otp.plugins.otp_static.models import StaticToken

from core.words import count
from habilitations.management.accounts import cafs_of_identifiers
from habilitations.models import User
from journal.commands import JournaledCommand


class Command(JournaledCommand, addstatictoken.Command):
    help = f"{addstatictoken.Command.help} (journalisé : AUD-1)"

    def journal_state(self, options):
        user = User.objects.filter(identifier=options["username"]).first()
        if user is None:
            return "compte inconnu"
        codes = StaticToken.objects.filter(device__user=user).count()
        return f"{user.identifier} : {count(codes, 'code de secours', 'codes de secours')}"

    def journal_cafs(self, options):
        return cafs_of_identifiers(options["username"])

    def journal_arguments(self, args, options):
        """The account, never the code (a secret)."""
        return f"username={options['username']}"
