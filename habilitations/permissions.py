"""Roles that need habilitations, on top of `conventions.permissions` (which the CAF roles live in)."""

from django.db import models

from conventions.models import Convention
from conventions.permissions import bajs_managed
from habilitations.models import PendingConfirmation


def conventions_managed(user):
    """JUR-1, JUR-2, ROLE-7: the conventions a gestionnaire sees and acts on — those of their BAJs whose CAF
    recorded or confirmed the designation and answers for the credentials in force (no `PendingConfirmation`):
    a gestionnaire recorded, or a letter printed, by one CAF reaches that CAF's habilitations only."""
    pending = PendingConfirmation.objects.filter(user=user, caf=models.OuterRef("caf"))
    return Convention.objects.filter(baj__in=bajs_managed(user)).exclude(models.Exists(pending))
