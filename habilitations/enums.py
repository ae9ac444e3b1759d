from django.db import models


class GreffeFunction(models.TextChoices):
    """ROLE-1: the only functions that may hold a T12 habilitation."""

    GREFFIER_EN_CHEF = "greffier_en_chef", "Greffier en chef"
    GREFFIER = "greffier", "Greffier"
    FAISANT_FONCTION = "faisant_fonction", "Fonctionnaire faisant fonction de greffier"


# Wording (#24): the function agrees with the civility — « Madame Inès GARNIER, greffière ».
FEMININE_FUNCTIONS = {
    GreffeFunction.GREFFIER_EN_CHEF: "Greffière en chef",
    GreffeFunction.GREFFIER: "Greffière",
    GreffeFunction.FAISANT_FONCTION: "Fonctionnaire faisant fonction de greffière",
}


class Civility(models.TextChoices):
    """BO-4: how a letter greets its addressee."""

    MADAME = "madame", "Madame"
    MONSIEUR = "monsieur", "Monsieur"


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
    REFUSED = "refused", "Demande refusée par la Caf"


class HabilitationState(models.TextChoices):
    """HAB-1, HAB-2, CONV-4: where a habilitation stands on a given day — its status read with its end date and its
    convention's state (`Habilitation.state_on`, `HabilitationQuerySet.with_state`). Short labels: list badges."""

    REQUESTED = "requested", "Demandée"
    ACTIVE = "active", "Active"
    ENDING = "ending", "Fin programmée"  # active, the removal date still ahead
    AWAITING_CONVENTION = "awaiting_convention", "Convention non en vigueur"  # granted; convention not yet in force
    SUSPENDED = "suspended", "Suspendue"
    ENDED = "ended", "Terminée"  # its end date, or its convention's, has come
    REFUSED = "refused", "Refusée"
    REVOKED = "revoked", "Retirée"


# CONS-5, HAB-2: the states whose habilitation opens its CAF's dossiers (`HabilitationQuerySet.in_force_on`, less the
# ROLE-7 confirmation, a separate flag); the states that no act changes any more.
HABILITATION_GIVING_ACCESS = frozenset({HabilitationState.ACTIVE, HabilitationState.ENDING})
HABILITATION_CLOSED = frozenset({HabilitationState.ENDED, HabilitationState.REFUSED, HabilitationState.REVOKED})
