from django.db import models


class JournalEvent(models.TextChoices):
    """JRN-1: what a line of the access journal records."""

    LOGIN_SUCCESS = "login_success", "Connexion réussie"
    LOGIN_FAILURE = "login_failure", "Échec de connexion"
    LOCKOUT = "lockout", "Blocage après trois échecs"
    LOCKED_OUT_ATTEMPT = "locked_out_attempt", "Tentative sur un accès bloqué"
    LOGOUT = "logout", "Fermeture de la session"
    IDLE_TIMEOUT = "idle_timeout", "Session fermée après 10 minutes d'inactivité"
    ABSOLUTE_TIMEOUT = "absolute_timeout", "Session fermée (durée maximale atteinte)"
    PASSWORD_CHANGE = "password_change", "Changement du mot de passe"
    PASSWORD_RESET = "password_reset", "Réinitialisation du mot de passe par la Caf"
    UNLOCK = "unlock", "Déblocage de l'accès par la Caf"
