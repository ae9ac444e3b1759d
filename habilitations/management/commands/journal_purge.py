import argparse
import datetime as dt
import re

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.commands import CafproCommand
from core.dates import add_months
from habilitations.journal import lock_chain, verify_chain
from habilitations.models import JournalCheckpoint, JournalEntry


def months(value):
    match = re.fullmatch(r"(\d+)m", value or "")
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"« {value} » : une durée en mois est attendue, par exemple 12m")
    return int(match.group(1))


class Command(CafproCommand):
    help = (
        "Purge du journal des accès les mois entiers antérieurs à la durée de conservation (CNIL : 6 mois à 1 an ; "
        "CAFPRO_JOURNAL_RETENTION_MONTHS, 12 par défaut). Vérifie d'abord la chaîne, puis garde un point de reprise "
        "(l'empreinte de la dernière ligne purgée) pour que la vérification reste valable sur ce qui reste."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=months, default=None, help="durée conservée, en mois (ex. 12m)")
        parser.add_argument("--dry-run", action="store_true", help="dire ce qui serait purgé, sans rien supprimer")

    def handle(self, *args, **options):
        keep = options["older_than"] or settings.CAFPRO_JOURNAL_RETENTION_MONTHS
        first_kept_month = add_months(timezone.localdate().replace(day=1), -keep)
        before = timezone.make_aware(dt.datetime.combine(first_kept_month, dt.time()))
        with transaction.atomic():
            lock_chain()
            old = JournalEntry.objects.filter(occurred_at__lt=before)
            last = old.order_by("-pk").first()
            if last is None:
                self.stdout.write(f"Rien à purger avant le {first_kept_month:%d/%m/%Y}.")
                return
            if JournalEntry.objects.filter(pk__lt=last.pk, occurred_at__gte=before).exists():
                raise CommandError("Des lignes récentes précèdent des lignes anciennes : purge refusée.")
            count = JournalEntry.objects.filter(pk__lte=last.pk).count()
            if options["dry_run"]:
                self.stdout.write(f"{count} lignes antérieures au {first_kept_month:%d/%m/%Y} seraient purgées.")
                return
            verification = verify_chain()
            if not verification.ok:
                raise CommandError(f"Chaîne rompue à la ligne n° {verification.first_broken.pk} : purge refusée.")
            JournalCheckpoint.objects.create(purged_before=before, last_id=last.pk, last_hash=last.hash, count=count)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL cafpro.journal_purge = 'on'")
                # The dedicated path: whole old periods, in one statement, the checkpoint in the same transaction.
                cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table} WHERE id <= %s", [last.pk])
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} lignes antérieures au {first_kept_month:%d/%m/%Y} purgées ; point de reprise conservé."
            )
        )
