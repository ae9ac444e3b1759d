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
    PASSWORD_CHANGE_REFUSED = (
        "password_change_refused",
        "Changement du mot de passe refusé (mot de passe actuel erroné)",
    )
    PASSWORD_RESET = "password_reset", "Réinitialisation du mot de passe par la Caf"
    UNLOCK = "unlock", "Déblocage de l'accès par la Caf"
    CONSULTATION = "consultation", "Consultation d'une rubrique"
    CONSULTATION_REFUSED = "consultation_refused", "Consultation refusée (dossier introuvable ou hors convention)"
    EDITION = "edition", "Édition imprimée"
    DIALOGUE_SENT = "dialogue_sent", "Message envoyé à la Caf (Dialogue)"
    SESSION_REVOKED = "session_revoked", "Session fermée : habilitation suspendue ou retirée"
    JOURNAL_VIEWED = "journal_viewed", "Consultation du journal des accès"
    JOURNAL_EXPORTED = "journal_exported", "Export du journal des accès"
    REPORT_VIEWED = "report_viewed", "Consultation du rapport d'irrégularités"
    SURVEILLANCE_STARTED = "surveillance_started", "Mise sous surveillance"
    SURVEILLANCE_LIFTED = "surveillance_lifted", "Levée de la surveillance"
    JOURNAL_PURGED = "journal_purged", "Purge du journal (durée de conservation)"


class GreffeFunction(models.TextChoices):
    """ROLE-1: the only functions that may hold a T12 habilitation."""

    GREFFIER_EN_CHEF = "greffier_en_chef", "Greffier en chef"
    GREFFIER = "greffier", "Greffier"
    FAISANT_FONCTION = "faisant_fonction", "Fonctionnaire faisant fonction de greffier"


class HabilitationStatus(models.TextChoices):
    """HAB-1."""

    REQUESTED = "requested", "Demandée"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspendue"
    REVOKED = "revoked", "Révoquée"


class RevocationReason(models.TextChoices):
    """HAB-2: why a habilitation is withdrawn (circular, I.3; annex 3)."""

    CHANGE_OF_ASSIGNMENT = "assignment", "Changement d'affectation"
    END_OF_MISSION = "end_of_mission", "Fin de mission"
    REMOVAL_REQUEST = "removal_request", "Demande de suppression"
    BREACH = "breach", "Manquement aux obligations de la convention"


class LegalAidProcedure(models.TextChoices):
    """PUR-1: what the consultation instructs — the circular's three cases ("les demandes d'aide
    juridictionnelle, de nouvelle délibération ou de retrait")."""

    ADMISSION = "admission", "Demande d'aide juridictionnelle"
    NOUVELLE_DELIBERATION = "nouvelle_deliberation", "Nouvelle délibération"
    RETRAIT = "retrait", "Retrait de l'aide"
