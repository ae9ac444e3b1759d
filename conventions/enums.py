from django.db import models


class JuridictionKind(models.TextChoices):
    """REF-1: the juridictions a BAJ is attached to (circular, part I.1)."""

    TGI = "tgi", "Tribunal de grande instance"
    COUR_CASSATION = "cour_cassation", "Cour de cassation"
    CONSEIL_ETAT = "conseil_etat", "Conseil d'État"
    COMMISSION_RECOURS_REFUGIES = "commission_recours_refugies", "Commission des recours des réfugiés"
