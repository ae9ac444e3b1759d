"""The NIR (numéro d'inscription au répertoire): its shape and its key, in one place for the model, the import
and the demo generator."""

from django.core.validators import RegexValidator

# Sex, year, month, département of birth (2A/2B for Corsica) or 99 for abroad, commune or country, order, key.
NIR_PATTERN = r"[12][0-9]{4}([0-9]{2}|2A|2B)[0-9]{8}"

nir_validator = RegexValidator(rf"^{NIR_PATTERN}$", "Le NIR comporte 15 caractères (clé comprise).")


def nir_key(body):
    """The two-digit key of a 13-character NIR body (Corsica: 2A → 19, 2B → 18)."""
    numeric = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{97 - numeric % 97:02d}"
