"""REF-1 … REF-3: the reference data (superusers). ROLE-3, HAB-3, CONV-1 … CONV-3: a CAF's conventions, for the
CAF's administrators (their CAF only) and superusers (all). Every write goes through a service, which keeps the
history (who, when, what); the history is read-only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst

from conventions.documents import convention_document, cover_letter_document
from conventions.enums import CONVENTION_ENDED, ConventionState
from conventions.models import (
    ALERT_DAYS,
    Baj,
    Caf,
    CafContact,
    CafRole,
    Convention,
    ConventionHistory,
    Departement,
    PostalCodeRule,
)
from conventions.permissions import EVERY_CAF, Area, caf_ids_in, cafs_in, may_enter
from conventions.services import (
    baj_contact_save,
    caf_role_grant,
    caf_role_remove,
    convention_denounce,
    convention_save,
    convention_terminate,
)
from core.admin import (
    Header,
    ObjectButtonsMixin,
    ObjectHeaderMixin,
    ReadOnlyHistoryInline,
    ReasonForm,
    WorkItem,
    action_confirmation,
    badge,
    work_list_register,
)
from core.pdf import pdf_response
from journal import acts
from journal.admin import JournaledAdminMixin

PDF_UNAVAILABLE = (
    "Le document n'a pas pu être produit : l'édition PDF est indisponible sur ce serveur (bibliothèque Pango "
    "absente). Rien n'a été enregistré ; signalez-le à l'équipe technique."
)


def _follow(obj, path):
    """The objects at the end of `path` (« convention__caf », « baj__cafs ») from `obj`, many-to-many included."""
    objects = [obj]
    for name in path.split("__"):
        reached = []
        for each in objects:
            value = getattr(each, name, None)
            if hasattr(value, "all"):
                reached.extend(value.all() if each.pk is not None else [])
            elif value is not None:
                reached.append(value)
        objects = reached
    return objects


class AreaAdminMixin(JournaledAdminMixin):
    """The admin pages of one area of `conventions.permissions.AREAS`: only those who may enter it reach them,
    and each sees the rows of their own CAFs only, also by URL (a row of another CAF is "not found").
    `caf_path` leads from the model to its CAF — also the CAFs whose officers read the journal line of an act on a
    row (AUD-1, AUD-2)."""

    area = Area.CAF_ADMINISTRATION
    caf_path = "caf"
    # BO-1: the title of the creation page, agreed with its noun (« Nouvelle convention »); Django's « Ajout de
    # habilitation » does not elide.
    add_title = None

    def changelist_view(self, request, extra_context=None):
        title = capfirst(self.model._meta.verbose_name_plural)
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        name = self.model._meta.verbose_name
        title = capfirst(name) if object_id else self.add_title or f"Ajouter : {name}"
        return super().changeform_view(request, object_id, form_url, {"title": title, **(extra_context or {})})

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """ROLE-3: one answer whether the record is missing or another CAF's (existence is not leaked), in words an
        agent reads — not Django's « … avec l'identifiant « 3 » n'existe pas » (the database's number)."""
        self.message_user(request, "Cette fiche n'existe pas ou ne relève pas de votre Caf.", messages.WARNING)
        return redirect(reverse("admin:index", current_app=self.admin_site.name))

    def has_module_permission(self, request):
        return may_enter(request.user, self.area)

    def has_view_permission(self, request, obj=None):
        return may_enter(request.user, self.area)

    def has_change_permission(self, request, obj=None):
        return may_enter(request.user, self.area)

    def has_add_permission(self, request):
        return may_enter(request.user, self.area)

    def has_delete_permission(self, request, obj=None):
        return False

    def journal_cafs(self, obj):
        return _follow(obj, self.caf_path) if self.caf_path else []

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        cafs = caf_ids_in(request.user, self.area)
        if cafs is EVERY_CAF:
            return queryset
        if self.caf_path is None:
            return queryset.none()
        return queryset.filter(**{f"{self.caf_path}__in": sorted(cafs)})

    def _one(self, request, queryset, message):
        """The one object an action prints a document for (a letter is nominative), or None with `message`."""
        objects = list(queryset[:2])
        if len(objects) != 1:
            self.message_user(request, message, messages.ERROR)
            return None
        return objects[0]

    def _printed(self, request, pdf, *, document, subject, caf):
        """A document printed is journaled (AUD-1: which document, about what, for which CAF, by whom); a server
        that cannot render it raises, in French — in the transaction of an act, nothing of it is kept."""
        if pdf is None:
            raise ValidationError(PDF_UNAVAILABLE)
        acts.document_print(document=document, subject=subject, caf=caf, by=request.user, request=request)

    def _letter_issued(self, request, issue, render, *, document, subject, caf):
        """AUTH-5, BO-5: a password issued (`issue()`) and the letter that carries it (`render(password)`, the PDF),
        committed together or not at all — a letter that cannot be rendered leaves the password in use and the
        state as they were (`_printed` raises). Returns (password, pdf)."""
        with transaction.atomic():
            password = issue()
            pdf = render(password)
            self._printed(request, pdf, document=document, subject=subject, caf=caf)
        return password, pdf

    def _pdf(self, request, pdf, filename, *, document, subject, caf):
        """A document printed: journaled (`_printed`) and served."""
        try:
            self._printed(request, pdf, document=document, subject=subject, caf=caf)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
            return None
        return pdf_response(pdf, filename)


class ReferenceAdminMixin(AreaAdminMixin):
    """Reference data, accounts, roles and the raw journal: superusers only."""

    area = Area.REFERENCE
    caf_path = None

    def has_delete_permission(self, request, obj=None):
        return may_enter(request.user, self.area)


class CafContactInline(admin.StackedInline):
    """BO-8: stacked, each field with its label (a tabular inline's fields have none, and the CMAF's contacts were
    1,882 px wide)."""

    model = CafContact
    extra = 0


@admin.register(Caf)
class CafAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "city", "departement", "maritime"]
    list_filter = ["is_maritime", "departement"]
    search_fields = ["number", "name", "city"]
    inlines = [CafContactInline]

    def journal_cafs(self, obj):
        return [obj]

    @admin.display(description="maritime (CMAF)", ordering="is_maritime")
    def maritime(self, obj):
        """BO-8: in words (Django's icons say « True » and « False » in English)."""
        return "oui" if obj.is_maritime else "non"


@admin.register(Baj)
class BajAdmin(AreaAdminMixin, admin.ModelAdmin):
    """REF-1 for superusers; BO-4 for a CAF's administrators: the BAJs of their CAF, of which they enter the postal
    address, telephone and fax (the letters and the convention use them) — nothing else."""

    caf_path = "cafs"
    list_display = ["__str__", "departement", "address_known"]
    list_filter = ["juridiction", ("departement", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["city"]
    filter_horizontal = ["cafs"]
    REFERENCE = ["juridiction", "city", "departement", "cafs"]

    def journal_cafs(self, obj):
        """AUD-2, ROLE-7: every CAF the BAJ deals with — those of its département and those it signed with (the
        CMAF) — mails its letters, initial passwords included, to the BAJ's address: each reads its changes."""
        return list(Caf.objects.of_bajs([obj])) if obj.pk is not None else super().journal_cafs(obj)

    @admin.display(description="adresse connue")
    def address_known(self, obj):
        """BO-8: in words (Django's icons say « True » and « False » in English)."""
        return "oui" if obj.address else "non"

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        """ROLE-7, BO-4: a CAF's agent enters the address of a BAJ only when their CAF is the only one dealing with it.
        Every CAF of a BAJ mails its letters there, initial passwords included: an address one CAF's agent entered
        would carry another CAF's passwords to whoever that agent chose. A BAJ shared by several CAFs is edited by
        the national administration (the superuser), as reference data."""
        if not super().has_change_permission(request, obj):
            return False
        if request.user.is_superuser or obj is None:
            return True
        return not Caf.objects.of_bajs([obj]).exclude(pk__in=cafs_in(request.user, self.area)).exists()

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else self.REFERENCE

    def save_model(self, request, obj, form, change):
        """A superuser's edit is journaled by `journal.acts` (AUD-1); a CAF agent's, by `baj_contact_save`."""
        if request.user.is_superuser:
            return super().save_model(request, obj, form, change)
        caf = next(iter(cafs_in(request.user, self.area).filter(pk__in=obj.cafs.all())), None)
        if caf is None:
            raise PermissionDenied
        baj_contact_save(baj=obj, caf=caf, by=request.user, form=form, request=request)
        return None


@admin.register(PostalCodeRule)
class PostalCodeRuleAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ["prefix", "caf"]
    search_fields = ["prefix", "caf__number", "caf__name"]
    list_select_related = ["caf"]

    def journal_cafs(self, obj):
        return [obj.caf]


@admin.register(Departement)
class DepartementAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    search_fields = ["code", "name"]


@admin.register(CafRole)
class CafRoleAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    """ROLE-2, ROLE-3: which agent acts for which CAF (granted by a superuser)."""

    add_title = "Nouveau rôle d'agent de Caf"

    list_display = ["user", "caf", "kind"]
    list_filter = ["kind", ("caf", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__identifier", "user__last_name", "caf__number", "caf__name"]
    autocomplete_fields = ["caf"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False  # AUD-1: a role is given or taken back, each journaled; never edited into another

    def save_model(self, request, obj, form, change):
        role = caf_role_grant(user=obj.user, caf=obj.caf, kind=obj.kind, by=request.user, request=request)
        obj.pk = role.pk

    def delete_model(self, request, obj):
        caf_role_remove(role=obj, by=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for role in queryset.select_related("user", "caf"):
            caf_role_remove(role=role, by=request.user, request=request)


def _short(day):
    """BO-7: « 05/12/2026 » (« 5 décembre 2026 » takes twice the width of a list's column)."""
    return date_format(day, "SHORT_DATE_FORMAT") if day else ""


class ConventionHistoryInline(ReadOnlyHistoryInline):
    model = ConventionHistory


class ConventionStateFilter(admin.SimpleListFilter):
    """CONV-2: the state today, and the conventions whose deadline or notice limit comes within 60 days."""

    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [
            ("active", "En vigueur"),
            ("signature", "En attente de signature"),
            ("echeance", f"Échéance ou limite de préavis dans les {ALERT_DAYS} jours"),
            ("ended", "Terminées ou résiliées"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "active":
            return queryset.active_on(today)
        if self.value() == "signature":
            return queryset.awaiting_signature_on(today)
        if self.value() == "ended":
            return queryset.in_state_on(today, *CONVENTION_ENDED)
        if self.value() == "echeance":
            return queryset.due_within(today)
        return queryset


class TerminationForm(forms.Form):
    reason = forms.CharField(label="Motif du manquement (article 5)", widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Convention)
class ConventionAdmin(ObjectHeaderMixin, ObjectButtonsMixin, AreaAdminMixin, admin.ModelAdmin):
    add_title = "Nouvelle convention"
    # BO-7: the state first, short labels and dates: the list fits 1280 px beside its filters.
    list_display = [
        "state_badge",
        "number",
        "caf_short",
        "baj_short",
        "starts",
        "next_deadline_display",
        "notice_limit_display",
    ]
    list_display_links = ["number"]
    list_filter = [ConventionStateFilter, ("caf", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["number", "baj__city", "caf__name"]
    list_select_related = ["caf", "baj"]
    inlines = [ConventionHistoryInline]
    readonly_fields = ["ends_on", "end_kind", "end_notice_on", "end_reason"]
    fieldsets = [
        (None, {"fields": ["number", "caf", "baj", "profile"]}),
        (
            "Signatures",
            {
                "fields": [
                    "caf_signatory",
                    "caf_signed_on",
                    "partner_signatory",
                    "partner_signatory_capacity",
                    "partner_signed_on",
                ]
            },
        ),
        ("Durée", {"fields": ["starts_on", "first_period_ends_on"]}),
        ("Fin", {"fields": ["ends_on", "end_kind", "end_notice_on", "end_reason"]}),
    ]
    actions = ["print_convention", "print_cover_letter", "denounce", "terminate"]
    buttons = tuple(actions)
    destructive = ("denounce", "terminate")

    def named(self, obj):
        return f"la convention n° {obj.number}"

    def state_of(self, obj):
        return ConventionState(obj.state_on()).label

    def buttons_for(self, obj, request):
        """BO-3, CONV-2, CONV-4 (#24): the cover letter, which asks the BAJ to sign, only while awaiting the signature;
        « Dénoncer » and « Résilier » only once signed; a denounced one still running may yet be terminated for breach
        (« Résilier », article 5); a convention that has ended is only printed."""
        state = obj.state_on()
        if state == ConventionState.AWAITING_SIGNATURE:
            return ("print_convention", "print_cover_letter")
        if state == ConventionState.DENOUNCED:
            return ("print_convention", "terminate")
        if state in CONVENTION_ENDED:
            return ("print_convention",)
        return ("print_convention", "denounce", "terminate")

    def get_readonly_fields(self, request, obj=None):
        """CONV-4 (#24): once signed by both parties (or ended), the contract is read-only — its end goes through
        « Dénoncer » / « Résilier »; before, everything but the end is editable."""
        if obj is not None and obj.is_sealed_on():
            return list(Convention.CONTRACT_FIELDS)
        return self.readonly_fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """CONV-4 (#24): a sealed convention's page has nothing to save."""
        obj = self.get_object(request, object_id)
        if obj is not None and obj.is_sealed_on():
            extra_context = {
                "show_save": False,
                "show_save_and_continue": False,
                "show_save_and_add_another": False,
                **(extra_context or {}),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        convention_save(convention=obj, by=request.user, form=form, request=request)

    def get_queryset(self, request):
        """CONV-2 (#24): each row with its state today (`with_state`, the twin of `state_on`): a sortable column."""
        return super().get_queryset(request).with_state(timezone.localdate())

    @admin.display(description="état", ordering="state")
    def state(self, obj):
        return ConventionState(getattr(obj, "state", None) or obj.state_on()).label

    @admin.display(description="état", ordering="state")
    def state_badge(self, obj):
        return badge(self.state(obj))

    def get_list_display(self, request):
        """BO-7: the CAF's column only for those who see several CAFs."""
        cafs = caf_ids_in(request.user, self.area)
        if cafs is not EVERY_CAF and len(cafs) == 1:
            return [name for name in self.list_display if name != "caf_short"]
        return self.list_display

    @admin.display(description="Caf", ordering="caf")
    def caf_short(self, obj):
        return obj.caf.name

    @admin.display(description="juridiction", ordering="baj")
    def baj_short(self, obj):
        """BO-7: « BAJ Angoulême », the kind of juridiction under it."""
        return format_html('BAJ {}<span class="cell-note">{}</span>', obj.baj.city, obj.baj.get_juridiction_display())

    @admin.display(description="début", ordering="starts_on")
    def starts(self, obj):
        return _short(obj.starts_on)

    @admin.display(description="échéance")
    def next_deadline_display(self, obj):
        return obj.deadline_label(timezone.localdate())

    @admin.display(description="préavis avant le")
    def notice_limit_display(self, obj):
        """CONV-2 (#24): the limit still ahead, never a passed one."""
        return obj.notice_limit_label(timezone.localdate())

    def header(self, obj):
        """BO-7: which convention — CAF, BAJ, number — and its state, above the buttons and the form."""
        today = timezone.localdate()
        return Header(
            title=f"Convention {obj.number}",
            state=self.state(obj),
            facts=[
                ("Caf", obj.caf.name),
                ("Juridiction", obj.baj),
                ("Numéro", obj.number),
                ("En vigueur depuis le", _short(obj.starts_on)),
                ("Fin le", _short(obj.ends_on)),
                ("Prochaine échéance", obj.deadline_label(today)),
                ("Limite de préavis", obj.notice_limit_label(today)),
            ],
            history=True,
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        cafs = cafs_in(request.user, self.area)
        if db_field.name == "caf":
            kwargs["queryset"] = cafs
        if db_field.name == "baj":
            kwargs["queryset"] = Baj.objects.filter(cafs__in=cafs).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description="Imprimer la convention et son annexe (PDF)")
    def print_convention(self, request, queryset):
        convention = self._one(request, queryset, "Choisissez une seule convention à imprimer.")
        if convention is None:
            return None
        return self._pdf(
            request,
            convention_document(convention),
            f"convention-{convention.number.replace('/', '-')}.pdf",
            document="convention et son annexe",
            subject=f"convention {convention.number}",
            caf=convention.caf,
        )

    def _cover_letter_refused(self, request, convention):
        """BO-3, BO-5, CONV-4: why the cover letter, which asks the BAJ to sign, is not printed for `convention` —
        the page's rule (`buttons_for`: only while awaiting the signature), read for the list too; None when owed."""
        if "print_cover_letter" in self.buttons_for(convention, request):
            return None
        state = ConventionState(convention.state_on())
        said = (
            f"{state.label.lower()}, elle"
            if state in CONVENTION_ENDED
            else f"signée par les deux parties ({state.label.lower()}), elle"
        )
        return f"Convention n° {convention.number} : {said} n'attend plus de signature ; pas de lettre d'envoi."

    @admin.action(description="Imprimer la lettre d'envoi de la convention et des demandes d'accès (PDF)")
    def print_cover_letter(self, request, queryset):
        """BO-4: annex 3's letter to the juridiction. BO-3, BO-5, CONV-4: from the list, a convention no longer
        awaiting its signature is left out — no letter, no journal line — and named in a message; the rest printed."""
        owed = []
        for convention in queryset:
            refused = self._cover_letter_refused(request, convention)
            if refused:
                self.message_user(request, refused, messages.WARNING)
            else:
                owed.append(convention.pk)
        if not owed:
            return None
        convention = self._one(
            request, queryset.filter(pk__in=owed), "Choisissez une seule convention : la lettre est nominative."
        )
        if convention is None:
            return None
        return self._pdf(
            request,
            cover_letter_document(convention),
            f"lettre-envoi-{convention.number.replace('/', '-')}.pdf",
            document="lettre d'envoi",
            subject=f"convention {convention.number}",
            caf=convention.caf,
        )

    def _each(self, request, queryset, service, done, **kwargs):
        """BO-5: the service on each convention, each answered by a message naming it; one convention ends on its
        page, several on the list."""
        objects = list(queryset.select_related("baj", "caf"))
        for convention in objects:
            try:
                service(convention=convention, by=request.user, request=request, **kwargs)
            except ValidationError as error:
                self.message_user(request, f"Convention n° {convention.number} : {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, done(convention), messages.SUCCESS)
        return self.acted(request, objects)

    def _ask(self, request, queryset, form_class, action, title, consequence, **form_kwargs):
        return action_confirmation(
            request,
            self,
            queryset.select_related("baj", "caf"),
            form_class,
            action=action,
            title=title,
            consequence=consequence,
            **form_kwargs,
        )

    @admin.action(description="Dénoncer à la première échéance possible (préavis de 2 mois)")
    def denounce(self, request, queryset):
        """CONV-2, BO-6: asked first, with a reason."""
        today = timezone.localdate()
        data, page = self._ask(
            request,
            queryset,
            ReasonForm,
            "denounce",
            "Dénoncer la convention",
            lambda c: (
                f"Dénoncer la convention n° {c.number} avec le {c.baj} : elle prendra fin à l'échéance du "
                f"{c.earliest_denunciation_deadline(today):%d/%m/%Y} (préavis de deux mois) ; ses habilitations ne "
                "donneront plus accès ensuite."
            ),
            label="Motif de la dénonciation",
        )
        if page is not None:
            return page
        return self._each(
            request,
            queryset,
            convention_denounce,
            lambda c: f"Convention n° {c.number} dénoncée : fin d'accès le {c.ends_on:%d/%m/%Y}.",
            reason=data["reason"],
        )

    @admin.action(description="Résilier immédiatement pour manquement (article 5)")
    def terminate(self, request, queryset):
        """CONV-2, article 5, BO-6: asked first, with the breach."""
        data, page = self._ask(
            request,
            queryset,
            TerminationForm,
            "terminate",
            "Résilier pour manquement",
            lambda c: (
                f"Résilier la convention n° {c.number} avec le {c.baj} : dès aujourd'hui, ses habilitations ne "
                "donnent plus accès aux dossiers."
            ),
        )
        if page is not None:
            return page
        return self._each(
            request,
            queryset,
            convention_terminate,
            lambda c: f"Convention n° {c.number} résiliée : ses habilitations ne donnent plus accès.",
            reason=data["reason"],
        )


work_list_register(
    WorkItem(
        f"conventions dont l'échéance ou la limite de préavis tombe dans les {ALERT_DAYS} jours",
        Convention,
        {"etat": "echeance"},
    ),
    WorkItem("conventions en attente de signature", Convention, {"etat": "signature"}),
)
