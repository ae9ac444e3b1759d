"""AUTH-1, AUTH-5: password policies. Partner accounts (profile T12) have the 6-character password the
CAFPRO manual prescribes; CAF staff and security officers, who hold wider rights, a longer one."""

from django.core.exceptions import ValidationError

PARTNER_PASSWORD_LENGTH = 6
STAFF_PASSWORD_MIN_LENGTH = 12


def is_staff_account(user):
    return bool(user is not None and (user.is_staff or user.is_superuser))


class PartnerPasswordValidator:
    """AUTH-1: a partner's password has exactly 6 characters."""

    def validate(self, password, user=None):
        if not is_staff_account(user) and len(password) != PARTNER_PASSWORD_LENGTH:
            raise ValidationError(
                "Le mot de passe comporte exactement %(length)d caractères.",
                code="partner_password_length",
                params={"length": PARTNER_PASSWORD_LENGTH},
            )

    def get_help_text(self):
        return f"Comptes des partenaires : exactement {PARTNER_PASSWORD_LENGTH} caractères."


class StaffPasswordValidator:
    """CAF staff and security officers: at least 12 characters."""

    def validate(self, password, user=None):
        if is_staff_account(user) and len(password) < STAFF_PASSWORD_MIN_LENGTH:
            raise ValidationError(
                "Le mot de passe d'un agent de la Caf comporte au moins %(length)d caractères.",
                code="staff_password_too_short",
                params={"length": STAFF_PASSWORD_MIN_LENGTH},
            )

    def get_help_text(self):
        return f"Agents de la Caf : au moins {STAFF_PASSWORD_MIN_LENGTH} caractères."
