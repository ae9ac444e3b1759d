"""AUD-1 (extended): the admin side of the journal of the acts no domain owns (`journal.acts`)."""

from django.contrib import messages

from journal import acts


class JournaledAdminMixin:
    """AUD-1 (extended): every add, change and delete of an admin goes through `journal.acts` — saved with its
    relations and journaled in one transaction, who, what, before and after — unless the admin calls its domain's
    service instead (which journals with its own event). `journal_cafs(obj)`: the CAFs whose officers read the
    line (AUD-2); none, the national security officer. Every action of an admin journals through its service or
    `journal.acts` too; `tests/test_privileged_acts.py` performs each one, from the admin registry."""

    def journal_cafs(self, obj):
        return []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """AUD-1: what an edit changed is judged against the stored row the form was built from — the one reading
        of the journal lines, the early returns of the services and the admin log. Django posts the « initial »
        value of a field with a computed default (a convention's profile) back from the page and judges against
        that: a hand-made POST, or a page opened before someone else's edit, changed the field unjournaled."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.show_hidden_initial = False
        return field

    def save_model(self, request, obj, form, change):
        """Saved with its many-to-many and inline rows, and journaled, in `save_related` (one service call); here,
        only the CAFs it concerned before the change are read."""
        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        form._journal_cafs_before = list(self.journal_cafs(before)) if before is not None else []

    def save_related(self, request, form, formsets, change):
        if not hasattr(form, "_journal_cafs_before"):  # the admin's own `save_model` called its domain's service
            return super().save_related(request, form, formsets, change)
        acts.object_save(
            obj=form.instance,
            form=form,
            formsets=formsets,
            by=request.user,
            cafs_before=form._journal_cafs_before,
            cafs_of=self.journal_cafs,
            request=request,
        )
        return None

    def log_change(self, request, obj, message):
        """AUD-1: an edit that changed nothing (Django's empty change message) leaves no admin log entry — its service
        wrote no history row nor journal line either — and the message that follows says so (`message_user`)."""
        if not message:
            request._cafpro_unchanged = obj
            return None
        return super().log_change(request, obj, message)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """BO-5: after an edit that changed nothing, Django's « … a été modifié avec succès » announced a save that did
        not happen: the page says « Aucune modification » instead."""
        unchanged = request.__dict__.pop("_cafpro_unchanged", None)
        if unchanged is not None and level == messages.SUCCESS:
            message, level = f"Aucune modification de « {unchanged} » : rien n'a été enregistré.", messages.INFO
        return super().message_user(request, message, level, *args, **kwargs)

    def delete_model(self, request, obj):
        acts.object_delete(obj=obj, by=request.user, cafs=list(self.journal_cafs(obj)), request=request)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
