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
from journal import proof
from journal.enums import JournalEvent
from journal.integrity import PURGE_ROLE, RETENTION, read_checkpoints, verify
from journal.models import JournalEntry, JournalSeal
from journal.services import journal_record

SHORTEST_MONTHS = 12  # RETENTION in whole months: the database refuses to purge anything younger


def months(value):
    match = re.fullmatch(r"([0-9]+)m", value or "")
    if not match or int(match.group(1)) < SHORTEST_MONTHS:
        raise argparse.ArgumentTypeError(
            f"« {value} » : une durée d'au moins {SHORTEST_MONTHS} mois est attendue, par exemple 12m"
        )
    return int(match.group(1))


def first_anchors(checkpoints):
    """For each anchored seal number, the earliest anchoring time of a checkpoint covering it (that seal or a
    later one): when the seal became provable, which is what the verifier dates a purge by (JRN-8)."""
    anchored = sorted(
        (checkpoint["payload"]["seal"], dt.datetime.fromisoformat(checkpoint["payload"]["anchored_at"]))
        for checkpoint in checkpoints
    )
    earliest, result = None, {}
    for number, at in reversed(anchored):
        earliest = at if earliest is None else min(earliest, at)
        result[number] = earliest
    return anchored, result


class Command(CafproCommand):
    help = (
        "Purge du journal des accès les sceaux dont toutes les lignes sont antérieures à la durée de conservation "
        "(JRN-5 ; 12 mois au moins, CAFPRO_JOURNAL_RETENTION_MONTHS) et dont le premier point d'ancrage est plus "
        "ancien que la conservation. Lit d'abord le témoin et vérifie tout le journal contre lui : témoin illisible "
        "ou journal non intègre, purge refusée. Les sceaux restent, leurs lignes absentes. Sur PostgreSQL, la "
        "suppression se fait sous le rôle cafpro_journal_purge, que la base n'autorise que pour des sceaux de plus "
        "d'un an : lancer la commande avec un utilisateur de la base qui en est membre (docs/deployment.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=months, default=None, help="durée conservée, en mois (ex. 12m)")
        parser.add_argument("--witness", help="où lire les points d'ancrage (défaut : réglage)")
        parser.add_argument("--dry-run", action="store_true", help="dire ce qui serait purgé, sans rien supprimer")

    def handle(self, *args, **options):
        keep = max(options["older_than"] or settings.CAFPRO_JOURNAL_RETENTION_MONTHS, SHORTEST_MONTHS)
        first_kept_month = add_months(timezone.localdate().replace(day=1), -keep)
        before = timezone.make_aware(dt.datetime.combine(first_kept_month, dt.time()))
        try:
            checkpoints = read_checkpoints(options["witness"])
        except proof.WitnessUnreadable as error:
            raise CommandError(f"{error} : purge refusée.") from None
        report = verify(checkpoints=checkpoints)
        if not report.ok:
            position, message = report.first_failure
            raise CommandError(f"Journal non intègre ({position} : {message}) : purge refusée.")
        anchored, first_anchor = first_anchors(checkpoints)
        newest = max((at for _, at in anchored), default=None)
        numbers = [number for number, _ in anchored]
        candidates = (
            JournalSeal.objects.filter(purged_at__isnull=True)
            .annotate(latest=Max("lines__occurred_at"))
            .order_by("number")
        )
        seals = []
        for seal in candidates:
            covering = next((first_anchor[n] for n in numbers if n >= seal.number), None)
            if seal.latest is None or seal.latest >= before or covering is None or covering > newest - RETENTION:
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
        ids = [seal.pk for seal in seals]
        with transaction.atomic():
            journal_record(event=JournalEvent.JOURNAL_PURGED, identifier="journal_purge", detail=described[:200])
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"SET LOCAL ROLE {PURGE_ROLE}")
                table, seal_table = JournalEntry._meta.db_table, JournalSeal._meta.db_table
                placeholders = ", ".join(["%s"] * len(ids))
                cursor.execute(f"DELETE FROM {table} WHERE seal_id IN ({placeholders})", ids)
                cursor.execute(
                    f"UPDATE {seal_table} SET purged_at = %s WHERE id IN ({placeholders})", [timezone.now(), *ids]
                )
                if connection.vendor == "postgresql":
                    cursor.execute("RESET ROLE")
        self.stdout.write(self.style.SUCCESS(f"{described} purgées ; leurs sceaux restent vérifiables."))
