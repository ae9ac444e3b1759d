"""AUD-1 (extended): management commands that change accounts, rights or data, journaled."""

from contextlib import nullcontext

from django.core.management.base import BaseCommand
from django.db import transaction

from journal.acts import command_actor, record_for, text
from journal.enums import JournalEvent

_BASE_OPTIONS = {
    "verbosity",
    "settings",
    "pythonpath",
    "traceback",
    "no_color",
    "force_color",
    "skip_checks",
    "stdout",
    "stderr",
}


class JournaledCommand(BaseCommand):
    """AUD-1 (extended): a management command that changes accounts, rights or data, journaled — who (the system
    account), the command and its arguments (none of them a password), `journal_state` before and after, for the
    CAFs of `journal_cafs` (read before the command runs: an unlock erases what named them). It wraps third-party
    commands too: an app of ours placed before theirs in INSTALLED_APPS defines a command of the same name,
    `class Command(JournaledCommand, theirs.Command)`; ours: `class Command(CafproCommand, JournaledCommand)`.
    `atomic`: the command and its line in one transaction; commands that prompt or commit in batches are journaled
    after they end, failed or not."""

    atomic = True

    def journal_state(self, options):
        return ""

    def journal_cafs(self, options):
        return []

    def journal_arguments(self, args, options):
        """The arguments given, never one that names a password."""
        return " ".join(
            f"{name}={text(value)}"
            for name, value in sorted(options.items())
            if name not in _BASE_OPTIONS and "password" not in name and value not in (None, False, [], "")
        )

    def execute(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]
        outcome = "échec"
        with transaction.atomic() if self.atomic else nullcontext():
            before, cafs = self.journal_state(options), list(self.journal_cafs(options))
            try:
                result = super().execute(*args, **options)
                outcome = "terminée"
                return result
            finally:
                if outcome != "échec" or not self.atomic:
                    after = self.journal_state(options)
                    arguments = self.journal_arguments(args, options)
                    record_for(
                        cafs,
                        event=JournalEvent.COMMAND_RUN,
                        identifier=command_actor(),
                        detail=f"{name} {arguments}".strip() + f" ({outcome}) : {before or '—'} → {after or '—'}",
                    )
