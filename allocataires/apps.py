from django.apps import AppConfig


class AllocatairesConfig(AppConfig):
    name = "allocataires"
    verbose_name = "Dossiers allocataires"
