from django.contrib import admin
from django.utils import timezone

from allocataires.models import DialogueMessage
from habilitations.models import CafRole


@admin.register(DialogueMessage)
class DialogueMessageAdmin(admin.ModelAdmin):
    """DIA-3: the CAF's agents read and process the messages of their CAF, and only theirs. A message is
    never created nor deleted here; only its processing state changes, and who did it is recorded."""

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

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(caf__in=CafRole.objects.cafs_of(request.user))

    def _is_caf_agent(self, request):
        return request.user.is_superuser or CafRole.objects.filter(user=request.user).exists()

    def has_module_permission(self, request):
        return self._is_caf_agent(request)

    def has_view_permission(self, request, obj=None):
        return self._is_caf_agent(request)

    def has_change_permission(self, request, obj=None):
        return self._is_caf_agent(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.handled_by = request.user
            obj.handled_at = timezone.now()
        super().save_model(request, obj, form, change)
