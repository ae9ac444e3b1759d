"""Writes of the consultation portal: the journal lines of JRN-2, in the request, before the response."""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from allocataires.models import DialogueMessage
from conventions.models import Caf
from journal.enums import JournalEvent
from journal.services import journal_record

logger = logging.getLogger(__name__)


def consultation_record(*, request, dossier, purpose, rubrique, period="", event=JournalEvent.CONSULTATION):
    """JRN-2, PUR-2: who consulted which rubrique of which dossier of which CAF, for which period and which
    legal-aid file — or printed its edition (CONS-14: `event` EDITION, rubrique "edition")."""
    return journal_record(
        event=event,
        request=request,
        user=request.user,
        caf_id=dossier.caf_id,
        allocataire_number=dossier.number,
        rubrique=rubrique,
        period=period,
        **purpose.journal(),
    )


def consultation_refused_record(*, request, caf=None, number="", detail="", purpose=None):
    """JRN-2, PUR-2: a dossier not found, out of the user's access, or a postal code of a CAF outside it (the
    user is not told whether the dossier exists); with the legal-aid file stated, when it was."""
    return journal_record(
        event=JournalEvent.CONSULTATION_REFUSED,
        request=request,
        user=request.user,
        caf_id=caf.pk if caf else None,
        allocataire_number=number[:16],
        detail=detail,
        **(purpose.journal() if purpose else {}),
    )


def dialogue_send(*, request, caf, token, organisation, name, email, allocataire_number, body):
    """DIA-2, DIA-3, DIA-4: records the message for the CAF — once per form (a second submission of the same form
    returns the first message) — journals it, then notifies the CAF by e-mail when it asked to be. The CAF is read
    from the database here: the CAF of the user's access is a session copy without the Dialogue address (DIA-4).
    A notification that cannot be sent is logged and journaled, and the caller is told (`notified` False); the
    message stays recorded for the CAF. Returns (message, created, notified), `notified` None when no e-mail was
    due."""
    caf = Caf.objects.get(pk=caf.pk)
    with transaction.atomic():
        message, created = DialogueMessage.objects.get_or_create(
            token=token,
            defaults={
                "caf": caf,
                "sender": request.user,
                "organisation": organisation,
                "name": name,
                "email": email,
                "allocataire_number": allocataire_number,
                "body": body,
            },
        )
        if created:
            journal_record(
                event=JournalEvent.DIALOGUE_SENT,
                request=request,
                user=request.user,
                caf=caf,
                allocataire_number=allocataire_number,
                rubrique="dialogue",
            )
    if not created or not caf.dialogue_email:
        return message, created, None
    return message, created, _notify(request, message, caf)


def _notify(request, message, caf):
    """DIA-3, DIA-4: the notification names the sender but carries no allocataire data (the CAF reads the message
    in the administration). A failure is never silent: logged, journaled for the CAF, and answered False."""
    organisation = " ".join(message.organisation.split())  # a line break would void the header, and the e-mail
    try:
        send_mail(
            subject=f"Cafpro — nouveau message Dialogue de {organisation}",
            message=(
                f"Un message Dialogue a été déposé le {timezone.localtime(message.sent_at):%d/%m/%Y à %H:%M} par "
                f"{message.name} ({message.organisation}).\nConsultez-le dans l'administration de Cafpro."
            ),
            from_email=None,
            recipient_list=[caf.dialogue_email],
        )
    except Exception as error:  # noqa: BLE001 — any transport failure (SMTP, DNS, refused address) is reported
        logger.error("Dialogue: notification of message %s to %s failed: %r", message.pk, caf.dialogue_email, error)
        journal_record(
            event=JournalEvent.DIALOGUE_NOTIFY_FAILED,
            request=request,
            user=request.user,
            caf=caf,
            allocataire_number=message.allocataire_number,
            rubrique="dialogue",
            detail=f"courriel à {caf.dialogue_email} non envoyé : {type(error).__name__}",
        )
        return False
    return True


@transaction.atomic
def dialogue_process(*, message, by, status, request=None):
    """DIA-3, AUD-1: a CAF agent moves a message to `status`; who and when are recorded, and journaled for the CAF
    (without the message's text)."""
    before = DialogueMessage.objects.get(pk=message.pk).get_status_display()
    message.status, message.handled_by, message.handled_at = status, by, timezone.now()
    message.save(update_fields=["status", "handled_by", "handled_at"])
    journal_record(
        event=JournalEvent.DIALOGUE_PROCESSED,
        request=request,
        user=by,
        caf=message.caf,
        allocataire_number=message.allocataire_number,
        detail=f"message du {timezone.localtime(message.sent_at):%d/%m/%Y %H:%M} de {message.name} : "
        f"{before} → {message.get_status_display()}",
    )
    return message
