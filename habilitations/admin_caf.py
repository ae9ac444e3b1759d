"""ROLE-3, HAB-3, CONV-1 … CONV-3: the administration of a CAF's conventions and habilitations, for the CAF's
administrators (their CAF only) and superusers (all). Every write goes through a service, which keeps the
history (who, when, what); the history is read-only."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from conventions.enums import ConventionState
from conventions.models import Baj, Caf, Convention, ConventionHistory
from conventions.services import convention_denounce, convention_terminate
from habilitations.documents import convention_document, habilitation_document, pdf_response
from habilitations.enums import CafRoleKind, GreffeFunction, HabilitationStatus, RevocationReason
from habilitations.models import CafRole, Habilitation, HabilitationHistory
from habilitations.services import (
    habilitation_grant,
    habilitation_reactivate,
    habilitation_request,
    habilitation_revoke,
    habilitation_suspend,
    password_reset,
    user_unlock,
)

ALERT_DAYS = 60


def administered_cafs(user):
    if user.is_superuser:
        return Caf.objects.all()
    return CafRole.objects.cafs_of(user, CafRoleKind.ADMINISTRATOR)


class CafAdministratorMixin:
    """Only a CAF's administrators (and superusers) reach these pages; each sees their CAF's rows only, also
    by URL (a row of another CAF is "not found")."""

    caf_path = "caf"

    def _is_administrator(self, request):
        user = request.user
        return user.is_active and (
            user.is_superuser or CafRole.objects.filter(user=user, kind=CafRoleKind.ADMINISTRATOR).exists()
        )

    def has_module_permission(self, request):
        return self._is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_add_permission(self, request):
        return self._is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.caf_path}__in": administered_cafs(request.user)})

    def _pdf(self, request, pdf, filename):
        if pdf is None:
            self.message_user(
                request, "Édition PDF indisponible sur ce serveur (bibliothèque Pango absente).", messages.ERROR
            )
            return None
        return pdf_response(pdf, filename)


class ReadOnlyHistoryInline(admin.TabularInline):
    extra = 0
    can_delete = False
    fields = ["at", "by", "action", "detail"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return True  # shown on a page the parent admin already scoped to the agent's CAF

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ConventionHistoryInline(ReadOnlyHistoryInline):
    model = ConventionHistory


class HabilitationHistoryInline(ReadOnlyHistoryInline):
    model = HabilitationHistory


class ConventionStateFilter(admin.SimpleListFilter):
    """CONV-2: the state today, and the conventions whose deadline or notice limit comes within 60 days."""

    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [
            ("active", "En vigueur"),
            ("echeance", f"Échéance ou limite de préavis dans les {ALERT_DAYS} jours"),
            ("ended", "Terminées ou résiliées"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "active":
            return queryset.active_on(today)
        if self.value() == "ended":
            return queryset.filter(ends_on__lte=today)
        if self.value() == "echeance":
            horizon = today + dt.timedelta(days=ALERT_DAYS)
            ids = [
                c.pk
                for c in queryset.active_on(today).filter(ends_on__isnull=True)
                if c.notice_limit(c.next_deadline(today)) <= horizon or c.next_deadline(today) <= horizon
            ]
            return queryset.filter(pk__in=ids)
        return queryset


class TerminationForm(forms.Form):
    reason = forms.CharField(label="Motif du manquement (article 5)", widget=forms.Textarea(attrs={"rows": 3}))


class ConventionAdmin(CafAdministratorMixin, admin.ModelAdmin):
    list_display = ["number", "caf", "baj", "starts_on", "state", "next_deadline_display", "notice_limit_display"]
    list_filter = [ConventionStateFilter, "caf"]
    search_fields = ["number", "baj__city", "caf__name"]
    list_select_related = ["caf", "baj"]
    inlines = [ConventionHistoryInline]
    readonly_fields = ["ends_on", "end_kind", "end_notice_on", "end_reason"]
    fieldsets = [
        (None, {"fields": ["number", "caf", "baj", "profile_code"]}),
        ("Signataires", {"fields": ["caf_signatory", "partner_signatory", "partner_signatory_capacity", "signed_on"]}),
        ("Durée", {"fields": ["starts_on", "first_period_ends_on"]}),
        ("Fin", {"fields": ["ends_on", "end_kind", "end_notice_on", "end_reason"]}),
    ]
    actions = ["print_convention", "denounce", "terminate"]

    @admin.display(description="état")
    def state(self, obj):
        return ConventionState(obj.state_on()).label

    @admin.display(description="prochaine échéance")
    def next_deadline_display(self, obj):
        return None if obj.ends_on else obj.next_deadline(timezone.localdate())

    @admin.display(description="limite de préavis")
    def notice_limit_display(self, obj):
        return None if obj.ends_on else obj.notice_limit(obj.next_deadline(timezone.localdate()))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "caf":
            kwargs["queryset"] = administered_cafs(request.user)
        if db_field.name == "baj":
            kwargs["queryset"] = Baj.objects.filter(cafs__in=administered_cafs(request.user)).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description="Imprimer la convention et son annexe (PDF)")
    def print_convention(self, request, queryset):
        convention = queryset.first()
        return self._pdf(
            request, convention_document(convention), f"convention-{convention.number.replace('/', '-')}.pdf"
        )

    @admin.action(description="Dénoncer à la première échéance possible (préavis de 2 mois)")
    def denounce(self, request, queryset):
        for convention in queryset:
            try:
                convention_denounce(convention=convention, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{convention.number} : {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{convention.number} : dénoncée, fin d'accès le {convention.ends_on:%d/%m/%Y}."
                )

    @admin.action(description="Résilier immédiatement pour manquement (article 5)")
    def terminate(self, request, queryset):
        form = TerminationForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for convention in queryset:
                try:
                    convention_terminate(convention=convention, by=request.user, reason=form.cleaned_data["reason"])
                except ValidationError as error:
                    self.message_user(request, f"{convention.number} : {error.messages[0]}", messages.ERROR)
                else:
                    self.message_user(
                        request, f"{convention.number} : résiliée ; ses habilitations ne donnent plus accès."
                    )
            return None
        return _confirmation(request, self, queryset, form, "terminate", "Résilier pour manquement")


def _confirmation(request, model_admin, queryset, form, action, title):
    """The intermediate page of an action that needs a reason."""
    return TemplateResponse(
        request,
        "admin/habilitations/action_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "objects": queryset,
            "form": form,
            "action": action,
            "opts": model_admin.model._meta,
        },
    )


class RevocationForm(forms.Form):
    reason = forms.ChoiceField(label="Motif du retrait", choices=RevocationReason.choices)
    ends_on = forms.DateField(
        label="Fin de l'accès le (demande de suppression)",
        required=False,
        help_text="Laisser vide pour un retrait immédiat.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class HabilitationRequestForm(forms.Form):
    """HAB-1, ROLE-1: a nominative request, for one person."""

    convention = forms.ModelChoiceField(label="Convention", queryset=Convention.objects.none())
    function = forms.ChoiceField(label="Fonction", choices=GreffeFunction.choices)
    last_name = forms.CharField(label="Nom", max_length=60)
    first_name = forms.CharField(label="Prénom", max_length=60)
    email = forms.EmailField(label="Adresse électronique professionnelle", required=False)


class UnusedFilter(admin.SimpleListFilter):
    """HAB-3: habilitations whose user has not logged in for N days."""

    title = "sans connexion depuis"
    parameter_name = "inactif"

    def lookups(self, request, model_admin):
        return [("30", "30 jours"), ("90", "90 jours"), ("180", "180 jours")]

    def queryset(self, request, queryset):
        if self.value() in {"30", "90", "180"}:
            limit = timezone.now() - dt.timedelta(days=int(self.value()))
            return queryset.filter(status=HabilitationStatus.ACTIVE).exclude(user__last_login__gte=limit)
        return queryset


class HabilitationAdmin(CafAdministratorMixin, admin.ModelAdmin):
    caf_path = "convention__caf"
    list_display = ["user", "person", "function", "convention", "status", "granted_on", "ends_on", "last_login"]
    list_filter = ["status", UnusedFilter, "function", "convention__baj"]
    search_fields = ["user__identifier", "user__last_name", "user__first_name", "convention__number"]
    list_select_related = ["user", "convention__baj", "convention__caf"]
    readonly_fields = ["user", "convention", "profile", "status", "granted_on", "ends_on", "revocation_reason"]
    fields = ["user", "convention", "profile", "function", "status", "granted_on", "ends_on", "revocation_reason"]
    inlines = [HabilitationHistoryInline]
    actions = [
        "grant",
        "suspend",
        "reactivate",
        "revoke",
        "print_access_request",
        "print_removal_request",
        "unlock",
        "reset_password",
    ]

    @admin.display(description="nom")
    def person(self, obj):
        return obj.user.get_full_name()

    @admin.display(description="dernière connexion")
    def last_login(self, obj):
        return obj.user.last_login

    def add_view(self, request, form_url="", extra_context=None):
        """HAB-1: "Ajouter" is the request of a habilitation for one person (a new identifier)."""
        form = HabilitationRequestForm(request.POST or None)
        form.fields["convention"].queryset = Convention.objects.filter(
            caf__in=administered_cafs(request.user)
        ).active_on(timezone.localdate())
        if request.method == "POST" and form.is_valid():
            habilitation = habilitation_request(by=request.user, **form.cleaned_data)
            self.message_user(request, f"Habilitation demandée pour {habilitation.user.identifier}.")
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
        """Only the function is edited here; the lifecycle goes through the actions."""
        obj.full_clean()
        super().save_model(request, obj, form, change)

    def _each(self, request, queryset, service, done, **kwargs):
        for habilitation in queryset.select_related("user"):
            try:
                service(habilitation=habilitation, by=request.user, **kwargs)
            except ValidationError as error:
                self.message_user(request, f"{habilitation.user} : {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{habilitation.user} : {done}.")

    @admin.action(description="Accorder et imprimer la lettre d'ouverture des droits (mot de passe initial)")
    def grant(self, request, queryset):
        """CONV-3, AUTH-5: the initial password exists only in this letter."""
        if queryset.count() != 1:
            self.message_user(request, "Choisissez une seule habilitation : la lettre est nominative.", messages.ERROR)
            return None
        habilitation = queryset.select_related("user", "convention__caf", "convention__baj", "profile").get()
        try:
            password = habilitation_grant(habilitation=habilitation, by=request.user)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
            return None
        pdf = habilitation_document("documents/ouverture_droits.html", habilitation, password=password)
        return self._pdf(request, pdf, f"ouverture-droits-{habilitation.user.identifier}.pdf")

    @admin.action(description="Suspendre (ferme les sessions ouvertes)")
    def suspend(self, request, queryset):
        self._each(request, queryset, habilitation_suspend, "suspendue")

    @admin.action(description="Réactiver")
    def reactivate(self, request, queryset):
        self._each(request, queryset, habilitation_reactivate, "réactivée")

    @admin.action(description="Retirer (changement d'affectation, fin de mission, demande de suppression…)")
    def revoke(self, request, queryset):
        form = RevocationForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._each(request, queryset, habilitation_revoke, "retrait enregistré", **form.cleaned_data)
            return None
        return _confirmation(request, self, queryset, form, "revoke", "Retirer l'habilitation")

    @admin.action(description="Imprimer la demande d'accès (PDF)")
    def print_access_request(self, request, queryset):
        habilitation = queryset.select_related("user", "convention__caf", "convention__baj").first()
        pdf = habilitation_document("documents/demande_acces.html", habilitation)
        return self._pdf(request, pdf, f"demande-acces-{habilitation.user.identifier}.pdf")

    @admin.action(description="Imprimer la demande de suppression (PDF)")
    def print_removal_request(self, request, queryset):
        habilitation = queryset.select_related("user", "convention__caf", "convention__baj").first()
        pdf = habilitation_document("documents/demande_suppression.html", habilitation)
        return self._pdf(request, pdf, f"demande-suppression-{habilitation.user.identifier}.pdf")

    @admin.action(description="Débloquer l'accès (après trois échecs)")
    def unlock(self, request, queryset):
        for habilitation in queryset.select_related("user"):
            user_unlock(user=habilitation.user, by=request.user, request=request)
        self.message_user(request, f"{queryset.count()} accès débloqué(s).")

    @admin.action(description="Nouveau mot de passe et lettre (ferme les sessions ouvertes)")
    def reset_password(self, request, queryset):
        """AUTH-5, art. 4: a new access procedure after a lost password; the password is only in the letter."""
        if queryset.count() != 1:
            self.message_user(request, "Choisissez une seule habilitation : la lettre est nominative.", messages.ERROR)
            return None
        habilitation = queryset.select_related("user", "convention__caf", "convention__baj", "profile").get()
        password = password_reset(user=habilitation.user, by=request.user, request=request)
        pdf = habilitation_document("documents/ouverture_droits.html", habilitation, password=password)
        return self._pdf(request, pdf, f"nouveau-mot-de-passe-{habilitation.user.identifier}.pdf")


admin.site.register(Convention, ConventionAdmin)
admin.site.register(Habilitation, HabilitationAdmin)
