from django.db import models


class DossierSituation(models.TextChoices):
    """CONS-9, CONS-11: situation of a dossier."""

    AFFILIE = "affilie", "Affiliation"
    RADIE = "radie", "Radiation"
    MUTE = "mute", "Mutation en cours"


class PersonRole(models.TextChoices):
    """CONS-7: the two adults of a dossier, as the manual names them."""

    MONSIEUR = "monsieur", "Monsieur"
    MADAME = "madame", "Madame"


class FamilySituation(models.TextChoices):
    """CONS-10: situation de famille."""

    CELIBATAIRE = "celibataire", "Célibataire"
    MARIAGE = "mariage", "Mariage"
    VIE_MARITALE = "vie_maritale", "Vie maritale"
    PACS = "pacs", "Pacte civil de solidarité"
    SEPARATION = "separation", "Séparation de fait"
    DIVORCE = "divorce", "Divorce"
    VEUVAGE = "veuvage", "Veuvage"

    @classmethod
    def couples(cls):
        return {cls.MARIAGE, cls.VIE_MARITALE, cls.PACS}


class Nationality(models.TextChoices):
    """CONS-9: nationality as the profile T12 shows it."""

    FRANCAISE = "francaise", "Française"
    EEE = "eee", "Espace économique européen"
    ETRANGERE = "etrangere", "Étrangère"


class DependantKind(models.TextChoices):
    """CONS-10: children, and other dependent persons."""

    ENFANT = "enfant", "Enfant"
    AUTRE = "autre", "Autre personne à charge"


class Benefit(models.TextChoices):
    """CONS-8: the benefits of the Paiements rubrique."""

    AAH = "aah", "Allocation aux adultes handicapés"
    COMPLEMENT_AAH = "complement_aah", "Complément de ressources AAH"
    MVA = "mva", "Majoration pour la vie autonome"


class ResourcePersonType(models.TextChoices):
    """CONS-12: whose resources."""

    MONSIEUR = "monsieur", "Monsieur"
    MADAME = "madame", "Madame"
    ENFANT = "enfant", "Enfant"
    AUTRE = "autre", "Autre personne"


class PaymentPeriodMode(models.TextChoices):
    """CONS-8: the three periods the Paiements rubrique offers, relative to the legal-aid request."""

    ANNEE_CIVILE = "annee_civile", "L'année civile qui précède la demande"
    DOUZE_MOIS = "douze_mois", "Les 12 mois qui précèdent la demande"
    ANNEE_EN_COURS = "annee_en_cours", "Les mois de l'année en cours qui précèdent la demande"


class DialogueStatus(models.TextChoices):
    """DIA-3: where the CAF stands with a message."""

    NEW = "new", "Nouveau"
    IN_PROGRESS = "in_progress", "En cours"
    ANSWERED = "answered", "Répondu"
