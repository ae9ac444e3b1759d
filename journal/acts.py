"""AUD-1 (extended): the privileged acts that no domain service owns — a row added, changed or deleted in the
administration (groups and their permissions, CAFs and their contacts, BAJs, postal-code rules, users…), a document
printed, a command run on the server — each journaled by this one writer, in the transaction of the act, with who,
what, before and after (never a password, never a password's hash). The domain services (conventions, habilitations,
accounts, roles, Dialogue) journal their own acts with their own events; their admins call them instead.

AUD-2: a line reaches the officers of each CAF the act concerns (one line per CAF), or, concerning none, the
national security officer."""

import datetime as dt
import getpass

from django.db import transaction

from journal.enums import JournalEvent
from journal.services import changes, journal_record


def record_for(cafs, **line):
    """One journal line per CAF concerned, or one line of no CAF (the national security officer's)."""
    cafs = {caf.pk: caf for caf in cafs if caf is not None and caf.pk is not None}
    if not cafs:
        return [journal_record(**line)]
    return [journal_record(caf=cafs[pk], **line) for pk in sorted(cafs)]


def text(value):
    """A value as the officer reads it in a line: « — » for nothing, « oui »/« non », French dates."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, (list, tuple)):
        return ", ".join(sorted(text(item) for item in value)) or "—"
    return str(value)


def described(obj):
    """« label : value » of every field of `obj`, its many-to-many relations included — what a deleted row was.
    A password is never shown (JRN-5)."""
    parts = []
    for field in [*obj._meta.concrete_fields, *obj._meta.many_to_many]:
        if field.primary_key or "password" in field.name:
            continue
        if field.many_to_many:
            value = list(getattr(obj, field.name).all()) if obj.pk is not None else []
        elif field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        else:
            value = getattr(obj, field.name)
        parts.append(f"{field.verbose_name} : {text(value)}")
    return "; ".join(parts)


def _what(obj):
    return f"{obj._meta.verbose_name} « {obj} »"


def _inline_changes(formsets):
    """The rows of the inline forms added, changed or deleted, before and after (read before they are saved)."""
    parts = []
    for formset in formsets:
        deleted = {id(form) for form in getattr(formset, "deleted_forms", [])}
        for form in formset.forms:
            instance = form.instance
            if id(form) in deleted and instance.pk is not None:
                parts.append(f"{_what(instance)} supprimé : {described(instance)} → —")
            elif form.has_changed() and id(form) not in deleted:
                label = _what(instance) if instance.pk is not None else f"{instance._meta.verbose_name} ajouté"
                parts.append(f"{label} : {changes(form)}")
    return parts


@transaction.atomic
def object_save(*, obj, form, formsets=(), by, cafs_before=(), cafs_of=lambda obj: [], request=None):
    """AUD-1: a row added or changed in the administration — saved with its many-to-many relations (a group's
    permissions) and its inline rows (a CAF's contacts), and journaled with every changed field before and after,
    for the CAFs it concerned before and concerns after. An edit that changes nothing writes nothing."""
    created = obj._state.adding
    parts = [changes(form), *_inline_changes(formsets)]
    changed = created or any(parts)
    if changed:
        obj.save()
        form.save_m2m()
    for formset in formsets:  # unchanged, it saves nothing (and tells the admin's change message so)
        formset.instance = obj
        formset.save()
    if not changed:
        return obj
    detail = "; ".join(part for part in parts if part) or "aucune modification"
    record_for(
        [*cafs_before, *cafs_of(obj)],
        event=JournalEvent.OBJECT_CREATED if created else JournalEvent.OBJECT_CHANGED,
        request=request,
        user=by,
        detail=f"{_what(obj)} : {detail}",
    )
    return obj


@transaction.atomic
def object_delete(*, obj, by, cafs=(), request=None):
    """AUD-1: a row deleted in the administration (a user, a postal-code rule…), journaled with what it was."""
    before, what = described(obj), _what(obj)
    cafs = [caf for caf in cafs if not (isinstance(obj, type(caf)) and caf.pk == obj.pk)]  # a CAF deleted: national
    obj.delete()
    record_for(cafs, event=JournalEvent.OBJECT_DELETED, request=request, user=by, detail=f"{what} : {before} → —")


@transaction.atomic
def document_print(*, document, subject, caf, by, request=None):
    """AUD-1, BO-4: a document printed from the administration (a convention, a letter, a request…): which one,
    about what, for which CAF, by whom — the officers of that CAF read it."""
    record_for([caf], event=JournalEvent.DOCUMENT_PRINTED, request=request, user=by, detail=f"{document} : {subject}")


def command_actor():
    """Who runs a command on the server: the system account (there is no portal user behind a shell)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "inconnu"
    return f"commande {name}"[:32]
