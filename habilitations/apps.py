from django.apps import AppConfig


class HabilitationsConfig(AppConfig):
    name = "habilitations"
    verbose_name = "Habilitations"

    def ready(self):
        """#24: the legal pages keep the menu of the back office's roles."""
        from core.frames import register
        from habilitations.views import role_frame

        register(role_frame)
