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
    DIALOGUE_NOTIFY_FAILED = "dialogue_notify_failed", "Courriel Dialogue à la Caf non envoyé"
    SESSION_REVOKED = "session_revoked", "Session fermée : habilitation suspendue ou retirée"
    JOURNAL_VIEWED = "journal_viewed", "Consultation du journal des accès"
    JOURNAL_EXPORTED = "journal_exported", "Export du journal des accès"
    REPORT_VIEWED = "report_viewed", "Consultation du rapport d'irrégularités"
    SURVEILLANCE_STARTED = "surveillance_started", "Mise sous surveillance"
    SURVEILLANCE_LIFTED = "surveillance_lifted", "Levée de la surveillance"
    JOURNAL_PURGED = "journal_purged", "Purge du journal (durée de conservation)"
    # AUD-1: the privileged acts, each journaled by its service in the transaction of the act.
    HABILITATION_REQUESTED = "habilitation_requested", "Habilitation demandée"
    HABILITATION_GRANTED = "habilitation_granted", "Habilitation accordée (lettre d'ouverture des droits)"
    HABILITATION_SUSPENDED = "habilitation_suspended", "Habilitation suspendue"
    HABILITATION_REACTIVATED = "habilitation_reactivated", "Habilitation réactivée"
    HABILITATION_REVOKED = "habilitation_revoked", "Habilitation retirée"
    HABILITATION_EDITED = "habilitation_edited", "Habilitation modifiée"
    CONVENTION_CREATED = "convention_created", "Convention créée"
    CONVENTION_EDITED = "convention_edited", "Convention modifiée"
    CONVENTION_SIGNED = "convention_signed", "Convention signée par les deux parties"
    CONVENTION_DENOUNCED = "convention_denounced", "Convention dénoncée"
    CONVENTION_TERMINATED = "convention_terminated", "Convention résiliée (manquement)"
    BAJ_CONTACT_EDITED = "baj_contact_edited", "Coordonnées d'un bureau d'aide juridictionnelle modifiées"
    BAJ_MANAGER_RECORDED = "baj_manager_recorded", "Gestionnaire de juridiction enregistré"
    HABILITATION_REFUSED = "habilitation_refused", "Demande d'habilitation refusée"
    DIFFICULTY_REPORTED = "difficulty_reported", "Difficulté signalée au suivi national"
    DIFFICULTY_ANSWERED = "difficulty_answered", "Réponse du suivi national à une difficulté"
    CAF_ROLE_GRANTED = "caf_role_granted", "Rôle d'agent de Caf donné"
    CAF_ROLE_REMOVED = "caf_role_removed", "Rôle d'agent de Caf retiré"
    ACCOUNT_CREATED = "account_created", "Compte créé"
    ACCOUNT_CHANGED = "account_changed", "Compte modifié (identité, droits, activité)"
    DIALOGUE_PROCESSED = "dialogue_processed", "Message Dialogue traité"
    # AUD-1 (extended): the acts no domain service owns, journaled by `journal.acts` with who, what, before and after.
    OBJECT_CREATED = "object_created", "Ajout dans l'administration"
    OBJECT_CHANGED = "object_changed", "Modification dans l'administration"
    OBJECT_DELETED = "object_deleted", "Suppression dans l'administration"
    DOCUMENT_PRINTED = "document_printed", "Document imprimé (PDF)"
    COMMAND_RUN = "command_run", "Commande lancée sur le serveur"
    # ROLE-7: credentials printed by one CAF open its habilitations only until each other CAF concerned confirms.
    CREDENTIALS_ISSUED = "credentials_issued", "Identifiants émis par une Caf (lettre d'ouverture des droits)"
    CREDENTIALS_CONFIRMED = "credentials_confirmed", "Identifiants ou désignation confirmés par la Caf"
    # AUTH-11: the second factor.
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", "Double authentification activée"
    SECOND_FACTOR_SUCCESS = "second_factor_success", "Code de double authentification accepté"
    SECOND_FACTOR_FAILURE = "second_factor_failure", "Code de double authentification erroné"
    SECOND_FACTOR_RESET = "second_factor_reset", "Double authentification réinitialisée"


class LegalAidProcedure(models.TextChoices):
    """PUR-1: what the consultation instructs — the circular's three cases ("les demandes d'aide
    juridictionnelle, de nouvelle délibération ou de retrait")."""

    ADMISSION = "admission", "Demande d'aide juridictionnelle"
    NOUVELLE_DELIBERATION = "nouvelle_deliberation", "Nouvelle délibération"
    RETRAIT = "retrait", "Retrait de l'aide"
