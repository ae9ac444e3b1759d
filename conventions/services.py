"""Writes on conventions (CONV-2), each with its history row in the same transaction (HAB-3)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conventions.enums import ConventionEnd
from conventions.models import ConventionHistory


def convention_history(*, convention, by, action, detail=""):
    return ConventionHistory.objects.create(convention=convention, by=by, action=action, detail=detail)


def _changes(instance, form):
    """« field: before → after » for each field the admin's form changed."""
    return "; ".join(
        f"{instance._meta.get_field(name).verbose_name} : {form.initial.get(name, '—')} → {form.cleaned_data[name]}"
        for name in form.changed_data
    )


@transaction.atomic
def convention_save(*, convention, by, form):
    """CONV-1, CONV-4, HAB-3: a convention created or edited in the administration — saved and its history
    kept (the access of its greffiers follows: migration `habilitations/0006`)."""
    created = convention.pk is None
    convention.full_clean()
    convention.save()
    convention_history(
        convention=convention,
        by=by,
        action="création" if created else "modification",
        detail=_changes(convention, form),
    )
    return convention


@transaction.atomic
def convention_denounce(*, convention, by, deadline=None, notice_on=None):
    """CONV-2: denunciation at an annual deadline with 2 months' notice. Without a deadline, the earliest
    possible one; a deadline that is not one, or too close, is refused with the earliest possible date."""
    notice_on = notice_on or timezone.localdate()
    if convention.ends_on is not None:
        raise ValidationError("Cette convention est déjà dénoncée ou résiliée.")
    earliest = convention.earliest_denunciation_deadline(notice_on)
    deadline = deadline or earliest
    index = convention.period_index_on(max(deadline, convention.starts_on))
    if deadline != convention.deadline(index) or deadline < earliest:
        raise ValidationError(
            f"Une dénonciation prend effet à une échéance annuelle, avec un préavis de 2 mois : notifiée le "
            f"{notice_on:%d/%m/%Y}, elle peut prendre effet au plus tôt le {earliest:%d/%m/%Y}."
        )
    convention.end_kind = ConventionEnd.DENUNCIATION
    convention.end_notice_on = notice_on
    convention.ends_on = deadline + dt.timedelta(days=1)
    convention.save(update_fields=["end_kind", "end_notice_on", "ends_on"])
    convention_history(
        convention=convention,
        by=by,
        action="dénonciation",
        detail=f"notifiée le {notice_on:%d/%m/%Y}, fin à l'échéance du {deadline:%d/%m/%Y}",
    )
    return convention


@transaction.atomic
def convention_terminate(*, convention, by, reason, on=None):
    """CONV-2, article 5: the CAF ends the convention at once for breach; the reason is required. Every
    habilitation under it stops giving access on that day."""
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Le motif du manquement est obligatoire (article 5 de la convention).")
    if convention.ends_on is not None and convention.ends_on <= on:
        raise ValidationError("Cette convention a déjà pris fin.")
    convention.end_kind = ConventionEnd.BREACH
    convention.end_reason = reason
    convention.ends_on = max(on, convention.starts_on)
    convention.save(update_fields=["end_kind", "end_reason", "ends_on"])
    convention_history(convention=convention, by=by, action="résiliation", detail=f"le {on:%d/%m/%Y} : {reason}")
    return convention
