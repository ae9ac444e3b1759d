from django.contrib import admin
from django.utils import timezone

from allocataires.models import DialogueMessage
from conventions.admin import AreaAdminMixin
from conventions.permissions import Area


@admin.register(DialogueMessage)
class DialogueMessageAdmin(AreaAdminMixin, admin.ModelAdmin):
    """DIA-3: the CAF's agents read and process the messages of their CAF, and only theirs. A message is
    never created nor deleted here; only its processing state changes, and who did it is recorded."""

    area = Area.DIALOGUE

    list_display = ["sent_at", "caf", "organisation", "name", "allocataire_number", "status", "handled_by"]
    list_filter = ["status", "sent_at", "caf"]
    search_fields = ["organisation", "name", "email", "allocataire_number"]
    list_select_related = ["caf", "handled_by"]
    date_hierarchy = "sent_at"
    fields = [
        "caf",
        "sent_at",
        "sender",
        "organisation",
        "name",
        "email",
        "allocataire_number",
        "body",
        "status",
        "handled_by",
        "handled_at",
    ]
    readonly_fields = [f for f in fields if f != "status"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.handled_by = request.user
            obj.handled_at = timezone.now()
        super().save_model(request, obj, form, change)
