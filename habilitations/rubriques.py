"""CONS-6: the catalogue of rubriques and of the fields inside them. A profile (a row of `Profile`) opens a
subset of it; what a profile does not open is not shown (deny by default). The profile T12 opens exactly
the categories of annex 3 of the circular."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rubrique:
    code: str
    label: str
    fields: dict  # field code -> label


# The header of every rubrique (CONS-7) is a rubrique of its own: a profile opens it like the others.
ENTETE = "entete"

CATALOGUE = {
    rubrique.code: rubrique
    for rubrique in [
        Rubrique(
            ENTETE,
            "En-tête",
            {
                "numero": "Numéro d'allocataire",
                "noms": "Nom et prénom de Monsieur et Madame",
                "responsable": "Responsable du dossier",
            },
        ),
        Rubrique(
            "paiements",
            "Paiements",
            {
                "periode": "Période concernée",
                "traitement": "Date de traitement ou d'émission du paiement, rappels compris",
                "montant": "Montant payé, sans déduction des indus",
            },
        ),
        Rubrique(
            "dossier",
            "Dossier",
            {
                "situation": "Situation du dossier et motif de radiation",
                "suspension": "Suspension du dossier et date de début",
                "enfants_pf": "Nombre d'enfants à charge au sens des prestations familiales",
                "personnes_logement": "Nombre de personnes à charge au sens du logement",
                "nationalite": "Nationalité",
                "titre_sejour": "Date de fin de validité du titre de séjour",
            },
        ),
        Rubrique(
            "famille",
            "Famille",
            {
                "situation_famille": "Situation de famille et date de début",
                "naissance": "Date de naissance de Monsieur et Madame",
                "activite": "Activité et date de début",
                "nom_naissance": "Nom de naissance de Madame",
                "nir": "NIR",
                "deces": "Date de décès",
                "grossesse": "Date de début de grossesse et date modifiée",
                "enfants": "Enfants à charge au sens des PF, du logement et/ou du RMI",
                "autres_personnes": "Autres personnes à charge",
            },
        ),
        Rubrique(
            "rmi",
            "RMI",
            {
                "situation": "Situation du dossier, date et motif si radié",
                "demandeur": "Demandeur RMI",
                "personnes_rmi": "Nombre de personnes à charge au sens du RMI",
                "demande": "Date de la demande",
                "droit": "Dates de début et de fin du droit",
                "motif_fin": "Motif de fin de droit",
            },
        ),
        Rubrique(
            "ressources",
            "Ressources",
            {
                "annee": "Ressources annuelles des trois dernières années connues",
                "type_personne": "Type de personne",
                "nature": "Nature des ressources et montants",
            },
        ),
        Rubrique(
            "adresse", "Adresse", {"adresse": "Adresse postale du dossier", "code_insee": "Code INSEE de la commune"}
        ),
    ]
}

# The tabs, in the manual's order.
TABS = ["paiements", "dossier", "famille", "rmi", "ressources", "adresse"]


def full_grants():
    """Every field of every rubrique: the profile T12 (annex 3)."""
    return {code: sorted(rubrique.fields) for code, rubrique in CATALOGUE.items()}
