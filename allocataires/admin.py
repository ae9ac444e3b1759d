from django.contrib import admin

from allocataires.enums import DialogueStatus
from allocataires.models import DialogueMessage
from allocataires.services import dialogue_process
from conventions.admin import AreaAdminMixin
from conventions.permissions import Area
from core.admin import WorkItem, work_list_register


@admin.register(DialogueMessage)
class DialogueMessageAdmin(AreaAdminMixin, admin.ModelAdmin):
    """DIA-3: the CAF's agents read and process the messages of their CAF, and only theirs. A message is
    never created nor deleted here; only its processing state changes, and who did it is recorded."""

    area = Area.DIALOGUE

    list_display = ["sent_at", "caf", "organisation", "name", "allocataire_number", "status", "handled_by"]
    list_filter = ["status", "sent_at", ("caf", admin.RelatedOnlyFieldListFilter)]
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
        """AUD-1: the processing of a message goes through the service that records who and journals it."""
        if "status" in form.changed_data:
            dialogue_process(message=obj, by=request.user, status=obj.status, request=request)


work_list_register(WorkItem("messages Dialogue à traiter", DialogueMessage, {"status__exact": DialogueStatus.NEW}))
