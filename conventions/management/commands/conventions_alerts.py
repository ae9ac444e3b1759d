from django.utils import timezone

from conventions.management.cafs import add_caf_option, cafs_option
from conventions.models import ALERT_DAYS, Convention
from core.commands import CafproCommand, positive_int


class Command(CafproCommand):
    help = (
        "Liste, Caf par Caf, les conventions dont l'échéance annuelle ou la limite de préavis de dénonciation "
        "tombe dans les N jours. À lancer chaque jour (les habilitations inutilisées : habilitations_alerts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=positive_int, default=ALERT_DAYS, help="horizon en jours (60 par défaut)")
        add_caf_option(parser)

    def handle(self, *args, **options):
        today = timezone.localdate()
        cafs = cafs_option(options["caf"])
        conventions = Convention.objects.due_within(today, options["days"]).filter(caf__in=cafs)
        by_caf = {}
        for convention in conventions.select_related("caf", "baj").order_by("caf__number", "number"):
            deadline = convention.next_deadline(today)
            by_caf.setdefault(convention.caf, []).append(
                f"  convention {convention.number} ({convention.baj}) : échéance le {deadline:%d/%m/%Y}, "
                f"limite de préavis de dénonciation le {convention.notice_limit(deadline):%d/%m/%Y}"
            )
        self.write_by_caf(by_caf, options["days"])
