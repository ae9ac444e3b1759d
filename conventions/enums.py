from django.db import models


class JuridictionKind(models.TextChoices):
    """REF-1: the juridictions a BAJ is attached to (circular, part I.1)."""

    TGI = "tgi", "Tribunal de grande instance"
    COUR_CASSATION = "cour_cassation", "Cour de cassation"
    CONSEIL_ETAT = "conseil_etat", "Conseil d'État"
    COMMISSION_RECOURS_REFUGIES = "commission_recours_refugies", "Commission des recours des réfugiés"


class ConventionState(models.TextChoices):
    """CONV-2: where a convention stands on a given day."""

    AWAITING_SIGNATURE = "awaiting_signature", "En attente de signature"
    NOT_STARTED = "not_started", "Signée, pas encore en vigueur"
    FIRST_PERIOD = "first_period", "En vigueur (première période)"
    RENEWED = "renewed", "En vigueur (reconduite tacitement)"
    DENOUNCED = "denounced", "Dénoncée (en vigueur jusqu'à l'échéance)"
    ENDED = "ended", "Terminée (dénonciation)"
    TERMINATED = "terminated", "Résiliée (manquement, article 5)"


# CONV-2, CONV-4: the states read by every reader of a convention (`Convention.state_on`, its twin
# `ConventionQuerySet.with_state`): those giving access to its greffiers, those signed by both parties and not ended
# (a habilitation may be granted), and those ended.
CONVENTION_GIVING_ACCESS = frozenset(
    {ConventionState.FIRST_PERIOD, ConventionState.RENEWED, ConventionState.DENOUNCED}
)
CONVENTION_SIGNED = CONVENTION_GIVING_ACCESS | {ConventionState.NOT_STARTED}
CONVENTION_ENDED = frozenset({ConventionState.ENDED, ConventionState.TERMINATED})


class ConventionEnd(models.TextChoices):
    """CONV-2: how a convention ends."""

    DENUNCIATION = "denunciation", "Dénonciation à l'échéance annuelle (préavis de 2 mois)"
    BREACH = "breach", "Résiliation immédiate pour manquement (article 5)"


class SignatoryCapacity(models.TextChoices):
    """CONV-1: the partner signs by its head or by a delegate."""

    HEAD = "head", "Chef de juridiction"
    DELEGATE = "delegate", "Délégataire"


# CONV-1: who heads each kind of juridiction (circular, part I.1).
JURIDICTION_HEADS = {
    JuridictionKind.TGI: "Président du tribunal de grande instance",
    JuridictionKind.CONSEIL_ETAT: "Vice-président du Conseil d'État",
    JuridictionKind.COUR_CASSATION: "Premier président de la Cour de cassation",
    JuridictionKind.COMMISSION_RECOURS_REFUGIES: "Président de la Commission des recours des réfugiés",
}


class CafRoleKind(models.TextChoices):
    """ROLE-2, ROLE-3: what a CAF agent does for their CAF."""

    ADMINISTRATOR = "administrator", "Administrateur Caf"
    SECURITY_OFFICER = "security_officer", "Responsable sécurité"
