"""ROLE-3, HAB-1 … HAB-3, CONV-3: a CAF's habilitations, for the CAF's administrators (their CAF only) and
superusers; the accounts, the raw journal and the surveillances for superusers. Every write goes through a
service, which keeps the history (who, when, what) and the journal."""

import datetime as dt
from importlib import import_module

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conventions.admin import AreaAdminMixin, ReferenceAdminMixin
from conventions.models import Baj, BajManager, Caf, Convention
from conventions.permissions import EVERY_CAF, Area, caf_ids_in, cafs_in
from core.admin import (
    Header,
    ObjectButtonsMixin,
    ObjectHeaderMixin,
    ReadOnlyHistoryInline,
    ReadOnlyMixin,
    ReasonForm,
    WorkItem,
    action_confirmation,
    badge,
    object_page,
    work_list_register,
)
from core.forms import DateField
from core.pdf import render_pdf
from habilitations.documents import habilitation_document
from habilitations.enums import (
    HABILITATION_CLOSED,
    Civility,
    GreffeFunction,
    HabilitationState,
    RevocationReason,
)
from habilitations.forms import UserChangeForm, UserCreationForm
from habilitations.models import (
    Habilitation,
    HabilitationHistory,
    PendingConfirmation,
    Surveillance,
    User,
    UserManager,
)
from habilitations.services import (
    account_save,
    baj_manager_record,
    credentials_confirm,
    habilitation_edit,
    habilitation_grant,
    habilitation_password_reset,
    habilitation_reactivate,
    habilitation_refuse,
    habilitation_request,
    habilitation_revoke,
    habilitation_suspend,
    habilitation_unlock,
    identifier_locked,
    locked_identifiers,
    password_reset,
    user_unlock,
)
from journal.models import JournalEntry, JournalSeal

# AUTH-11, AUD-1: second factors are enrolled by their owner and reset through the journaled service
# (`second_factor_reset`), never edited in the admin — where a secret would show and a device could be added for
# someone else without a trace.
# Their admin modules are imported here, so that they register now whatever the order of INSTALLED_APPS (this app comes
# first, for its commands): the admin's autodiscovery does not import a module twice.
import_module("django_otp.plugins.otp_static.admin")
import_module("django_otp.plugins.otp_totp.admin")
admin.site.unregister([TOTPDevice, StaticDevice])


def full_name(user):
    """BO-5, BO-7: how a page or a message names a person — « Madame Inès GARNIER » (the civility when known, the
    name in capitals; the identifier when no name is known)."""
    parts = (user.get_civility_display(), user.first_name, user.last_name.upper())
    return " ".join(part for part in parts if part) or user.identifier


def person_cell(user):
    """BO-7: a list's one column for the person — « GARNIER Inès », the identifier under the name."""
    name = " ".join(part for part in [user.last_name.upper(), user.first_name] if part)
    if not name:
        return user.identifier
    return format_html('{}<span class="cell-note">{}</span>', name, user.identifier)


def short_date(value):
    """BO-7: « 05/12/2026 » in the lists (« 5 décembre 2026 » takes twice the width)."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


PERMISSION_ACTIONS = {"add": "ajouter", "change": "modifier", "delete": "supprimer", "view": "consulter"}


def permission_label(permission):
    """BO-8: a permission in French where the superuser chooses it — « Habilitations | habilitation | Peut modifier »
    where Django names its own « Can change habilitation » (ours are named in French in their models)."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _, model_name = permission.codename.partition("_")
    name = permission.name
    if action in PERMISSION_ACTIONS and model_name == content_type.model:
        name = f"Peut {PERMISSION_ACTIONS[action]}"
    if model is None:
        return f"{content_type.app_label} | {content_type.model} | {name}"
    application = apps.get_app_config(model._meta.app_label).verbose_name
    return f"{application} | {model._meta.verbose_name} | {name}"


class FrenchPermissionsMixin:
    """BO-8: the permissions' choices of an account or a group, in French (`permission_label`)."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in {"permissions", "user_permissions"}:
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class UserAdmin(FrenchPermissionsMixin, ReferenceAdminMixin, DjangoUserAdmin):
    """AUTH-10: one identifier per person. The full habilitation lifecycle is managed elsewhere (HAB-1)."""

    add_title = "Nouveau compte"

    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["identifier"]
    list_display = ["account", "person", "administration", "last_login_on"]
    list_display_links = ["person"]
    search_fields = ["identifier", "last_name", "first_name"]
    readonly_fields = ["password_changed_at", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["identifier", "password", "must_change_password", "password_changed_at"]}),
        ("Identité", {"fields": ["civility", "last_name", "first_name", "email"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["identifier", "password1", "password2"]})]
    actions = ["unlock", "reset_password"]

    @admin.display(description="compte", ordering="is_active")
    def account(self, obj):
        """BO-7: the account's state in words (Django's icons say « True » and « False » in English)."""
        return badge("Actif" if obj.is_active else "Désactivé")

    @admin.display(description="personne", ordering="last_name")
    def person(self, obj):
        return person_cell(obj)

    @admin.display(description="administration", ordering="is_staff")
    def administration(self, obj):
        return "superutilisateur" if obj.is_superuser else "oui" if obj.is_staff else "non"

    @admin.display(description="dernière connexion", ordering="last_login")
    def last_login_on(self, obj):
        return short_date(obj.last_login and timezone.localtime(obj.last_login))

    def user_change_password(self, request, id, form_url=""):
        """AUD-3: no password typed by an administrator for someone else: the reset gives a new initial password,
        journaled, shown once, to be changed at the next login."""
        self.message_user(
            request,
            "Le mot de passe d'un utilisateur ne se saisit pas ici : utilisez l'action « Réinitialiser le mot de "
            "passe » de la liste des utilisateurs.",
            messages.WARNING,
        )
        return redirect("admin:habilitations_user_change", id)

    def save_model(self, request, obj, form, change):
        """AUD-1: an account's identity and rights change through the service that journals it."""
        account_save(user=obj, by=request.user, form=form, request=request)

    def save_related(self, request, form, formsets, change):
        """The service saved the groups and permissions with the account (no inlines here)."""

    def journal_cafs(self, obj):
        """AUD-2: an account deleted reaches the officers of the CAFs that answered for it."""
        return list(obj.cafs())

    def _ask(self, request, queryset, action, title, consequence, **form_kwargs):
        return action_confirmation(
            request, self, queryset, ReasonForm, action=action, title=title, consequence=consequence, **form_kwargs
        )

    @admin.action(description="Débloquer l'accès (après trois échecs)", permissions=["change"])
    def unlock(self, request, queryset):
        """AUTH-3, BO-6: the national administration lifts a lockout, asked first with a reason."""
        data, page = self._ask(
            request,
            queryset,
            "unlock",
            "Débloquer l'identifiant",
            lambda user: (
                f"Débloquer l'identifiant {user.identifier} de {full_name(user)} : trois nouveaux essais de connexion."
            ),
            label="Motif du déblocage",
        )
        if page is not None:
            return page
        users = list(queryset)
        for user in users:
            try:
                user_unlock(user=user, by=request.user, request=request, reason=data["reason"])
            except ValidationError as error:  # AUTH-3: an identifier not locked is left as it is
                self.message_user(request, error.messages[0], messages.ERROR)
            else:
                self.message_user(
                    request, f"Identifiant {user.identifier} de {full_name(user)} débloqué.", messages.SUCCESS
                )
        return object_page(self, users[0]) if len(users) == 1 else None

    @admin.action(description="Réinitialiser le mot de passe (ferme les sessions ouvertes)", permissions=["change"])
    def reset_password(self, request, queryset):
        """AUTH-5, BO-6: a new initial password, asked first with a reason, shown once on this page (never stored
        in a message or cookie, no-store), to be handed over in the letter opening the rights."""
        data, page = self._ask(
            request,
            queryset,
            "reset_password",
            "Réinitialiser le mot de passe",
            lambda user: (
                f"Donner un nouveau mot de passe à {full_name(user)} ({user.identifier}) : l'actuel ne "
                "fonctionne plus et ses sessions ouvertes sont fermées ; le nouveau n'est affiché qu'une fois."
            ),
            label="Motif de la réinitialisation",
            users=list(queryset),
        )
        if page is not None:
            return page
        reset = [
            (user, password_reset(user=user, by=request.user, request=request, reason=data["reason"]))
            for user in queryset
        ]
        response = TemplateResponse(
            request,
            "admin/habilitations/password_reset_done.html",
            {**self.admin_site.each_context(request), "title": "Mots de passe réinitialisés", "reset": reset},
        )
        patch_cache_control(response, no_store=True)
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(FrenchPermissionsMixin, ReferenceAdminMixin, DjangoGroupAdmin):
    """AUD-1 (extended), ROLE-2: a group and its permissions are rights — `view_national_journal` given through a
    group opens the national lines. Superusers only; created, changed or deleted through `journal.acts`, journaled with
    the permissions before and after, for the national security officer (a group belongs to no CAF)."""


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


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyMixin, ReferenceAdminMixin, admin.ModelAdmin):
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


@admin.register(Surveillance)
class SurveillanceAdmin(ReadOnlyMixin, ReferenceAdminMixin, admin.ModelAdmin):
    """JRN-4: the surveillances are visible in the administration (set and lifted by the security officers)."""

    list_display = ["user", "caf", "started_at", "started_by", "lifted_at"]
    list_filter = [("caf", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = ["user", "caf", "reason", "started_at", "started_by", "lifted_at", "lifted_by", "lift_reason"]


@admin.register(JournalSeal)
class JournalSealAdmin(ReadOnlyMixin, ReferenceAdminMixin, admin.ModelAdmin):
    """JRN-6: the seals of the journal, read-only (written by the sealer, `journal_anchor`). Registered here: the
    raw journal is for superusers, a rule of the CAF roles (`conventions`), above the `journal` app."""

    list_display = ["number", "version", "sealed_at", "count", "first_line", "last_line", "purged_at"]
    readonly_fields = [
        "version",
        "number",
        "sealed_at",
        "count",
        "first_line",
        "last_line",
        "root",
        "previous",
        "hash",
        "mac",
        "purged_at",
    ]


NOMINATIVE = "Choisissez une seule habilitation : le document est nominatif."


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus (lu par la juridiction)", max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class StateFilter(admin.SimpleListFilter):
    """HAB-1, BO-2 (#24): the habilitations in a state today (`HabilitationState`, read by
    `HabilitationQuerySet.in_state_on`, the twin of `Habilitation.state_on`) — « Demandée », « Fin programmée »…:
    the list's filter and the work list's lines."""

    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return HabilitationState.choices

    def queryset(self, request, queryset):
        if self.value() in HabilitationState.values:
            return queryset.in_state_on(timezone.localdate(), self.value())
        return queryset


class HabilitationHistoryInline(ReadOnlyHistoryInline):
    model = HabilitationHistory


class RevocationForm(forms.Form):
    """HAB-2, BO-6: the reason is chosen, never preselected (a refusal is the « Refuser » act's)."""

    reason = forms.ChoiceField(
        label="Motif du retrait",
        choices=[("", "— choisissez —"), *[c for c in RevocationReason.choices if c[0] != RevocationReason.REFUSED]],
    )
    ends_on = DateField(
        label="Fin de l'accès le (demande de suppression)",
        required=False,
        help_text="Laisser vide pour un retrait immédiat.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class HabilitationRequestForm(forms.Form):
    """HAB-1, ROLE-1: a nominative request, for one person."""

    convention = forms.ModelChoiceField(label="Convention", queryset=Convention.objects.none())
    function = forms.ChoiceField(label="Fonction", choices=GreffeFunction.choices)
    civility = forms.ChoiceField(
        label="Civilité", choices=[("", "—"), *Civility.choices], required=False, help_text="Pour les courriers."
    )
    last_name = forms.CharField(label="Nom", max_length=60)
    first_name = forms.CharField(label="Prénom", max_length=60)
    email = forms.EmailField(label="Adresse électronique professionnelle", required=False)


class UnusedFilter(admin.SimpleListFilter):
    """HAB-3: active habilitations, granted more than N days ago, whose user has not logged in for N days
    (`HabilitationQuerySet.unused_since`)."""

    title = "dernière connexion"
    parameter_name = "inactif"

    DAYS = ("30", "60", "90", "180")

    def lookups(self, request, model_admin):
        return [(days, f"il y a plus de {days} jours") for days in self.DAYS]

    def queryset(self, request, queryset):
        if self.value() in self.DAYS:
            return queryset.unused_since(timezone.now() - dt.timedelta(days=int(self.value())))
        return queryset


class LockedFilter(admin.SimpleListFilter):
    """AUTH-3, BO-2: habilitations whose user's identifier is locked after three failures."""

    title = "blocage"
    parameter_name = "bloque"

    def lookups(self, request, model_admin):
        return [("1", "identifiant bloqué")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(user__identifier__in=locked_identifiers())
        return queryset


class ConfirmationFilter(admin.SimpleListFilter):
    """ROLE-7, BO-2: habilitations whose CAF has not confirmed the credentials in force (printed by another CAF)."""

    title = "identifiants"
    parameter_name = "confirmer"

    def lookups(self, request, model_admin):
        return [("1", "à confirmer (émis par une autre Caf)")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.awaiting_confirmation()
        return queryset


@admin.register(Habilitation)
class HabilitationAdmin(ObjectHeaderMixin, ObjectButtonsMixin, AreaAdminMixin, admin.ModelAdmin):
    caf_path = "convention__caf"
    # BO-7: the state first, one column for the person, short labels: the list fits 1280 px beside its filters.
    list_display = ["state_badge", "person", "function_short", "convention_short", "access_dates", "last_login"]
    list_display_links = ["person"]
    list_filter = [
        StateFilter,
        ConfirmationFilter,
        UnusedFilter,
        LockedFilter,
        "function",
        ("convention__baj", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__identifier", "user__last_name", "user__first_name", "convention__number"]
    list_select_related = ["user", "convention__baj", "convention__caf", "profile"]  # str(): the boxes' labels
    readonly_fields = [
        "user",
        "convention",
        "profile",
        "state",
        "granted_on",
        "ends_on",
        "revocation_reason",
        "to_confirm",
    ]
    fields = [
        "user",
        "convention",
        "profile",
        "function",
        "state",
        "granted_on",
        "ends_on",
        "revocation_reason",
        "to_confirm",
    ]
    inlines = [HabilitationHistoryInline]
    actions = [
        "confirm_credentials",
        "grant",
        "refuse",
        "suspend",
        "reactivate",
        "revoke",
        "print_access_request",
        "print_removal_request",
        "unlock",
        "reset_password",
    ]
    buttons = tuple(actions)
    destructive = ("suspend", "revoke", "unlock", "reset_password")

    # BO-3, HAB-1 (#24): the acts each state allows (`Habilitation.state_on`); the unlock, the removal request's
    # letter and the confirmation besides only when there is a lockout, a removal requested, a confirmation owed.
    STATE_BUTTONS = {
        HabilitationState.REQUESTED: {"grant", "refuse", "print_access_request"},
        HabilitationState.ACTIVE: {"suspend", "revoke", "print_access_request", "unlock", "reset_password"},
        HabilitationState.ENDING: {"suspend", "revoke", "print_access_request", "unlock", "reset_password"},
        HabilitationState.AWAITING_CONVENTION: {"suspend", "revoke", "print_access_request", "unlock"},
        HabilitationState.SUSPENDED: {"reactivate", "revoke", "unlock"},
        HabilitationState.ENDED: set(),
        HabilitationState.REFUSED: set(),
        HabilitationState.REVOKED: set(),
    }

    def get_readonly_fields(self, request, obj=None):
        """HAB-1 (#24 walk): an ended, refused or withdrawn habilitation is a record: nothing more to edit."""
        if obj is not None and obj.state_on() in HABILITATION_CLOSED:
            return [*self.readonly_fields, "function"]
        return self.readonly_fields

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None and obj.state_on() in HABILITATION_CLOSED:
            context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def locked(self, obj):
        """AUTH-3: the user's identifier is locked now (three failures)."""
        return identifier_locked(obj.user.identifier)

    def buttons_for(self, obj, request):
        """BO-3: on a habilitation's page, the acts its state allows today (HAB-1) — « Débloquer » only for an
        identifier locked now, « Imprimer la demande de suppression » only when a removal was requested,
        « Confirmer » only while this CAF owes a confirmation (ROLE-7)."""
        state = obj.state_on()
        allowed = set(self.STATE_BUTTONS[state])
        if "unlock" in allowed and not self.locked(obj):
            allowed.discard("unlock")
        if obj.removal_requested:
            allowed.add("print_removal_request")
        if state not in HABILITATION_CLOSED and self.to_confirm(obj):
            allowed.add("confirm_credentials")
        return [name for name in self.buttons if name in allowed]

    @admin.display(description="état", ordering="state")
    def state(self, obj):
        """HAB-1 (#24): the state today — the list's annotation (`with_state`), else read from the object."""
        return obj.state_label

    def state_of(self, obj):
        """HAB-1 (#24): the label of the habilitation's state today, for its page's header."""
        return HabilitationState(obj.state_on()).label

    @admin.display(description="identifiants à confirmer")
    def to_confirm(self, obj):
        """ROLE-7: « Identifiants émis par la Caf de Lille (CAF59501) le … » while this CAF has not confirmed."""
        return "; ".join(p.summary for p in obj.user.pending_confirmations.all() if p.caf_id == obj.convention.caf_id)

    @admin.display(description="état", ordering="state")
    def state_badge(self, obj):
        """BO-7: the state today as a badge; ROLE-7: the credentials this CAF has yet to confirm, under it."""
        pending = self.to_confirm(obj)
        if not pending:
            return badge(self.state(obj))
        return format_html('{}<span class="cell-note">À confirmer : {}</span>', badge(self.state(obj)), pending)

    @admin.display(description="personne", ordering="user__last_name")
    def person(self, obj):
        return person_cell(obj.user)

    @admin.display(description="fonction", ordering="function")
    def function_short(self, obj):
        return obj.function_label

    @admin.display(description="convention", ordering="convention__number")
    def convention_short(self, obj):
        """BO-7: « 900001/2025 », the BAJ's city and the CAF under it."""
        convention = obj.convention
        return format_html(
            '{}<span class="cell-note">BAJ {} · {}</span>', convention.number, convention.baj.city, convention.caf.name
        )

    @admin.display(description="accès", ordering="granted_on")
    def access_dates(self, obj):
        """HAB-1, HAB-2: « depuis le 01/01/2025 », and the end of the access when one is set."""
        start = f"depuis le {short_date(obj.granted_on)}" if obj.granted_on else ""
        if obj.ends_on is None:
            return start
        return format_html('{}<span class="cell-note">fin le {}</span>', start, short_date(obj.ends_on))

    def header(self, obj):
        """BO-7: who the habilitation is for — civility, name, function in agreement, e-mail, juridiction — and its
        state, above the buttons and the form."""
        user, convention = obj.user, obj.convention
        return Header(
            title=full_name(user),
            state=self.state_of(obj),
            facts=[
                ("Fonction", obj.function_label),
                ("Identifiant", user.identifier),
                ("Adresse électronique", user.email),
                ("Juridiction", convention.baj),
                ("Convention", convention.number),
                ("Caf", convention.caf.name),
                ("Fin de l'accès le", obj.ends_on and short_date(obj.ends_on)),
                ("Identifiants à confirmer", self.to_confirm(obj)),
                ("Connexion", self.locked(obj) and "identifiant bloqué après trois échecs (« Débloquer » ci-dessous)"),
            ],
            history=True,
        )

    def get_queryset(self, request):
        pending = PendingConfirmation.objects.select_related("issued_by", "by")
        queryset = super().get_queryset(request).with_state(timezone.localdate())
        return queryset.prefetch_related(Prefetch("user__pending_confirmations", pending))

    @admin.display(description="dernière connexion", ordering="user__last_login")
    def last_login(self, obj):
        return short_date(obj.user.last_login and timezone.localtime(obj.user.last_login))

    def add_view(self, request, form_url="", extra_context=None):
        """HAB-1, ROLE-3: "Ajouter" is the request of a habilitation for one person (a new identifier), by an
        administrator of the CAF of the convention (the area's check, as every page of this admin)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = HabilitationRequestForm(request.POST or None)
        form.fields["convention"].queryset = Convention.objects.filter(
            caf__in=cafs_in(request.user, self.area)
        ).active_on(timezone.localdate())
        if request.method == "POST" and form.is_valid():
            habilitation = habilitation_request(by=request.user, request=request, **form.cleaned_data)
            self.message_user(
                request,
                f"Habilitation demandée pour {full_name(habilitation.user)} ({habilitation.user.identifier}).",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:habilitations_habilitation_change", args=[habilitation.pk]))
        return TemplateResponse(
            request,
            "admin/habilitations/request_form.html",
            {
                **self.admin_site.each_context(request),
                "title": "Demander une habilitation",
                "form": form,
                "opts": self.model._meta,
            },
        )

    def save_model(self, request, obj, form, change):
        """Only the function is edited here, through the service (history, journal); the lifecycle goes through
        the actions."""
        habilitation_edit(habilitation=obj, by=request.user, form=form, request=request)

    def named(self, obj):
        return f"l'habilitation de {full_name(obj.user)} ({obj.user.identifier})"

    def _each(self, request, queryset, service, done, **kwargs):
        """BO-5: the service on each habilitation, each answered by a message naming the person (`done(habilitation,
        result)`, or the service's refusal); one habilitation ends on its page, several on the list."""
        objects = list(queryset.select_related("user", "convention__caf"))
        for habilitation in objects:
            try:
                result = service(habilitation=habilitation, by=request.user, request=request, **kwargs)
            except ValidationError as error:
                self.message_user(
                    request, f"Habilitation de {full_name(habilitation.user)} : {error.messages[0]}", messages.ERROR
                )
            else:
                self.message_user(request, done(habilitation, result), messages.SUCCESS)
        return self.acted(request, objects)

    def _ask(self, request, queryset, form_class, action, title, consequence, **form_kwargs):
        """BO-6: (the confirmed form's data, None) or (None, the page asking the confirmation and the reason)."""
        return action_confirmation(
            request,
            self,
            queryset.select_related("user", "convention__caf"),
            form_class,
            action=action,
            title=title,
            consequence=consequence,
            **form_kwargs,
        )

    # CONV-3, AUTH-5: the letter opening the rights, and the letter of a new password (#24 walk: not the opening).
    LETTERS = {
        "ouverture-droits": ("documents/ouverture_droits.html", "lettre d'ouverture des droits"),
        "nouveau-mot-de-passe": ("documents/nouveau_mot_de_passe.html", "lettre du nouveau mot de passe"),
    }

    def _letter(self, request, queryset, issue, filename, done):
        """CONV-3, AUTH-5, BO-5: a nominative letter carrying a password that exists only in it. The password is
        committed with the letter that carries it, or not at all (rendered in the same transaction: a server that
        cannot render PDFs changes nothing); the answer is the habilitation's page with the letter as a link."""
        queryset = queryset.select_related("user", "convention__caf", "convention__baj", "profile")
        habilitation = self._one(request, queryset, NOMINATIVE)
        if habilitation is None:
            return None
        subject = f"habilitation {habilitation.user.identifier}, convention {habilitation.convention.number}"
        template, document = self.LETTERS[filename]
        try:
            password, pdf = self._letter_issued(
                request,
                lambda: issue(habilitation),
                lambda password: habilitation_document(
                    template,
                    habilitation,
                    password=password,
                    # ROLE-7: other CAFs' dossiers now wait for their confirmation (said, not named)
                    awaiting=habilitation.user.pending_confirmations.exclude(caf=habilitation.convention.caf).exists(),
                ),
                document=document,
                subject=subject,
                caf=habilitation.convention.caf,
            )
        except ValidationError as error:
            self.message_user(
                request, f"Habilitation de {full_name(habilitation.user)} : {error.messages[0]}", messages.ERROR
            )
            return self.acted(request, [habilitation])
        self.message_user(request, done(habilitation), messages.SUCCESS)
        if password is None:
            self.message_user(
                request,
                f"{full_name(habilitation.user)} garde le mot de passe déjà utilisé par ces identifiants : la lettre "
                "n'en contient pas. Si votre liste de travail le demande, confirmez ses identifiants : ils ouvriront "
                "alors vos dossiers.",
                messages.WARNING,
            )
        return self.letter_page(
            request,
            habilitation,
            pdf,
            f"{filename}-{habilitation.user.identifier}.pdf",
            f"Télécharger la {document} (PDF)",
            secret=password is not None,
        )

    def get_actions(self, request):
        """ROLE-7, BO-2: « Confirmer les nouveaux identifiants » is offered only while one of this agent's CAFs owes
        a confirmation (credentials another CAF printed) to a holder of one of its habilitations — a gestionnaire's
        is confirmed in their own list."""
        holder = Habilitation.objects.filter(user=OuterRef("user"), convention__caf=OuterRef("caf"))
        return offered_while_owed(
            super().get_actions(request),
            request,
            "confirm_credentials",
            lambda: (
                PendingConfirmation.objects.filter(caf__in=cafs_in(request.user, self.area))
                .filter(Exists(holder))
                .exists()
            ),
        )

    @admin.action(description="Confirmer les nouveaux identifiants (émis par une autre Caf)")
    def confirm_credentials(self, request, queryset):
        """ROLE-7: the CAF of each habilitation confirms the credentials another CAF printed (after checking with
        the person that they received them): its habilitations give access again."""
        objects = list(queryset.select_related("user", "convention__caf"))
        for habilitation in objects:
            try:
                credentials_confirm(
                    user=habilitation.user, caf=habilitation.convention.caf, by=request.user, request=request
                )
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Identifiants de {full_name(habilitation.user)} confirmés pour la "
                    f"{habilitation.convention.caf.name}.",
                    messages.SUCCESS,
                )
        return self.acted(request, objects)

    @admin.action(description="Accorder et imprimer la lettre d'ouverture des droits (mot de passe initial)")
    def grant(self, request, queryset):
        """CONV-3, AUTH-5, BO-5: the initial password exists only in this letter."""
        return self._letter(
            request,
            queryset,
            lambda habilitation: habilitation_grant(habilitation=habilitation, by=request.user, request=request),
            "ouverture-droits",
            lambda habilitation: (
                f"Accès accordé à {full_name(habilitation.user)} — téléchargez ci-dessous sa lettre "
                "d'ouverture des droits."
            ),
        )

    @admin.action(description="Suspendre (ferme les sessions ouvertes)")
    def suspend(self, request, queryset):
        """HAB-2, BO-6: asked first, with a reason."""
        data, page = self._ask(
            request,
            queryset,
            ReasonForm,
            "suspend",
            "Suspendre l'habilitation",
            lambda h: (
                f"Suspendre l'habilitation de {full_name(h.user)} ({h.user.identifier}) : ses sessions ouvertes "
                f"sont fermées ; elle n'ouvre plus les dossiers de la {h.convention.caf.name} avant sa réactivation."
            ),
            label="Motif de la suspension",
        )
        if page is not None:
            return page
        return self._each(
            request,
            queryset,
            habilitation_suspend,
            lambda h, _: f"Habilitation de {full_name(h.user)} suspendue.",
            reason=data["reason"],
        )

    @admin.action(description="Réactiver")
    def reactivate(self, request, queryset):
        return self._each(
            request, queryset, habilitation_reactivate, lambda h, _: f"Habilitation de {full_name(h.user)} réactivée."
        )

    @admin.action(description="Retirer (changement d'affectation, fin de mission, demande de suppression…)")
    def revoke(self, request, queryset):
        """HAB-2, BO-6: asked first, with a reason chosen (no default)."""
        data, page = self._ask(
            request,
            queryset,
            RevocationForm,
            "revoke",
            "Retirer l'habilitation",
            lambda h: (
                f"Retirer l'habilitation de {full_name(h.user)} ({h.user.identifier}) : elle ne consultera plus "
                f"les dossiers de la {h.convention.caf.name} à partir de la fin d'accès (aujourd'hui si aucune date)."
            ),
        )
        if page is not None:
            return page
        return self._each(
            request,
            queryset,
            habilitation_revoke,
            lambda h, _: (
                f"Habilitation de {full_name(h.user)} retirée ({h.get_revocation_reason_display()}) : fin "
                f"d'accès le {h.ends_on:%d/%m/%Y}."
                if h.state_on() == HabilitationState.REVOKED
                else f"Fin d'accès de l'habilitation de {full_name(h.user)} programmée le {h.ends_on:%d/%m/%Y} "
                f"({h.get_revocation_reason_display()}) : elle donne accès jusqu'à la veille."
            ),
            **data,
        )

    @admin.action(description="Refuser la demande (le motif est communiqué à la juridiction)")
    def refuse(self, request, queryset):
        """JUR-2: a requested habilitation refused, with the reason the juridiction's gestionnaire reads."""
        data, page = self._ask(
            request,
            queryset,
            RefusalForm,
            "refuse",
            "Refuser la demande d'habilitation",
            lambda h: (
                f"Refuser la demande d'habilitation de {full_name(h.user)} ({h.user.identifier}) : le motif est "
                "communiqué à la juridiction."
            ),
        )
        if page is not None:
            return page
        return self._each(
            request,
            queryset,
            habilitation_refuse,
            lambda h, _: f"Demande d'habilitation de {full_name(h.user)} refusée.",
            **data,
        )

    def _document(self, request, queryset, template, filename, document):
        habilitation = self._one(
            request, queryset.select_related("user", "convention__caf", "convention__baj"), NOMINATIVE
        )
        if habilitation is None:
            return None
        pdf = habilitation_document(template, habilitation)
        return self._pdf(
            request,
            pdf,
            f"{filename}-{habilitation.user.identifier}.pdf",
            document=document,
            subject=f"habilitation {habilitation.user.identifier}, convention {habilitation.convention.number}",
            caf=habilitation.convention.caf,
        )

    @admin.action(description="Imprimer la demande d'accès (PDF)")
    def print_access_request(self, request, queryset):
        return self._document(request, queryset, "documents/demande_acces.html", "demande-acces", "demande d'accès")

    @admin.action(description="Imprimer la demande de suppression (PDF)")
    def print_removal_request(self, request, queryset):
        return self._document(
            request, queryset, "documents/demande_suppression.html", "demande-suppression", "demande de suppression"
        )

    @admin.action(description="Débloquer l'accès (après trois échecs)")
    def unlock(self, request, queryset):
        """AUTH-3, BO-6: asked first, with a reason."""
        data, page = self._ask(
            request,
            queryset,
            ReasonForm,
            "unlock",
            "Débloquer l'identifiant",
            lambda h: (
                f"Débloquer l'identifiant {h.user.identifier} de {full_name(h.user)} : trois nouveaux essais de "
                f"connexion ; ses identifiants n'ouvriront que les dossiers de la {h.convention.caf.name} tant que "
                "les autres Caf concernées ne les auront pas confirmés."
            ),
            label="Motif du déblocage",
            help_text="Par exemple : appel de la personne, identité vérifiée.",
        )
        if page is not None:
            return page
        return self._each(
            request,
            queryset,
            habilitation_unlock,
            lambda h, _: f"Identifiant {h.user.identifier} de {full_name(h.user)} débloqué.",
            reason=data["reason"],
        )

    @admin.action(description="Nouveau mot de passe et lettre (ferme les sessions ouvertes)")
    def reset_password(self, request, queryset):
        """AUTH-5, art. 4, BO-6: a new access procedure after a lost password, asked first with a reason; the
        password is only in the letter."""
        data, page = self._ask(
            request,
            queryset,
            ReasonForm,
            "reset_password",
            "Nouveau mot de passe",
            lambda h: (
                f"Donner un nouveau mot de passe à {full_name(h.user)} ({h.user.identifier}) : l'actuel ne "
                "fonctionne plus et ses sessions ouvertes sont fermées ; le nouveau n'existera que dans la lettre."
            ),
            label="Motif du nouveau mot de passe",
            help_text="Par exemple : mot de passe perdu, lettre non reçue.",
            users=[habilitation.user for habilitation in queryset.select_related("user")],
        )
        if page is not None:
            return page
        return self._letter(
            request,
            queryset,
            lambda habilitation: habilitation_password_reset(
                habilitation=habilitation, by=request.user, reason=data["reason"], request=request
            ),
            "nouveau-mot-de-passe",
            lambda habilitation: (
                f"Nouveau mot de passe de {full_name(habilitation.user)} — téléchargez ci-dessous la lettre qui "
                "le porte."
            ),
        )


work_list_register(
    WorkItem("nouveaux identifiants à confirmer (émis par une autre Caf)", Habilitation, {"confirmer": "1"}),
    WorkItem("demandes d'accès à accorder", Habilitation, {"etat": HabilitationState.REQUESTED}),
    WorkItem("identifiants bloqués après trois échecs", Habilitation, {"bloque": "1"}),
    WorkItem("fins d'accès programmées (demandes de suppression)", Habilitation, {"etat": HabilitationState.ENDING}),
    WorkItem("habilitations actives sans connexion depuis plus de 60 jours", Habilitation, {"inactif": "60"}),
)


def offered_while_owed(actions, request, name, owed):
    """ROLE-7, BO-2: the confirmation action `name` is offered only while `owed()` — read once per request (the
    list asks for its actions several times)."""
    if name in actions:
        offered = request.__dict__.setdefault("_cafpro_confirmations_owed", {})
        if name not in offered:
            offered[name] = owed()
        if not offered[name]:
            del actions[name]
    return actions


def awaiting_confirmation(managers, cafs):
    """ROLE-7: the gestionnaires of `managers` whose designation or credentials one of `cafs` dealing with their BAJ
    has not confirmed — the list's filter and whether the confirmation is offered at all (one reading)."""
    owing = PendingConfirmation.objects.filter(
        Q(caf__bajs=OuterRef("baj")) | Q(caf__conventions__baj=OuterRef("baj")),
        user=OuterRef("user"),
        caf__in=cafs,
    )
    unvouched = cafs.filter(Q(bajs=OuterRef("baj")) | Q(conventions__baj=OuterRef("baj"))).exclude(
        pk__in=BajManager.vouched_by.through.objects.filter(bajmanager=OuterRef(OuterRef("pk"))).values("caf")
    )
    return managers.filter(Exists(owing) | Exists(unvouched))


class ManagerConfirmationFilter(admin.SimpleListFilter):
    """ROLE-7, BO-2: gestionnaires whose designation or credentials one of this agent's CAFs has not confirmed."""

    title = "confirmation"
    parameter_name = "confirmer"

    def lookups(self, request, model_admin):
        return [("1", "à confirmer par votre Caf")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return awaiting_confirmation(queryset, cafs_in(request.user, Area.CAF_ADMINISTRATION))
        return queryset


ACTING_CAF = "Au nom de la Caf"


class BajManagerForm(forms.ModelForm):
    """JUR-1: the gestionnaire the president of the juridiction designated, and the date of that designation; the
    CAF the agent records them for, when they act for several (`caf`: its choices and whether it is asked are
    `BajManagerAdmin.get_form`'s)."""

    caf = forms.ModelChoiceField(label=ACTING_CAF, queryset=Caf.objects.none(), required=False)
    civility = forms.ChoiceField(label="Civilité", choices=Civility.choices)
    last_name = forms.CharField(label="Nom", max_length=60)
    first_name = forms.CharField(label="Prénom", max_length=60)
    email = forms.EmailField(label="Adresse électronique professionnelle")

    class Meta:
        model = BajManager
        fields = ["baj", "designated_on"]

    def clean(self):
        data = super().clean()
        caf, baj = data.get("caf"), data.get("baj")
        if caf is not None and baj is not None and not caf.bajs.filter(pk=baj.pk).exists():
            self.add_error("caf", f"La {caf.name} ne traite pas avec le {baj}.")
        return data


class LetterForm(ReasonForm):
    """BO-6, ROLE-7: a new password printed for a gestionnaire: the reason, and the CAF it is printed in the name
    of when the agent acts for several CAFs of the BAJ (required, no default)."""

    def __init__(self, *args, cafs, **kwargs):
        super().__init__(*args, **kwargs)
        self.cafs = list(cafs)
        if len(self.cafs) > 1:
            self.fields["caf"] = forms.ModelChoiceField(label=ACTING_CAF, queryset=cafs, empty_label="— choisissez —")
            self.order_fields(["caf", "reason"])

    def clean(self):
        data = super().clean()
        if len(self.cafs) == 1:
            data["caf"] = self.cafs[0]
        return data


@admin.register(BajManager)
class BajManagerAdmin(ObjectHeaderMixin, ObjectButtonsMixin, AreaAdminMixin, admin.ModelAdmin):
    """JUR-1: the CAF records the gestionnaire of a BAJ of its département and prints the letter with the initial
    password; the account sees the juridiction's space only (no allocataire data, nothing to grant)."""

    caf_path = "baj__cafs"
    add_title = "Nouveau gestionnaire de juridiction"
    list_display = ["state_badge", "person", "baj", "designated", "recorded", "to_confirm"]
    list_display_links = ["person"]
    list_select_related = ["user", "baj", "recorded_by", "recording_caf"]
    list_filter = [ManagerConfirmationFilter]
    readonly_fields = ["user", "baj", "designated_on", "recorded_by", "recording_caf", "recorded_at", "to_confirm"]
    actions = ["confirm_designation", "print_letter"]
    buttons = tuple(actions)
    destructive = ("print_letter",)

    def get_queryset(self, request):
        """JUR-1, ROLE-7: the gestionnaires of the BAJs this agent's CAFs deal with (the CMAF's included: it signs
        conventions with BAJs of every département), so that each CAF concerned sees and confirms them."""
        queryset = admin.ModelAdmin.get_queryset(self, request)  # the scope is the BAJ's CAFs, not one path
        cafs = caf_ids_in(request.user, self.area)
        if cafs is not EVERY_CAF:
            queryset = queryset.filter(baj__in=Baj.objects.filter(Q(cafs__in=cafs) | Q(conventions__caf__in=cafs)))
        pending = PendingConfirmation.objects.select_related("caf", "issued_by", "by")
        return queryset.distinct().prefetch_related(Prefetch("user__pending_confirmations", pending))

    def _my_cafs(self, request, manager):
        """The CAFs of this agent that the manager's BAJ deals with."""
        return cafs_in(request.user, self.area).filter(pk__in=Caf.objects.of_bajs([manager.baj]).values("pk"))

    def _owing(self, request, manager):
        """The CAFs of this agent, of the manager's BAJ, that owe a confirmation for them (ROLE-7): the credentials
        another CAF printed, or the designation they do not answer for yet."""
        mine = self._my_cafs(request, manager)
        pending = {p.caf_id for p in manager.user.pending_confirmations.all()}
        vouched = set(manager.vouched_by.values_list("pk", flat=True))
        return [caf for caf in mine if caf.pk in pending or caf.pk not in vouched]

    @admin.display(description="confirmations attendues")
    def to_confirm(self, obj):
        """ROLE-7: « Caf de Roubaix : identifiants émis par la Caf de Lille (CAF59501) le … » for each CAF of the
        BAJ that has not confirmed the designation or the credentials in force — every CAF concerned sees it."""
        return "; ".join(f"{p.caf.name} : {p.summary}" for p in obj.user.pending_confirmations.all())

    def get_actions(self, request):
        """ROLE-7, BO-2: « Confirmer la désignation » is offered only while one of this agent's CAFs owes a
        confirmation for a gestionnaire of theirs."""
        return offered_while_owed(
            super().get_actions(request),
            request,
            "confirm_designation",
            lambda: awaiting_confirmation(self.get_queryset(request), cafs_in(request.user, self.area)).exists(),
        )

    def buttons_for(self, obj, request):
        """BO-3, ROLE-7: « Confirmer la désignation » on a gestionnaire's page only while one of this agent's CAFs
        owes its confirmation."""
        return [name for name in self.buttons if name != "confirm_designation" or self._owing(request, obj)]

    @admin.action(description="Confirmer la désignation et les identifiants (enregistrés par une autre Caf)")
    def confirm_designation(self, request, queryset):
        """ROLE-7, JUR-1: each CAF of this agent confirms the designation (and the credentials in force) of a
        gestionnaire another CAF recorded or printed a letter for: the gestionnaire acts on its conventions. A
        gestionnaire none of them owes a confirmation for is left as it is, said by its identifier (BO-5)."""
        managers = list(queryset.select_related("user", "baj"))
        for manager in managers:
            owing = self._owing(request, manager)
            if not owing:
                names = [f"la {caf.name}" for caf in self._my_cafs(request, manager).order_by("name")]
                names = " et ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
                self.message_user(
                    request,
                    f"{manager.user.identifier} ({full_name(manager.user)}) : rien à confirmer pour {names} "
                    "(désignation et identifiants déjà confirmés) ; rien n'a été fait.",
                    messages.WARNING,
                )
            for caf in owing:
                credentials_confirm(user=manager.user, caf=caf, by=request.user, request=request)
                self.message_user(
                    request, f"Gestionnaire {full_name(manager.user)} confirmé pour la {caf.name}.", messages.SUCCESS
                )
        return self.acted(request, managers)

    def state_of(self, obj):
        """BO-7: the gestionnaire's state in words — confirmations still owed by a CAF (ROLE-7), or the account."""
        if obj.user.pending_confirmations.all():
            return "À confirmer"
        return "Compte actif" if obj.user.is_active else "Compte désactivé"

    @admin.display(description="état")
    def state_badge(self, obj):
        return badge(self.state_of(obj))

    @admin.display(description="personne", ordering="user__last_name")
    def person(self, obj):
        return person_cell(obj.user)

    @admin.display(description="désignation", ordering="designated_on")
    def designated(self, obj):
        return short_date(obj.designated_on)

    @admin.display(description="enregistrement", ordering="recorded_at")
    def recorded(self, obj):
        """JUR-1: the agent and, under it, the CAF it recorded the gestionnaire for."""
        if obj.recorded_by is None:
            return ""
        return format_html(
            '{}<span class="cell-note">{}</span>', obj.recorded_by, obj.recording_caf.name if obj.recording_caf else ""
        )

    def header(self, obj):
        """BO-7: who the gestionnaire is — civility, name, e-mail, juridiction — and the state, above the buttons."""
        user = obj.user
        return Header(
            title=full_name(user),
            state=self.state_of(obj),
            facts=[
                ("Fonction", "Gestionnaire de juridiction"),
                ("Identifiant", user.identifier),
                ("Adresse électronique", user.email),
                ("Juridiction", obj.baj),
                ("Date de désignation", short_date(obj.designated_on)),
                ("Enregistrement", obj.recording_caf and f"{obj.recording_caf.name}, par {obj.recorded_by}"),
                ("Confirmations attendues", self.to_confirm(obj)),
            ],
        )

    def _acting_for_several(self, request):
        """The agent records for one of several CAFs: the form asks which (« Au nom de la Caf »)."""
        return cafs_in(request.user, self.area).count() > 1

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, **kwargs)
        form = super().get_form(request, obj, form=BajManagerForm, **kwargs)
        mine = cafs_in(request.user, self.area)
        form.base_fields["baj"].queryset = Baj.objects.filter(cafs__in=mine).distinct()
        if self._acting_for_several(request):  # a field of this form class alone, never the declared one changed
            form.base_fields["caf"] = forms.ModelChoiceField(
                label=ACTING_CAF, queryset=mine, empty_label="— choisissez —"
            )
        else:
            del form.base_fields["caf"]
        return form

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            acting = ["caf"] if self._acting_for_several(request) else []
            return [*acting, "baj", "designated_on", "civility", "last_name", "first_name", "email"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        """JUR-1, ROLE-7: recorded in the name of the CAF the agent chose (or their only one dealing with the
        BAJ) — never an arbitrary one of theirs."""
        if change:
            return
        data = form.cleaned_data
        caf = data.get("caf")
        if caf is None:
            mine = list(cafs_in(request.user, self.area).filter(bajs=data["baj"]))
            if len(mine) != 1:
                raise PermissionDenied
            caf = mine[0]
        manager = baj_manager_record(
            baj=data["baj"],
            designated_on=data["designated_on"],
            civility=data["civility"],
            last_name=data["last_name"],
            first_name=data["first_name"],
            email=data["email"],
            by=request.user,
            caf=caf,
            request=request,
        )
        obj.pk, obj.user = manager.pk, manager.user

    def response_add(self, request, obj, post_url_continue=None):
        """BO-5: the gestionnaire recorded, on their page (where the letter is printed)."""
        self.message_user(
            request, f"Gestionnaire {full_name(obj.user)} enregistré : imprimez sa lettre d'ouverture des droits."
        )
        return object_page(self, obj)

    @admin.action(description="Imprimer la lettre d'ouverture des droits (nouveau mot de passe initial)")
    def print_letter(self, request, queryset):
        """JUR-1, AUTH-5, BO-5, BO-6: the gestionnaire's password exists only in this letter, as a greffier's does:
        asked first (a new password ends the one in use), with a reason and, for an agent of several CAFs of the
        BAJ, the CAF it is printed in the name of; committed with the letter, or not at all."""
        manager = self._one(
            request,
            queryset.select_related("user", "baj"),
            "Choisissez un seul gestionnaire : la lettre est nominative.",
        )
        if manager is None:
            return None
        data, page = action_confirmation(
            request,
            self,
            [manager],
            LetterForm,
            action="print_letter",
            title="Nouveau mot de passe du gestionnaire",
            consequence=lambda m: (
                f"Donner un nouveau mot de passe à {full_name(m.user)} ({m.user.identifier}), "
                f"gestionnaire du {m.baj} : le mot de passe actuel ne fonctionne plus ; le nouveau n'existera que "
                "dans la lettre."
                if m.user.has_usable_password()
                else f"Imprimer la lettre d'ouverture des droits de {full_name(m.user)} ({m.user.identifier}), "
                f"gestionnaire du {m.baj} : son mot de passe initial n'existera que dans cette lettre."
            ),
            label="Motif de la lettre",
            help_text="Par exemple : première lettre, mot de passe perdu.",
            cafs=self._my_cafs(request, manager).order_by("name"),
            users=[manager.user],
        )
        if page is not None:
            return page
        caf = data["caf"]
        try:
            password, pdf = self._letter_issued(
                request,
                lambda: password_reset(
                    user=manager.user, by=request.user, request=request, caf=caf, reason=data["reason"]
                ),
                lambda password: render_pdf(
                    "documents/ouverture_gestionnaire.html",
                    {
                        "caf": caf,
                        "manager": manager,
                        "user": manager.user,
                        "password": password,
                        "today": timezone.localdate(),
                    },
                ),
                document="lettre d'ouverture des droits du gestionnaire",
                subject=f"gestionnaire {manager.user.identifier}, {manager.baj}",
                caf=caf,
            )
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
            return object_page(self, manager)
        self.message_user(
            request,
            f"Nouveau mot de passe de {full_name(manager.user)} — téléchargez ci-dessous sa lettre d'ouverture des "
            "droits.",
            messages.SUCCESS,
        )
        return self.letter_page(
            request,
            manager,
            pdf,
            f"ouverture-gestionnaire-{manager.user.identifier}.pdf",
            "Télécharger la lettre d'ouverture des droits du gestionnaire (PDF)",
        )


work_list_register(
    WorkItem(
        "gestionnaires de juridiction à confirmer (enregistrés par une autre Caf)", BajManager, {"confirmer": "1"}
    )
)
