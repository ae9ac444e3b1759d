import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils import timezone

from conventions.models import Baj, Convention
from core.forms import DateField
from habilitations.enums import Civility, GreffeFunction
from habilitations.models import User, UserManager
from habilitations.validators import (
    PARTNER_PASSWORD_LENGTH,
    STAFF_PASSWORD_MIN_LENGTH,
    PartnerPasswordValidator,
    StaffPasswordValidator,
    is_staff_account,
)

IDENTIFIER_FORMAT = re.compile(r"^[A-Z0-9]{8}$")


class IdentifierFieldMixin:
    def clean_identifier(self):
        """AUTH-1: identifiers are compared and stored in upper case."""
        return UserManager.normalize_identifier(self.cleaned_data.get("identifier"))


class UserCreationForm(IdentifierFieldMixin, auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["identifier"]


class UserChangeForm(IdentifierFieldMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class LoginForm(forms.Form):
    """AUTH-1: the login screen. Only the format is checked here; the service checks the account."""

    identifier = forms.CharField(
        label="Identifiant",
        max_length=64,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": "Saisissez votre identifiant."},
    )
    password = forms.CharField(
        label="Mot de passe",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Saisissez votre mot de passe."},
    )

    def clean_identifier(self):
        identifier = UserManager.normalize_identifier(self.cleaned_data["identifier"])
        if not IDENTIFIER_FORMAT.match(identifier):
            raise forms.ValidationError(
                "L'identifiant comporte exactement 8 caractères alphanumériques (lettres et chiffres).",
                code="identifier_format",
            )
        return identifier

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Partners have 6 characters, CAF staff at least 12: any other length cannot be right.
        if len(password) != PARTNER_PASSWORD_LENGTH and len(password) < STAFF_PASSWORD_MIN_LENGTH:
            raise forms.ValidationError("Le mot de passe comporte 6 caractères.", code="password_format")
        return password


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """AUTH-5: the new password must differ from the current one — compared with the current password typed, once
    that one is right: no second password check, and no way to test a guess through the new password (AUD-3).
    BO-9: its rules are shown before typing, and a rule broken is said on the new password's field, a mismatch on
    the confirmation's."""

    def rules(self):
        """The rules of the password validators that apply to this user (partner or CAF agent)."""
        rules = []
        for validator in password_validation.get_default_password_validators():
            if isinstance(
                validator, PartnerPasswordValidator if is_staff_account(self.user) else StaffPasswordValidator
            ):
                continue  # the other kind of account's length
            rules.append(validator.get_help_text())
        return [*rules, "Il doit être différent du mot de passe actuel."]

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        data = self.cleaned_data
        if data.get("old_password") and data.get("new_password1") == data["old_password"]:
            self.add_error(
                "new_password1",
                forms.ValidationError("Le nouveau mot de passe doit être différent de l'actuel.", code="same"),
            )
        return data


class PartnerAccessRequestForm(forms.Form):
    """JUR-2: the fields of the demande d'accès (annex 3), online; the conventions in force of the gestionnaire's
    BAJs, one per CAF."""

    convention = forms.ModelChoiceField(
        label="Caf dont les dossiers seront consultés",
        queryset=Convention.objects.none(),
        empty_label=None,
        error_messages={"required": "Choisissez la Caf.", "invalid_choice": "Choisissez la Caf."},
    )
    function = forms.ChoiceField(
        label="Fonction",
        choices=[("", "Choisissez"), *GreffeFunction.choices],  # #24: no default, a choice the gestionnaire makes
        error_messages={"required": "Choisissez la fonction.", "invalid_choice": "Choisissez la fonction."},
    )
    civility = forms.ChoiceField(
        label="Civilité",
        choices=[("", "Choisissez"), *Civility.choices],
        error_messages={"required": "Choisissez la civilité.", "invalid_choice": "Choisissez la civilité."},
    )
    last_name = forms.CharField(label="Nom", max_length=60, error_messages={"required": "Saisissez le nom."})
    first_name = forms.CharField(label="Prénom", max_length=60, error_messages={"required": "Saisissez le prénom."})
    email = forms.EmailField(
        label="Adresse électronique professionnelle",
        max_length=254,
        error_messages={
            "required": "Saisissez l'adresse électronique professionnelle.",
            "invalid": "Saisissez une adresse électronique valide, par exemple prenom.nom@justice.fr.",
        },
    )

    def __init__(self, *args, conventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convention"].queryset = conventions
        self.fields["convention"].label_from_instance = lambda c: f"{c.caf.name} — convention n° {c.number}"


class PartnerRemovalForm(forms.Form):
    """JUR-2, HAB-5: the first day without access, today at the earliest; when an end is already set (`latest`),
    that day at the latest — the page reflects the rule `habilitation_revoke` enforces."""

    ends_on = DateField(
        label="Fin de l'accès le (premier jour sans accès)",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Saisissez la date de fin de l'accès.", "invalid": "Saisissez une date valide."},
    )

    def __init__(self, *args, latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["ends_on"].widget
        widget.attrs["min"] = timezone.localdate().isoformat()
        if latest is not None:
            widget.attrs["max"] = latest.isoformat()
            self.fields[
                "ends_on"
            ].help_text = f"Fin déjà fixée au {latest:%d/%m/%Y} : elle peut être avancée, jamais reportée."

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < timezone.localdate():
            raise forms.ValidationError("La date de fin de l'accès ne peut pas être passée.")
        return ends_on


class DifficultyForm(forms.Form):
    """JUR-3: the difficulty, and the BAJ it concerns when the gestionnaire manages several (`bajs`)."""

    baj = forms.ModelChoiceField(
        label="Juridiction concernée",
        queryset=Baj.objects.none(),
        error_messages={"required": "Choisissez la juridiction.", "invalid_choice": "Choisissez la juridiction."},
    )
    subject = forms.CharField(label="Objet", max_length=120, error_messages={"required": "Saisissez l'objet."})
    body = forms.CharField(
        label="Description de la difficulté",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Décrivez la difficulté."},
    )

    def __init__(self, *args, bajs, **kwargs):
        super().__init__(*args, **kwargs)
        self.only_baj = bajs[0] if len(bajs) == 1 else None
        if self.only_baj is None:
            self.fields["baj"].queryset = Baj.objects.filter(pk__in=[baj.pk for baj in bajs])
        else:
            del self.fields["baj"]

    def chosen_baj(self):
        return self.cleaned_data.get("baj") or self.only_baj


class SecondFactorForm(forms.Form):
    """AUTH-11: the code of the authenticator app (6 digits) or a recovery code; checked by the service."""

    token = forms.CharField(
        label="Code à usage unique",
        max_length=32,
        strip=True,
        error_messages={"required": "Saisissez le code affiché par votre application, ou un code de secours."},
    )


class SecondFactorResetForm(forms.Form):
    """AUTH-11: whose lost second factor to reset, and why (a destructive act asks a reason first)."""

    identifier = forms.CharField(
        label="Identifiant de la personne",
        max_length=64,
        strip=True,
        error_messages={"required": "Saisissez l'identifiant de la personne."},
    )
    reason = forms.CharField(
        label="Motif",
        max_length=200,
        strip=True,
        help_text="Par exemple : téléphone perdu, codes de secours épuisés. Le motif est noté au journal.",
        error_messages={"required": "Indiquez le motif de la réinitialisation."},
    )

    caf = forms.ModelChoiceField(
        label="Pour la Caf",
        queryset=None,
        error_messages={"required": "Choisissez la Caf.", "invalid_choice": "Choisissez la Caf."},
    )

    def __init__(self, *args, cafs, **kwargs):
        """`cafs`: the CAFs the agent administers (#24: an agent of several chooses the one they act for; none:
        a national act)."""
        super().__init__(*args, **kwargs)
        self.cafs = cafs
        if len(cafs) > 1:
            self.fields["caf"].queryset = cafs
            self.order_fields(["caf"])
        else:
            del self.fields["caf"]

    def chosen_caf(self):
        """The CAF the agent acts for: the one chosen, their only one, or None (a national act)."""
        if "caf" in self.fields:
            return self.cleaned_data["caf"]
        return self.cafs[0] if len(self.cafs) else None

    def clean_identifier(self):
        return UserManager.normalize_identifier(self.cleaned_data["identifier"])
