import re

from django import forms
from django.contrib.auth import forms as auth_forms

from habilitations.models import User, UserManager
from habilitations.validators import PARTNER_PASSWORD_LENGTH, STAFF_PASSWORD_MIN_LENGTH

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
    """AUTH-5: the new password must differ from the current one."""

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise forms.ValidationError("Le nouveau mot de passe doit être différent de l'actuel.", code="same")
        return password
