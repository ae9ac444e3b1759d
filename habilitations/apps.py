from django.apps import AppConfig


class HabilitationsConfig(AppConfig):
    name = "habilitations"
    verbose_name = "Habilitations"

    def ready(self):
        """AUD-1: the apps below journal their privileged acts through `core.journal`."""
        from core import journal
        from habilitations.services import journal_record

        journal.connect(journal_record)
