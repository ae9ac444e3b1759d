"""ROLE-3, HAB-1 … HAB-3, CONV-3: a CAF's habilitations, for the CAF's administrators (their CAF only) and
superusers; the accounts, the raw journal and the surveillances for superusers. Every write goes through a
service, which keeps the history (who, when, what) and the journal."""

import datetime as dt
from importlib import import_module

from django import forms
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
from django.utils.functional import cached_property
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conventions.admin import AreaAdminMixin, ReferenceAdminMixin
from conventions.models import Baj, BajManager, Caf, Convention
from conventions.permissions import EVERY_CAF, Area, caf_ids_in, cafs_in
from core.admin import (
    ObjectButtonsMixin,
    ReadOnlyHistoryInline,
    ReadOnlyMixin,
    ReasonForm,
    WorkItem,
    action_confirmation,
    object_page,
    work_list_register,
)
from core.forms import DateField
from core.pdf import render_pdf
from habilitations.documents import habilitation_document
from habilitations.enums import Civility, GreffeFunction, HabilitationStatus, RevocationReason
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


def person(user):
    """BO-5: how a message names someone: « Madame Inès GARNIER » (the identifier when no name is known)."""
    parts = (user.get_civility_display(), user.first_name, user.last_name.upper())
    return " ".join(part for part in parts if part) or user.identifier


@admin.register(User)
class UserAdmin(ReferenceAdminMixin, DjangoUserAdmin):
    """AUTH-10: one identifier per person. The full habilitation lifecycle is managed elsewhere (HAB-1)."""

    add_title = "Nouveau compte"

    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["identifier"]
    list_display = ["identifier", "last_name", "first_name", "is_staff", "is_active", "last_login"]
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
                f"Débloquer l'identifiant {user.identifier} de {person(user)} : trois nouveaux essais de connexion."
            ),
            label="Motif du déblocage",
        )
        if page is not None:
            return page
        users = list(queryset)
        for user in users:
            user_unlock(user=user, by=request.user, request=request, reason=data["reason"])
            self.message_user(request, f"Identifiant {user.identifier} de {person(user)} débloqué.", messages.SUCCESS)
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
                f"Donner un nouveau mot de passe à {person(user)} ({user.identifier}) : l'actuel ne "
                "fonctionne plus et ses sessions ouvertes sont fermées ; le nouveau n'est affiché qu'une fois."
            ),
            label="Motif de la réinitialisation",
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
class GroupAdmin(ReferenceAdminMixin, DjangoGroupAdmin):
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
    readonly_fields = ["user", "caf", "reason", "started_at", "started_by", "lifted_at", "lifted_by"]


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


class EndingFilter(admin.SimpleListFilter):
    """HAB-2, JUR-2: active habilitations whose end is set (a removal request), the day still to come."""

    title = "fin d'accès"
    parameter_name = "fin"

    def lookups(self, request, model_admin):
        return [("programmee", "programmée")]

    def queryset(self, request, queryset):
        if self.value() == "programmee":
            return queryset.filter(status=HabilitationStatus.ACTIVE, ends_on__gt=timezone.localdate())
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
    """HAB-3: habilitations whose user has not logged in for N days."""

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
class HabilitationAdmin(ObjectButtonsMixin, AreaAdminMixin, admin.ModelAdmin):
    caf_path = "convention__caf"
    list_display = [
        "user",
        "person",
        "function",
        "convention",
        "status",
        "granted_on",
        "ends_on",
        "last_login",
        "to_confirm",
    ]
    list_filter = [
        "status",
        ConfirmationFilter,
        UnusedFilter,
        LockedFilter,
        EndingFilter,
        "function",
        ("convention__baj", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__identifier", "user__last_name", "user__first_name", "convention__number"]
    list_select_related = ["user", "convention__baj", "convention__caf"]
    readonly_fields = [
        "user",
        "convention",
        "profile",
        "status",
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
        "status",
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

    def buttons_for(self, obj):
        """BO-3: on a habilitation's page, the acts its state allows (HAB-1)."""
        allowed = {
            HabilitationStatus.REQUESTED: {"grant", "refuse", "print_access_request"},
            HabilitationStatus.ACTIVE: {
                "suspend",
                "revoke",
                "print_access_request",
                "print_removal_request",
                "unlock",
                "reset_password",
            },
            HabilitationStatus.SUSPENDED: {"reactivate", "revoke", "print_removal_request", "unlock"},
            HabilitationStatus.REVOKED: set(),
        }[obj.status]
        if obj.status != HabilitationStatus.REVOKED and self.to_confirm(obj):
            allowed = allowed | {"confirm_credentials"}
        return [name for name in self.buttons if name in allowed]

    @admin.display(description="identifiants à confirmer")
    def to_confirm(self, obj):
        """ROLE-7: « Identifiants émis par la Caf de Lille (CAF59501) le … » while this CAF has not confirmed."""
        return "; ".join(p.summary for p in obj.user.pending_confirmations.all() if p.caf_id == obj.convention.caf_id)

    @admin.display(description="nom")
    def person(self, obj):
        return obj.user.get_full_name()

    def get_queryset(self, request):
        pending = PendingConfirmation.objects.select_related("issued_by", "by")
        return super().get_queryset(request).prefetch_related(Prefetch("user__pending_confirmations", pending))

    @admin.display(description="dernière connexion")
    def last_login(self, obj):
        return obj.user.last_login

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
                f"Habilitation demandée pour {person(habilitation.user)} ({habilitation.user.identifier}).",
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
        return f"l'habilitation de {person(obj.user)} ({obj.user.identifier})"

    def state_label(self, obj):
        return obj.get_status_display().lower()

    def _each(self, request, queryset, service, done, **kwargs):
        """BO-5: the service on each habilitation, each answered by a message naming the person (`done(habilitation,
        result)`, or the service's refusal); one habilitation ends on its page, several on the list."""
        objects = list(queryset.select_related("user", "convention__caf"))
        for habilitation in objects:
            try:
                result = service(habilitation=habilitation, by=request.user, request=request, **kwargs)
            except ValidationError as error:
                self.message_user(
                    request, f"Habilitation de {person(habilitation.user)} : {error.messages[0]}", messages.ERROR
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

    def _letter(self, request, queryset, issue, filename, done):
        """CONV-3, AUTH-5, BO-5: a nominative letter carrying a password that exists only in it. The password is
        committed with the letter that carries it, or not at all (rendered in the same transaction: a server that
        cannot render PDFs changes nothing); the answer is the habilitation's page with the letter as a link."""
        queryset = queryset.select_related("user", "convention__caf", "convention__baj", "profile")
        habilitation = self._one(request, queryset, NOMINATIVE)
        if habilitation is None:
            return None
        subject = f"habilitation {habilitation.user.identifier}, convention {habilitation.convention.number}"
        try:
            password, pdf = self._letter_issued(
                request,
                lambda: issue(habilitation),
                lambda password: habilitation_document(
                    "documents/ouverture_droits.html", habilitation, password=password
                ),
                document="lettre d'ouverture des droits",
                subject=subject,
                caf=habilitation.convention.caf,
            )
        except ValidationError as error:
            self.message_user(
                request, f"Habilitation de {person(habilitation.user)} : {error.messages[0]}", messages.ERROR
            )
            return self.acted(request, [habilitation])
        self.message_user(request, done(habilitation), messages.SUCCESS)
        if password is None:
            self.message_user(
                request,
                f"{person(habilitation.user)} garde le mot de passe déjà utilisé par ces identifiants : la lettre "
                "n'en contient pas. Si votre liste de travail le demande, confirmez ses identifiants : ils ouvriront "
                "alors vos dossiers.",
                messages.WARNING,
            )
        return self.letter_page(
            request,
            habilitation,
            pdf,
            f"{filename}-{habilitation.user.identifier}.pdf",
            "Télécharger la lettre d'ouverture des droits (PDF)",
            secret=password is not None,
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
                    f"Identifiants de {person(habilitation.user)} confirmés pour la "
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
                f"Accès accordé à {person(habilitation.user)} — téléchargez ci-dessous sa lettre "
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
                f"Suspendre l'habilitation de {person(h.user)} ({h.user.identifier}) : ses sessions ouvertes "
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
            lambda h, _: f"Habilitation de {person(h.user)} suspendue.",
            reason=data["reason"],
        )

    @admin.action(description="Réactiver")
    def reactivate(self, request, queryset):
        return self._each(
            request, queryset, habilitation_reactivate, lambda h, _: f"Habilitation de {person(h.user)} réactivée."
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
                f"Retirer l'habilitation de {person(h.user)} ({h.user.identifier}) : elle ne consultera plus "
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
                f"Habilitation de {person(h.user)} retirée ({h.get_revocation_reason_display()}) : fin "
                f"d'accès le {h.ends_on:%d/%m/%Y}."
                if h.status == HabilitationStatus.REVOKED
                else f"Fin d'accès de l'habilitation de {person(h.user)} programmée le {h.ends_on:%d/%m/%Y} "
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
                f"Refuser la demande d'habilitation de {person(h.user)} ({h.user.identifier}) : le motif est "
                "communiqué à la juridiction."
            ),
        )
        if page is not None:
            return page
        return self._each(
            request,
            queryset,
            habilitation_refuse,
            lambda h, _: f"Demande d'habilitation de {person(h.user)} refusée.",
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
                f"Débloquer l'identifiant {h.user.identifier} de {person(h.user)} : trois nouveaux essais de "
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
            lambda h, removed: (
                f"Identifiant {h.user.identifier} de {person(h.user)} débloqué."
                if removed
                else f"L'identifiant {h.user.identifier} de {person(h.user)} n'était pas bloqué ; le déblocage est "
                "enregistré."
            ),
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
                f"Donner un nouveau mot de passe à {person(h.user)} ({h.user.identifier}) : l'actuel ne "
                "fonctionne plus et ses sessions ouvertes sont fermées ; le nouveau n'existera que dans la lettre."
            ),
            label="Motif du nouveau mot de passe",
            help_text="Par exemple : mot de passe perdu, lettre non reçue.",
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
                f"Nouveau mot de passe de {person(habilitation.user)} — téléchargez ci-dessous la lettre qui le porte."
            ),
        )


work_list_register(
    WorkItem("nouveaux identifiants à confirmer (émis par une autre Caf)", Habilitation, {"confirmer": "1"}),
    WorkItem("demandes d'accès à accorder", Habilitation, {"status__exact": HabilitationStatus.REQUESTED}),
    WorkItem("identifiants bloqués après trois échecs", Habilitation, {"bloque": "1"}),
    WorkItem("fins d'accès programmées (demandes de suppression)", Habilitation, {"fin": "programmee"}),
    WorkItem("habilitations actives sans connexion depuis plus de 60 jours", Habilitation, {"inactif": "60"}),
)


class ManagerConfirmationFilter(admin.SimpleListFilter):
    """ROLE-7, BO-2: gestionnaires whose designation or credentials one of this agent's CAFs has not confirmed."""

    title = "confirmation"
    parameter_name = "confirmer"

    def lookups(self, request, model_admin):
        return [("1", "à confirmer par votre Caf")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            mine = cafs_in(request.user, Area.CAF_ADMINISTRATION)
            owing = PendingConfirmation.objects.filter(
                Q(caf__bajs=OuterRef("baj")) | Q(caf__conventions__baj=OuterRef("baj")),
                user=OuterRef("user"),
                caf__in=mine,
            )
            unvouched = mine.filter(Q(bajs=OuterRef("baj")) | Q(conventions__baj=OuterRef("baj"))).exclude(
                pk__in=BajManager.vouched_by.through.objects.filter(bajmanager=OuterRef(OuterRef("pk"))).values("caf")
            )
            return queryset.filter(Exists(owing) | Exists(unvouched))
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
class BajManagerAdmin(ObjectButtonsMixin, AreaAdminMixin, admin.ModelAdmin):
    """JUR-1: the CAF records the gestionnaire of a BAJ of its département and prints the letter with the initial
    password; the account sees the juridiction's space only (no allocataire data, nothing to grant)."""

    caf_path = "baj__cafs"
    add_title = "Nouveau gestionnaire de juridiction"
    list_display = ["user", "person", "baj", "designated_on", "recorded_by", "recording_caf", "to_confirm"]
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

    @admin.action(description="Confirmer la désignation et les identifiants (enregistrés par une autre Caf)")
    def confirm_designation(self, request, queryset):
        """ROLE-7, JUR-1: each CAF of this agent confirms the designation (and the credentials in force) of a
        gestionnaire another CAF recorded or printed a letter for: the gestionnaire acts on its conventions."""
        managers = list(queryset.select_related("user", "baj"))
        for manager in managers:
            owing = self._owing(request, manager)
            if not owing:
                self.message_user(
                    request, f"Gestionnaire {person(manager.user)} : rien à confirmer pour votre Caf.", messages.ERROR
                )
            for caf in owing:
                credentials_confirm(user=manager.user, caf=caf, by=request.user, request=request)
                self.message_user(
                    request, f"Gestionnaire {person(manager.user)} confirmé pour la {caf.name}.", messages.SUCCESS
                )
        return self.acted(request, managers)

    @admin.display(description="nom")
    def person(self, obj):
        return person(obj.user)

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
            request, f"Gestionnaire {person(obj.user)} enregistré : imprimez sa lettre d'ouverture des droits."
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
                f"Donner un nouveau mot de passe à {person(m.user)} ({m.user.identifier}), "
                f"gestionnaire du {m.baj} : le mot de passe actuel ne fonctionne plus ; le nouveau n'existera que "
                "dans la lettre."
                if m.user.has_usable_password()
                else f"Imprimer la lettre d'ouverture des droits de {person(m.user)} ({m.user.identifier}), "
                f"gestionnaire du {m.baj} : son mot de passe initial n'existera que dans cette lettre."
            ),
            label="Motif de la lettre",
            help_text="Par exemple : première lettre, mot de passe perdu.",
            cafs=self._my_cafs(request, manager).order_by("name"),
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
            f"Nouveau mot de passe de {person(manager.user)} — téléchargez ci-dessous sa lettre d'ouverture des "
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
