import argparse
import datetime as dt
import re

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.commands import CafproCommand
from core.dates import add_months
from core.enums import JournalEvent
from habilitations.journal import PURGE_ROLE, seal_pending, verify
from habilitations.models import JournalEntry, JournalSeal
from habilitations.services import journal_record


def months(value):
    match = re.fullmatch(r"([0-9]+)m", value or "")
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"« {value} » : une durée en mois est attendue, par exemple 12m")
    return int(match.group(1))


class Command(CafproCommand):
    help = (
        "Purge du journal des accès les sceaux dont toutes les lignes sont antérieures à la durée de conservation "
        "(CNIL : 6 mois à 1 an ; CAFPRO_JOURNAL_RETENTION_MONTHS, 12 par défaut). Scelle et vérifie d'abord tout le "
        "journal ; les sceaux restent (marqués purgés) pour que la vérification reste valable sur ce qui reste. Sur "
        "PostgreSQL, la suppression se fait sous le rôle cafpro_journal_purge : lancer la commande avec un "
        "utilisateur de la base qui en est membre (docs/deployment.md), jamais celui des serveurs d'application."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=months, default=None, help="durée conservée, en mois (ex. 12m)")
        parser.add_argument("--dry-run", action="store_true", help="dire ce qui serait purgé, sans rien supprimer")

    def handle(self, *args, **options):
        keep = options["older_than"] or settings.CAFPRO_JOURNAL_RETENTION_MONTHS
        first_kept_month = add_months(timezone.localdate().replace(day=1), -keep)
        before = timezone.make_aware(dt.datetime.combine(first_kept_month, dt.time()))
        seal_pending()
        candidates = (
            JournalSeal.objects.filter(purged_at__isnull=True)
            .annotate(latest=Max("lines__occurred_at"))
            .order_by("number")
        )
        seals = []
        for seal in candidates:
            if seal.latest is None or seal.latest >= before:
                break
            seals.append(seal)
        if not seals:
            self.stdout.write(f"Rien à purger avant le {first_kept_month:%d/%m/%Y}.")
            return
        count = sum(seal.count for seal in seals)
        numbers = f"sceaux n° {seals[0].number} à {seals[-1].number}"
        described = f"{count} lignes antérieures au {first_kept_month:%d/%m/%Y} ({numbers})"
        if options["dry_run"]:
            self.stdout.write(f"{described} seraient purgées.")
            return
        verification = verify()
        if not verification.ok:
            raise CommandError(f"Journal non intègre ({verification.failures[0]}) : purge refusée.")
        numbers = [seal.pk for seal in seals]
        with transaction.atomic():
            journal_record(event=JournalEvent.JOURNAL_PURGED, identifier="journal_purge", detail=described[:200])
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"SET LOCAL ROLE {PURGE_ROLE}")
                table, seal_table = JournalEntry._meta.db_table, JournalSeal._meta.db_table
                placeholders = ", ".join(["%s"] * len(numbers))
                cursor.execute(f"DELETE FROM {table} WHERE seal_id IN ({placeholders})", numbers)
                cursor.execute(
                    f"UPDATE {seal_table} SET purged_at = %s WHERE id IN ({placeholders})", [timezone.now(), *numbers]
                )
                if connection.vendor == "postgresql":
                    cursor.execute("RESET ROLE")
        self.stdout.write(self.style.SUCCESS(f"{described} purgées ; leurs sceaux restent vérifiables."))
