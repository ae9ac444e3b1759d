"""What every CAFPRO management command shares: French errors, never a traceback for a bad database."""

import argparse
import sys
import time
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction

from core.acts import command_actor, record_for, text
from core.enums import JournalEvent


def positive_int(value):
    """An argparse type: a whole number ≥ 1, with a French message otherwise."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre entier") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} : un nombre entier supérieur ou égal à 1 est attendu")
    return number


class CafproCommand(BaseCommand):
    """A command whose database failures end in one clear sentence and a non-zero exit."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except (OperationalError, InterfaceError) as error:
            raise CommandError(f"Base de données injoignable ou indisponible : {error}".strip()) from error
        except DatabaseError as error:
            raise CommandError(f"Erreur de base de données : {error}".strip()) from error


class Progress:
    """A progress bar on a terminal, a line every tenth otherwise (CI logs, pipes)."""

    def __init__(self, total, label, stream=None):
        self.total, self.label = total, label
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.tty = self.stream.isatty()
        self.last_tenth = -1

    def elapsed(self):
        return max(time.monotonic() - self.started, 1e-9)

    def update(self, done):
        elapsed = self.elapsed()
        rate = done / elapsed
        if self.tty:
            filled = int(30 * done / self.total)
            bar = "█" * filled + "·" * (30 - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total} ({rate:,.0f}/s)".replace(",", " "))
            if done >= self.total:
                self.stream.write("\n")
            self.stream.flush()
        else:
            tenth = 10 * done // self.total
            if tenth != self.last_tenth:
                self.last_tenth = tenth
                self.stream.write(f"{self.label} : {done}/{self.total} ({rate:.0f}/s)\n")
                self.stream.flush()


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
