"""CONS-6 (corrected): the profile T12 opens exactly the convention's annex "PROFIL T12 — Catégories
d'informations accessibles par les greffiers" — not the NIR, the date of death, the pregnancy dates nor the INSEE
code, which the generic CAFPRO manual shows but the contractual annex does not list (art. 2: data "limitativement
nécessaires"). Written out here, not computed: a field declared later is not opened to T12 unless a migration
says so."""

from django.db import migrations

T12_ANNEX = {
    "entete": ["noms", "numero", "responsable"],
    "paiements": ["montant", "periode", "traitement"],
    "dossier": ["enfants_pf", "nationalite", "personnes_logement", "situation", "suspension", "titre_sejour"],
    "famille": [
        "activite",
        "autres_personnes",
        "enfants",
        "naissance",
        "nom_naissance",
        "situation_famille",
    ],
    "rmi": ["demande", "demandeur", "droit", "motif_fin", "personnes_rmi", "situation"],
    "ressources": ["annee", "nature", "type_personne"],
    "adresse": ["adresse"],
}
T12_LABEL = "Greffiers des bureaux d'aide juridictionnelle pour les dossiers d'attribution de cette aide"


def annex_only(apps, schema_editor):
    Profile = apps.get_model("conventions", "Profile")
    Profile.objects.update_or_create(code="T12", defaults={"label": T12_LABEL, "grants": T12_ANNEX})


class Migration(migrations.Migration):
    dependencies = [("conventions", "0005_signatures"), ("habilitations", "0004_move_cafrole_profile")]

    operations = [migrations.RunPython(annex_only, migrations.RunPython.noop)]
