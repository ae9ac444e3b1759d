from django.apps import AppConfig


class AllocatairesConfig(AppConfig):
    name = "allocataires"
    verbose_name = "Dossiers allocataires"

    def ready(self):
        """CONS-6: the rubriques declared here are the catalogue that profiles grant and conventions list."""
        from allocataires.rubriques import RUBRIQUES
        from conventions.rubriques import CATALOGUE

        CATALOGUE.register(*RUBRIQUES)
