from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property

from habilitations import admin_caf  # noqa: F401 — registers the CAF administrators' pages
from habilitations.forms import UserChangeForm, UserCreationForm
from habilitations.models import CafRole, JournalCheckpoint, JournalEntry, Surveillance, User, UserManager
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


class CappedCountPaginator(Paginator):
    """NF-4: counting a journal of years (tens of millions of lines) takes seconds; the admin counts at most
    CAP matching lines (and one more, to know whether there are more), so that its pages stay as fast at
    national scale as on a new site."""

    CAP = 10_000

    @cached_property
    def counted(self):
        return self.object_list[: self.CAP + 1].count()

    @property
    def count(self):
        return min(self.counted, self.CAP)

    @property
    def capped(self):
        """More lines match than the pages show."""
        return self.counted > self.CAP


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the application writes: shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """JRN-1: read-only; the journal is written by the application alone. NF-4: at national scale, no full
    count of the table, no date hierarchy (it reads the distinct dates of every line), and the search is by
    exact identifier (its index) — the security officer's own pages are the place to browse a CAF's journal."""

    list_display = ["occurred_at", "event", "identifier_typed", "user", "source_ip"]
    list_filter = ["event", "occurred_at"]
    search_fields = ["identifier_typed"]
    search_help_text = "Identifiant exact (par exemple T1610001)."
    list_select_related = ["user"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        identifier = UserManager.normalize_identifier(search_term)
        if not identifier:
            return queryset, False
        return queryset.filter(identifier_typed=identifier), False


@admin.register(CafRole)
class CafRoleAdmin(admin.ModelAdmin):
    """ROLE-2, ROLE-3: which agent acts for which CAF (granted by a superuser)."""

    list_display = ["user", "caf", "kind"]
    list_filter = ["kind", "caf"]
    search_fields = ["user__identifier", "user__last_name", "caf__number", "caf__name"]
    autocomplete_fields = ["caf"]
    raw_id_fields = ["user"]


@admin.register(Surveillance)
class SurveillanceAdmin(ReadOnlyAdmin):
    """JRN-4: the surveillances are visible in the administration (set and lifted by the security officers)."""

    list_display = ["user", "caf", "started_at", "started_by", "lifted_at"]
    list_filter = ["caf"]
    readonly_fields = ["user", "caf", "reason", "started_at", "started_by", "lifted_at", "lifted_by"]


@admin.register(JournalCheckpoint)
class JournalCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["purged_at", "purged_before", "last_id", "count"]
    readonly_fields = ["purged_at", "purged_before", "last_id", "last_hash", "count"]
