from django.apps import AppConfig


class AllocatairesConfig(AppConfig):
    name = "allocataires"
    verbose_name = "Dossiers allocataires"

    def ready(self):
        """CONS-6: the rubriques declared here are the catalogue that profiles grant and conventions list."""
        from allocataires.rubriques import RUBRIQUES
        from conventions.rubriques import CATALOGUE

        CATALOGUE.register(*RUBRIQUES)

        # #24: the legal pages keep the portal's menu for a greffier.
        from allocataires.views import portal_frame
        from core.frames import register

        register(portal_frame)
