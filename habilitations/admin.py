from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from habilitations.forms import UserChangeForm, UserCreationForm
from habilitations.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """AUTH-10: one identifier per person. The full habilitation lifecycle is managed elsewhere (HAB-1)."""

    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["identifier"]
    list_display = ["identifier", "last_name", "first_name", "is_staff", "is_active", "last_login"]
    search_fields = ["identifier", "last_name", "first_name"]
    fieldsets = [
        (None, {"fields": ["identifier", "password"]}),
        ("Identité", {"fields": ["last_name", "first_name", "email"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["identifier", "password1", "password2"]})]
