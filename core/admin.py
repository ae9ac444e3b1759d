"""Admin building blocks shared by the apps: read-only pages for what only the application writes, and the
intermediate page of an action that asks for a reason, and the CAF's work list of the administration's home page."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django_object_actions import BaseDjangoObjectActions

from core import acts


class ReadOnlyMixin:
    """Records that only the application writes: shown, never added, changed or deleted here (put it first
    among the bases)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JournaledAdminMixin:
    """AUD-1 (extended): every add, change and delete of an admin goes through `core.acts` — saved with its
    relations and journaled in one transaction, who, what, before and after — unless the admin calls its domain's
    service instead (which journals with its own event). `journal_cafs(obj)`: the CAFs whose officers read the
    line (AUD-2); none, the national security officer. Every action of an admin journals through its service or
    `core.acts` too; `tests/test_privileged_acts.py` performs each one, from the admin registry."""

    def journal_cafs(self, obj):
        return []

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

    def delete_model(self, request, obj):
        acts.object_delete(obj=obj, by=request.user, cafs=list(self.journal_cafs(obj)), request=request)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


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


class ObjectButtonsMixin(BaseDjangoObjectActions):
    """BO-3: the admin actions named in `buttons` also as buttons on an object's own page (django-object-actions),
    the same code: each runs the list action on that object alone, if this agent's admin shows it (`get_queryset`,
    the CAF's scope) and the agent may change it; a POST form, never a link. `buttons_for(obj)` narrows them to
    what the object's state allows. Put it first among the bases."""

    buttons = ()
    change_form_template = "admin/cafpro/change_form.html"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.buttons:
            setattr(cls, f"button_{name}", _button(name, getattr(cls, name).short_description))
        cls.change_actions = tuple(f"button_{name}" for name in cls.buttons)

    def buttons_for(self, obj):
        return self.buttons

    def _button_target(self, request, object_id):
        obj = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        return obj if obj is not None and self.has_change_permission(request, obj) else None

    def get_change_actions(self, request, object_id, form_url):
        obj = self._button_target(request, object_id)
        return [f"button_{name}" for name in self.buttons_for(obj)] if obj is not None else []


def _button(name, description):
    def run(self, request, obj):
        target = self._button_target(request, obj.pk)
        if target is None or name not in self.buttons_for(target):
            raise PermissionDenied
        return getattr(self, name)(request, self.get_queryset(request).filter(pk=target.pk))

    run.label = run.short_description = description
    run.methods = ("POST",)
    run.button_type = "form"
    return run


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


@dataclass(frozen=True)
class WorkItem:
    """BO-2: one line of a CAF's work list — the rows of `model` that its administration shows this agent (scoped
    by the model's admin, one copy of the rule), narrowed by `params`, the parameters of that admin's list filters
    (so the line's link shows exactly the rows counted)."""

    label: str
    model: type
    params: dict


WORK_LIST = []  # filled by each app's admin module (`work_list_register`), in the order of INSTALLED_APPS


def work_list_register(*items):
    WORK_LIST.extend(items)


def _narrowed(model_admin, request, params):
    queryset = model_admin.get_queryset(request)
    filters = {
        spec.parameter_name: spec
        for spec in model_admin.list_filter
        if isinstance(spec, type) and issubclass(spec, admin.SimpleListFilter)
    }
    for name, value in params.items():
        if name in filters:
            chosen = filters[name](request, {name: [value]}, model_admin.model, model_admin)
            queryset = chosen.queryset(request, queryset)
        else:
            queryset = queryset.filter(**{name: value})
    return queryset


def work_list(request):
    """BO-2: [(label, count, link)] for the lines that have something to do, among the admins this agent sees."""
    lines = []
    for item in WORK_LIST:
        model_admin = admin.site._registry.get(item.model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        count = _narrowed(model_admin, request, item.params).count()
        if count:
            opts = item.model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            lines.append((item.label, count, f"{url}?{urlencode(item.params)}"))
    return lines
