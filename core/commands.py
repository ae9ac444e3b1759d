"""What every CAFPRO management command shares: French errors, never a traceback for a bad database."""

import argparse
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, OperationalError


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
