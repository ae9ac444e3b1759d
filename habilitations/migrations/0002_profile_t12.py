"""CONS-6: the profile T12 of annex 3, as data. Its grants are written out here, not computed from the
catalogue: a field added to the catalogue later is not opened to T12 unless a migration says so."""

from django.db import migrations

T12_GRANTS = {
    "adresse": ["adresse", "code_insee"],
    "dossier": ["enfants_pf", "nationalite", "personnes_logement", "situation", "suspension", "titre_sejour"],
    "entete": ["noms", "numero", "responsable"],
    "famille": [
        "activite",
        "autres_personnes",
        "deces",
        "enfants",
        "grossesse",
        "naissance",
        "nir",
        "nom_naissance",
        "situation_famille",
    ],
    "paiements": ["montant", "periode", "traitement"],
    "ressources": ["annee", "nature", "type_personne"],
    "rmi": ["demande", "demandeur", "droit", "motif_fin", "personnes_rmi", "situation"],
}


def create_t12(apps, schema_editor):
    Profile = apps.get_model("habilitations", "Profile")
    Profile.objects.update_or_create(
        code="T12",
        defaults={
            "label": "Greffiers des bureaux d'aide juridictionnelle pour les dossiers d'attribution de cette aide",
            "grants": T12_GRANTS,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("habilitations", "0001_initial")]

    operations = [migrations.RunPython(create_t12, migrations.RunPython.noop)]
