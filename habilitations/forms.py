from django.contrib.auth import forms as auth_forms

from habilitations.models import User, UserManager


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
