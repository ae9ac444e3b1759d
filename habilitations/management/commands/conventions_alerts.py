import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from conventions.management.base import CafproCommand, positive_int
from conventions.models import Caf, Convention
from habilitations.enums import HabilitationStatus
from habilitations.models import Habilitation


class Command(CafproCommand):
    help = (
        "Liste, Caf par Caf, les conventions dont l'échéance annuelle ou la limite de préavis de dénonciation "
        "tombe dans les N jours, et les habilitations actives sans connexion depuis N jours. À lancer chaque jour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=positive_int, default=60, help="horizon en jours (60 par défaut)")
        parser.add_argument("--caf", action="append", help="numéro de Caf (répétable ; toutes par défaut)")

    def handle(self, *args, **options):
        today = timezone.localdate()
        days = options["days"]
        horizon = today + dt.timedelta(days=days)
        cafs = Caf.objects.numbered()
        if options["caf"]:
            cafs = cafs.filter(number__in=options["caf"])
            if not cafs.exists():
                raise CommandError(f"Caf inconnue : {', '.join(options['caf'])}.")
        conventions = (
            Convention.objects.active_on(today).filter(ends_on__isnull=True, caf__in=cafs).select_related("baj")
        )
        inactive_since = timezone.now() - dt.timedelta(days=days)
        habilitations = (
            Habilitation.objects.filter(status=HabilitationStatus.ACTIVE, convention__caf__in=cafs)
            .exclude(user__last_login__gte=inactive_since)
            .select_related("user", "convention")
        )
        by_caf = {}
        for convention in conventions:
            deadline = convention.next_deadline(today)
            limit = convention.notice_limit(deadline)
            if limit <= horizon or deadline <= horizon:
                by_caf.setdefault(convention.caf_id, ([], []))[0].append(
                    f"  convention {convention.number} ({convention.baj}) : échéance le {deadline:%d/%m/%Y}, "
                    f"limite de préavis de dénonciation le {limit:%d/%m/%Y}"
                )
        for habilitation in habilitations:
            last = habilitation.user.last_login
            seen = f"dernière connexion le {timezone.localtime(last):%d/%m/%Y}" if last else "jamais connectée"
            by_caf.setdefault(habilitation.convention.caf_id, ([], []))[1].append(
                f"  habilitation {habilitation.user.identifier} ({habilitation.user.get_full_name()}) : {seen}"
            )
        if not by_caf:
            self.stdout.write(f"Rien à signaler dans les {days} jours.")
            return
        for caf in cafs.filter(pk__in=by_caf):
            conventions_lines, habilitation_lines = by_caf[caf.pk]
            self.stdout.write(f"{caf.name} ({caf.number})")
            for line in conventions_lines + habilitation_lines:
                self.stdout.write(line)
