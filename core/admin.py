"""Admin building blocks shared by the apps: read-only pages for what only the application writes, the
intermediate page of an action that asks for a reason, the CAF's work list of the administration's home page, and
the header of an object's page with its state as a badge."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django_object_actions import BaseDjangoObjectActions

from core.text import ascii_digits


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


class ObjectButtonsMixin(BaseDjangoObjectActions):
    """BO-3: the admin actions named in `buttons` also as buttons on an object's own page (django-object-actions),
    the same code: each runs the list action on that object alone, if this agent's admin shows it (`get_queryset`,
    the CAF's scope: otherwise "not found", as a missing one — no id leaks) and the agent may change it (otherwise
    403); a POST form, never a link. `buttons_for(obj)` narrows them to what the object's state allows; a button
    the state no longer allows (a stale page) is explained on the object's page. Put it first among the bases."""

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
        """The object of this agent's scope, or None (ROLE-3: out of scope is "not found")."""
        return self.get_queryset(request).filter(pk=object_id).first() if ascii_digits(object_id) else None

    def get_change_actions(self, request, object_id, form_url):
        obj = self._button_target(request, object_id)
        if obj is None or not self.has_change_permission(request, obj):
            return []
        return [f"button_{name}" for name in self.buttons_for(obj)]


def _button(name, description):
    def run(self, request, obj):
        target = self._button_target(request, obj.pk)
        if target is None:
            raise Http404
        if not self.has_change_permission(request, target):
            raise PermissionDenied
        if name not in self.buttons_for(target):  # BO-5: a stale page, explained where the agent is
            self.message_user(request, f"« {description} » n'est plus possible dans l'état actuel.", messages.WARNING)
            return None
        return getattr(self, name)(request, self.get_queryset(request).filter(pk=target.pk))

    run.label = run.short_description = description
    run.methods = ("POST",)
    run.button_type = "form"
    return run


def badge(label):
    """BO-7: a state shown as a badge with its words — never a colour alone (the colour, from the words, only adds
    to them: static/css/admin.css)."""
    return format_html('<span class="badge badge--{}">{}</span>', slugify(label), label)


@dataclass(frozen=True)
class Header:
    """BO-7: the top of an object's page — who or what it is, its state, and the facts an agent checks first."""

    title: str
    state: str
    facts: list  # [(label, value)]; the page leaves out the empty ones
    history: bool = False  # the page has its history inline (« Historique » leads there)

    @property
    def badge(self):
        return badge(self.state)


class ObjectHeaderMixin:
    """BO-7: an object's page starts, above its buttons and its form, with `header(obj)` (a `Header`). Put it first
    among the bases: its template extends the buttons' one."""

    change_form_template = "admin/header_change_form.html"

    def header(self, obj):
        raise NotImplementedError

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            # A form refused on POST left its values in `obj`: the header says what is stored, not what was typed.
            stored = type(obj)._default_manager.get(pk=obj.pk) if request.method == "POST" else obj
            context["header"] = self.header(stored)
        return super().render_change_form(request, context, add, change, form_url, obj)


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
