"""Admin building blocks shared by the apps: read-only pages for what only the application writes, and the
intermediate page of an action that asks for a reason."""

from django.contrib import admin
from django.template.response import TemplateResponse


class ReadOnlyMixin:
    """Records that only the application writes: shown, never added, changed or deleted here (put it first
    among the bases)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryInline(admin.TabularInline):
    """HAB-3: the history of a record, at the bottom of its page (written by the services only)."""

    extra = 0
    can_delete = False
    fields = ["at", "by", "action", "detail"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return True  # shown on a page the parent admin already scoped

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def action_confirmation(request, model_admin, queryset, form, action, title):
    """The intermediate page of an action that needs a reason."""
    return TemplateResponse(
        request,
        "admin/cafpro/action_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "objects": queryset,
            "form": form,
            "action": action,
            "opts": model_admin.model._meta,
        },
    )
