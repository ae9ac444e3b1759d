import datetime as dt

from django.utils import timezone

from conventions.management.cafs import DailyCafReport
from habilitations.models import Habilitation


class Command(DailyCafReport):
    help = (
        "Liste, Caf par Caf, les habilitations actives sans connexion depuis N jours (HAB-3), à retirer si la "
        "personne a quitté le BAJ. À lancer chaque jour, avec conventions_alerts."
    )

    def handle(self, *args, **options):
        since = timezone.now() - dt.timedelta(days=options["days"])
        habilitations = (
            Habilitation.objects.unused_since(since)
            .filter(convention__caf__in=self.cafs(options["caf"]))
            .select_related("user", "convention__caf")
            .order_by("user__identifier")
        )
        by_caf = {}
        for habilitation in habilitations:
            last = habilitation.user.last_login
            seen = f"dernière connexion le {timezone.localtime(last):%d/%m/%Y}" if last else "jamais connectée"
            by_caf.setdefault(habilitation.convention.caf, []).append(
                f"  habilitation {habilitation.user.identifier} ({habilitation.user.get_full_name()}) : {seen}"
            )
        self.write_by_caf(by_caf, options["days"])
