"""Writes on conventions (CONV-2) and on the CAF agents' roles, each with its history row (HAB-3) and its journal
line (AUD-1) in the same transaction."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from conventions.enums import CONVENTION_ENDED, ConventionEnd
from conventions.models import Caf, CafRole, ConventionHistory, DifficultyReport
from conventions.permissions import bajs_managed
from journal.enums import JournalEvent
from journal.services import changes, journal_record


def convention_history(*, convention, by, action, detail="", event=None, request=None):
    """HAB-3, AUD-1: the convention's history row and, for an act of someone, its journal line."""
    ConventionHistory.objects.create(convention=convention, by=by, action=action, detail=detail)
    if event:
        journal_record(
            event=event,
            request=request,
            user=by,
            caf=convention.caf,
            detail=f"convention {convention.number} : {detail}" if detail else f"convention {convention.number}",
        )


@transaction.atomic
def convention_save(*, convention, by, form, request=None):
    """CONV-1, CONV-4, HAB-3, AUD-1: a convention created or edited in the administration — saved, its history
    and its journal line written with the changed fields before and after; the second signature is the act of
    signing (the access of its greffiers follows: migration `habilitations/0006`). CONV-4 (#24): once signed by both
    parties (or ended), its contract (`Convention.CONTRACT_FIELDS`) is refused any change, whoever asks; its end
    goes through `convention_denounce` / `convention_terminate`. AUD-1: an edit that changes nothing (a signed
    convention's page posted by hand: it has no field to edit) writes nothing — no history row, no journal line."""
    created = convention.pk is None
    today = timezone.localdate()
    stored = None if created else type(convention).objects.get(pk=convention.pk)
    was_signed = stored is not None and stored.is_signed_on(today)
    fields = [] if created else convention._meta.concrete_fields
    differing = [f for f in fields if getattr(stored, f.attname) != getattr(convention, f.attname)]
    if stored is not None and stored.is_sealed_on(today):
        changed = [str(f.verbose_name) for f in differing if f.name in convention.CONTRACT_FIELDS]
        if changed and stored.state_on(today) in CONVENTION_ENDED:
            raise ValidationError(
                f"La convention n° {stored.number} a pris fin : elle ne peut plus être modifiée "
                f"({', '.join(changed)})."
            )
        if changed:
            raise ValidationError(
                f"La convention n° {stored.number} est signée par les deux parties : ses termes ne peuvent plus être "
                f"modifiés ({', '.join(changed)}). Pour y mettre fin, utilisez « Dénoncer » ou « Résilier »."
            )
    if not created and not differing:
        return convention
    convention.full_clean()
    convention.save()
    if created:
        event, action = JournalEvent.CONVENTION_CREATED, "création"
    elif not was_signed and convention.is_signed_on(today):
        event, action = JournalEvent.CONVENTION_SIGNED, "signature"
    else:
        event, action = JournalEvent.CONVENTION_EDITED, "modification"
    convention_history(convention=convention, by=by, action=action, detail=changes(form), event=event, request=request)
    return convention


@transaction.atomic
def difficulty_report(*, manager, baj, subject, body, request=None):
    """JUR-3, AUD-1: the gestionnaire of `baj` reports a difficulty to the Ministry's follow-up (SADJPV)."""
    if not bajs_managed(manager).filter(pk=baj.pk).exists():
        raise PermissionDenied
    report = DifficultyReport.objects.create(baj=baj, reported_by=manager, subject=subject, body=body)
    journal_record(event=JournalEvent.DIFFICULTY_REPORTED, request=request, user=manager, detail=f"{baj} : {subject}")
    return report


@transaction.atomic
def difficulty_answer(*, report, by, answer, request=None):
    """JUR-3, AUD-1: the follow-up answers; the gestionnaire reads the answer in the juridiction's space."""
    answer = answer.strip()
    if not answer:
        raise ValidationError("Saisissez la réponse.")
    report.answer, report.answered_by, report.answered_at = answer, by, timezone.now()
    report.save(update_fields=["answer", "answered_by", "answered_at"])
    journal_record(
        event=JournalEvent.DIFFICULTY_ANSWERED, request=request, user=by, detail=f"{report.baj} : {report.subject}"
    )
    return report


@transaction.atomic
def baj_contact_save(*, baj, caf, by, form, request=None):
    """BO-4, AUD-1: the postal address, telephone and fax of a BAJ, entered by an agent of `caf` for the letters and
    the convention — saved and journaled for that CAF with the fields before and after. ROLE-7: only for a BAJ that
    CAF alone deals with — every CAF of a BAJ mails its letters there, initial passwords included, so a shared BAJ is
    the national administration's (`BajAdmin.has_change_permission`), refused here whoever asks. An edit that
    changes nothing writes nothing."""
    if Caf.objects.of_bajs([baj]).exclude(pk=caf.pk).exists():
        raise ValidationError(
            f"Le {baj} traite aussi avec d'autres Caf : son adresse est modifiée par l'administration nationale."
        )
    if not form.changed_data:
        return baj
    baj.full_clean()
    baj.save()
    journal_record(
        event=JournalEvent.BAJ_CONTACT_EDITED, request=request, user=by, caf=caf, detail=f"{baj} : {changes(form)}"
    )
    return baj


@transaction.atomic
def caf_role_grant(*, user, caf, kind, by, request=None):
    """ROLE-2, ROLE-3, AUD-1: `user` becomes an agent of `caf` in the role `kind` — journaled for that CAF."""
    role, created = CafRole.objects.get_or_create(user=user, caf=caf, kind=kind)
    if created:
        journal_record(
            event=JournalEvent.CAF_ROLE_GRANTED,
            request=request,
            user=by,
            caf=caf,
            detail=f"{user.identifier} : {role.get_kind_display()}",
        )
    return role


@transaction.atomic
def caf_role_remove(*, role, by, request=None):
    """ROLE-2, ROLE-3, AUD-1: a role taken back — journaled for that CAF."""
    journal_record(
        event=JournalEvent.CAF_ROLE_REMOVED,
        request=request,
        user=by,
        caf=role.caf,
        detail=f"{role.user.identifier} : {role.get_kind_display()}",
    )
    role.delete()


@transaction.atomic
def convention_denounce(*, convention, by, deadline=None, notice_on=None, reason="", request=None):
    """CONV-2, BO-6: denunciation at an annual deadline with 2 months' notice. Without a deadline, the earliest
    possible one; a deadline that is not one, or too close, is refused with the earliest possible date. The agent's
    `reason` in the history and the journal. CONV-4 (#24): a convention not yet signed is not denounced."""
    notice_on = notice_on or timezone.localdate()
    if convention.ends_on is not None:
        raise ValidationError("Cette convention est déjà dénoncée ou résiliée.")
    if not convention.is_sealed_on(notice_on):  # CONV-4 (#24): only a signed contract is denounced
        raise ValidationError(
            "Cette convention n'est pas encore signée par les deux parties : elle ne peut être dénoncée."
        )
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
        detail=f"notifiée le {notice_on:%d/%m/%Y}, fin à l'échéance du {deadline:%d/%m/%Y}"
        + (f" — motif : {reason}" if reason else ""),
        event=JournalEvent.CONVENTION_DENOUNCED if by else None,
        request=request,
    )
    return convention


@transaction.atomic
def convention_terminate(*, convention, by, reason, on=None, request=None):
    """CONV-2, article 5: the CAF ends the convention at once for breach; the reason is required. Every
    habilitation under it stops giving access on that day."""
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Le motif du manquement est obligatoire (article 5 de la convention).")
    if convention.state_on(on) in CONVENTION_ENDED:
        raise ValidationError("Cette convention a déjà pris fin.")
    convention.end_kind = ConventionEnd.BREACH
    convention.end_reason = reason
    convention.ends_on = max(on, convention.starts_on)
    convention.save(update_fields=["end_kind", "end_reason", "ends_on"])
    convention_history(
        convention=convention,
        by=by,
        action="résiliation",
        detail=f"le {on:%d/%m/%Y} : {reason}",
        event=JournalEvent.CONVENTION_TERMINATED if by else None,
        request=request,
    )
    return convention
