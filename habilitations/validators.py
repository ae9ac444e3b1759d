"""AUTH-1, AUTH-5: password policies. Partner accounts (profile T12) have the 6-character password the
CAFPRO manual prescribes; CAF staff and security officers, who hold wider rights, a longer one. No password
resembles its account's identifier."""

from difflib import SequenceMatcher

from django.core.exceptions import ValidationError

PARTNER_PASSWORD_LENGTH = 6
STAFF_PASSWORD_MIN_LENGTH = 12
# AUTH-5: the length of a password the system generates for an account (`services.password_generate`).
STAFF_PASSWORD_GENERATED_LENGTH = 16


def is_staff_account(user):
    return bool(user is not None and (user.is_staff or user.is_superuser))


def generated_length(user):
    """AUTH-5: a generated password has the partner length, or more than the staff minimum for staff."""
    return STAFF_PASSWORD_GENERATED_LENGTH if is_staff_account(user) else PARTNER_PASSWORD_LENGTH


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


class IdentifierPasswordValidator:
    """AUTH-5: a password does not resemble the account's identifier (« t10011 » for T1001161): refused when it
    shares 4 consecutive characters with it, or is as similar to it as Django's similarity rule measures. Django's
    `UserAttributeSimilarityValidator` looks for a `username` attribute, which our users do not have."""

    RUN = 4
    MAX_SIMILARITY = 0.7

    def validate(self, password, user=None):
        identifier = (getattr(user, "identifier", "") or "").casefold()
        if not identifier or not password:
            return
        typed = password.casefold()
        runs = {identifier[i : i + self.RUN] for i in range(len(identifier) - self.RUN + 1)}
        shared = any(typed[i : i + self.RUN] in runs for i in range(len(typed) - self.RUN + 1))
        if shared or SequenceMatcher(a=typed, b=identifier).ratio() >= self.MAX_SIMILARITY:
            raise ValidationError("Le mot de passe ressemble trop à l'identifiant.", code="password_like_identifier")

    def get_help_text(self):
        return "Le mot de passe ne reprend pas l'identifiant."
