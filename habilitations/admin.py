from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control

from habilitations import admin_caf  # noqa: F401 — registers the CAF administrators' pages
from habilitations.forms import UserChangeForm, UserCreationForm
from habilitations.models import CafRole, JournalCheckpoint, JournalEntry, Surveillance, User
from habilitations.services import password_reset, user_unlock


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """AUTH-10: one identifier per person. The full habilitation lifecycle is managed elsewhere (HAB-1)."""

    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["identifier"]
    list_display = ["identifier", "last_name", "first_name", "is_staff", "is_active", "last_login"]
    search_fields = ["identifier", "last_name", "first_name"]
    readonly_fields = ["password_changed_at", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["identifier", "password", "must_change_password", "password_changed_at"]}),
        ("Identité", {"fields": ["last_name", "first_name", "email"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["identifier", "password1", "password2"]})]
    actions = ["unlock", "reset_password"]

    @admin.action(description="Débloquer l'accès (après trois échecs)", permissions=["change"])
    def unlock(self, request, queryset):
        """AUTH-3: the CAF lifts a lockout."""
        for user in queryset:
            user_unlock(user=user, by=request.user, request=request)
        self.message_user(request, f"{queryset.count()} accès débloqué(s).", messages.SUCCESS)

    @admin.action(description="Réinitialiser le mot de passe (ferme les sessions ouvertes)", permissions=["change"])
    def reset_password(self, request, queryset):
        """AUTH-5: a new initial password, shown once on this page (never stored in a message or cookie), to
        be handed over in the letter opening the rights."""
        reset = [(user, password_reset(user=user, by=request.user, request=request)) for user in queryset]
        response = TemplateResponse(
            request,
            "admin/habilitations/password_reset_done.html",
            {**self.admin_site.each_context(request), "title": "Mots de passe réinitialisés", "reset": reset},
        )
        patch_cache_control(response, no_store=True)
        return response


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    """JRN-1: read-only; the journal is written by the application alone."""

    list_display = ["occurred_at", "event", "identifier_typed", "user", "source_ip"]
    list_filter = ["event"]
    search_fields = ["identifier_typed"]
    date_hierarchy = "occurred_at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CafRole)
class CafRoleAdmin(admin.ModelAdmin):
    """ROLE-2, ROLE-3: which agent acts for which CAF (granted by a superuser)."""

    list_display = ["user", "caf", "kind"]
    list_filter = ["kind", "caf"]
    search_fields = ["user__identifier", "user__last_name", "caf__number", "caf__name"]
    autocomplete_fields = ["caf"]
    raw_id_fields = ["user"]


@admin.register(Surveillance)
class SurveillanceAdmin(admin.ModelAdmin):
    """JRN-4: the surveillances are visible in the administration (set and lifted by the security officers)."""

    list_display = ["user", "caf", "started_at", "started_by", "lifted_at"]
    list_filter = ["caf"]
    readonly_fields = ["user", "caf", "reason", "started_at", "started_by", "lifted_at", "lifted_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JournalCheckpoint)
class JournalCheckpointAdmin(SurveillanceAdmin):
    list_display = ["purged_at", "purged_before", "last_id", "count"]
    list_filter = []
    readonly_fields = ["purged_at", "purged_before", "last_id", "last_hash", "count"]
