"""Admin building blocks shared by the apps: read-only pages for what only the application writes, the object's
buttons, the intermediate page of an act that asks a reason (BO-6), the answer on the object's page (BO-5), the
header of an object's page with its state as a badge (BO-7), and the CAF's work list of the administration's home
page."""

import base64
import copy
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.crypto import constant_time_compare, salted_hmac
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
    403); a POST form, never a link. `buttons_for(obj, request)` narrows them to what the object's state allows
    (and what the agent's CAF owes); a button no longer allowed (a stale page, a second click) is explained on the
    object's page (BO-5), and so is a button's address opened as a link. The `destructive` ones ask a reason first
    (BO-6: `action_confirmation`) and look it. Put it first among the bases."""

    buttons = ()
    destructive = ()
    change_form_template = "admin/cafpro/change_form.html"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.buttons:
            button = _button(name, getattr(cls, name).short_description, destructive=name in cls.destructive)
            setattr(cls, f"button_{name}", button)
        cls.change_actions = tuple(f"button_{name}" for name in cls.buttons)

    def buttons_for(self, obj, request):
        """The acts offered on `obj`'s page to the agent of `request` (and accepted from it)."""
        return self.buttons

    def named(self, obj):
        """BO-5: the object as a message names it (« l'habilitation de Madame Inès GARNIER (T1001163) »)."""
        return str(obj)

    def state_of(self, obj):
        """BO-5, BO-7: the object's state in words, as its page's header shows it and the message of a stale act
        says it (None: not said)."""
        return None

    def _button_target(self, request, object_id):
        """The object of this agent's scope, or None (ROLE-3: out of scope is "not found")."""
        return self.get_queryset(request).filter(pk=object_id).first() if ascii_digits(object_id) else None

    def get_change_actions(self, request, object_id, form_url):
        obj = self._button_target(request, object_id)
        if obj is None or not self.has_change_permission(request, obj):
            return []
        return [f"button_{name}" for name in self.buttons_for(obj, request)]

    def acted(self, request, objects):
        """BO-5: an act on one object ends on that object's page; on several, on the list (None: the admin's own
        redirect), with one message per object."""
        return object_page(self, objects[0]) if len(objects) == 1 else None

    def letter_page(self, request, obj, pdf, filename, label, *, secret=True):
        """BO-5, AUTH-5: the object's page, as a GET shows it now (its new state, its buttons, the messages of the
        act), with `label`, a link that carries the letter itself (a `data:` URI, saved as `filename`). The password
        the letter holds is thus kept nowhere on the server — no session, cache, message or row — and the page
        is not kept by the browser either (no-store)."""
        page = copy.copy(request)
        page.method, page.POST = "GET", QueryDict()
        letter = {
            "href": f"data:application/pdf;base64,{base64.b64encode(pdf).decode()}",
            "filename": filename,
            "label": label,
            "secret": secret,  # the letter carries a password: said next to the link
        }
        response = self.change_view(page, str(obj.pk), extra_context={"letter": letter})
        patch_cache_control(response, no_store=True)
        return response


def object_page(model_admin, obj):
    opts = model_admin.model._meta
    return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))


def _button(name, description, *, destructive=False):
    def run(self, request, obj):
        if not isinstance(obj, self.model):  # the library's list-wide address of a button: a button is an object's
            raise Http404
        target = self._button_target(request, obj.pk)
        if target is None:
            raise Http404
        if not self.has_change_permission(request, target):
            raise PermissionDenied
        if request.method != "POST":  # BO-5: an act's address opened as a link (a bookmark, a reload): nothing done
            self.message_user(request, f"« {description} » se fait avec son bouton, ci-dessous.", messages.WARNING)
            return None
        if name not in self.buttons_for(target, request):  # BO-5: a stale page or a second click, explained here
            state = self.state_of(target)
            now = f" : {self.named(target)} est maintenant à l'état « {state.lower()} »" if state else ""
            self.message_user(
                request,
                f"« {description} » n'est plus possible{now}. La page ci-dessous montre son état actuel.",
                messages.WARNING,
            )
            return None
        return getattr(self, name)(request, self.get_queryset(request).filter(pk=target.pk))

    run.label = run.short_description = description
    run.methods = ("GET", "POST")  # a GET is answered with the object's page (above), never the library's bare 405
    run.button_type = "form"
    run.attrs = {"class": "button destructive" if destructive else "button"}
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


def credentials_fingerprint(users):
    """BO-5: a fingerprint of the passwords in force of `users` — an HMAC of their hashes under the site's key, which
    tells whether they changed and reveals nothing of them."""
    material = "|".join(f"{user.pk}:{user.password}" for user in sorted(users, key=lambda user: user.pk))
    return salted_hmac("cafpro.core.admin.credentials", material, algorithm="sha256").hexdigest()


class ReasonForm(forms.Form):
    """BO-6: the reason of an act, required, free text — recorded in the history and the journal line.

    BO-5: for an act that issues a password (`users`: whose), the page also carries the fingerprint of the passwords
    in force when it was shown. The answer to the act is the page with the letter (a POST's answer: no redirect can
    carry the letter), so a reload sends the same form again; the passwords have changed since, and the form refuses
    it — no second password voids the letter just downloaded — until the agent confirms again, knowingly."""

    reason = forms.CharField(
        label="Motif", max_length=300, widget=forms.Textarea(attrs={"rows": 3, "autofocus": True})
    )

    def __init__(self, *args, label="Motif", help_text="", users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
        self.fingerprint = None
        if users is not None:
            self.fingerprint = credentials_fingerprint(users)
            self.fields["credentials"] = forms.CharField(widget=forms.HiddenInput, required=False)
            if self.is_bound:
                # A guard against the browser's reload, not a right: a form sent without it is the agent's own act.
                self.sent_fingerprint = self.data.get("credentials", self.fingerprint)
                self.data = self.data.copy()  # shown again, the page carries the passwords now in force
                self.data["credentials"] = self.fingerprint
            else:
                self.initial["credentials"] = self.fingerprint

    def clean(self):
        data = super().clean()
        if self.fingerprint is not None and not constant_time_compare(self.sent_fingerprint, self.fingerprint):
            raise ValidationError(
                "Le mot de passe a changé depuis l'affichage de cette page (page rechargée après l'envoi ?) : aucun "
                "nouveau mot de passe n'a été donné, la lettre déjà téléchargée reste valable. Pour en donner un "
                "autre, confirmez de nouveau."
            )
        return data


def action_confirmation(request, model_admin, queryset, form_class, *, action, title, consequence, **form_kwargs):
    """BO-6: the intermediate page of an act that asks a confirmation and a reason first — for each object, what
    will happen in one sentence (`consequence(obj)`), the form (a required reason, no default), « Confirmer »
    styled destructive and « Annuler » back to the object's page (the list for several). Returns (the cleaned data
    of the confirmed form, None), or (None, the page to answer)."""
    form = form_class(request.POST if "apply" in request.POST else None, **form_kwargs)
    if form.is_valid():
        return form.cleaned_data, None
    objects = list(queryset)
    opts = model_admin.model._meta
    if not objects:  # none of those chosen is (any longer) in this agent's scope: nothing to confirm
        model_admin.message_user(request, "Aucun des éléments choisis n'est disponible : rien n'a été fait.")
        return None, redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    cancel = (
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[objects[0].pk])
        if len(objects) == 1
        else reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    )
    page = TemplateResponse(
        request,
        "admin/cafpro/action_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "acts": [(obj, consequence(obj)) for obj in objects],
            "form": form,
            "action": action,
            "cancel": cancel,
            "opts": opts,
        },
    )
    return None, page


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
