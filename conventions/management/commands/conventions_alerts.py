from django.utils import timezone

from conventions.management.cafs import DailyCafReport
from conventions.models import Convention


class Command(DailyCafReport):
    help = (
        "Liste, Caf par Caf, les conventions dont l'échéance annuelle ou la limite de préavis de dénonciation "
        "tombe dans les N jours. À lancer chaque jour (les habilitations inutilisées : habilitations_alerts)."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        cafs = self.cafs(options["caf"])
        conventions = Convention.objects.due_within(today, options["days"]).filter(caf__in=cafs)
        by_caf = {}
        for convention in conventions.select_related("caf", "baj").order_by("caf__number", "number"):
            deadline, limit = convention.next_deadline(today), convention.next_notice_limit(today)
            renewed = " (préavis dépassé : reconduction tacite)" if limit > deadline else ""
            by_caf.setdefault(convention.caf, []).append(
                f"  convention {convention.number} ({convention.baj}) : échéance le {deadline:%d/%m/%Y}{renewed}, "
                f"limite de préavis de dénonciation le {limit:%d/%m/%Y}"
            )
        self.write_by_caf(by_caf, options["days"])
