"""BO-4: the civility of a person, for the letters; the new event of a BAJ's address entered by its CAF.

SQLite rebuilds the user table to add a column, which its triggers of migration 0006 (they update that table)
would not survive: they are dropped before and created again after, on SQLite only."""

from importlib import import_module

from django.db import migrations, models

TRIGGERS = import_module("habilitations.migrations.0006_access_changed_triggers")


def _sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("habilitations", "0010_privileged_acts"),
    ]

    operations = [
        migrations.RunPython(_sqlite(TRIGGERS.SQLITE_DROP), _sqlite(TRIGGERS.SQLITE)),
        migrations.AddField(
            model_name="user",
            name="civility",
            field=models.CharField(
                blank=True,
                choices=[("madame", "Madame"), ("monsieur", "Monsieur")],
                max_length=8,
                verbose_name="civilité",
            ),
        ),
        migrations.RunPython(_sqlite(TRIGGERS.SQLITE), _sqlite(TRIGGERS.SQLITE_DROP)),
        migrations.AlterField(
            model_name="journalentry",
            name="event",
            field=models.CharField(
                choices=[
                    ("login_success", "Connexion réussie"),
                    ("login_failure", "Échec de connexion"),
                    ("lockout", "Blocage après trois échecs"),
                    ("locked_out_attempt", "Tentative sur un accès bloqué"),
                    ("logout", "Fermeture de la session"),
                    ("idle_timeout", "Session fermée après 10 minutes d'inactivité"),
                    ("absolute_timeout", "Session fermée (durée maximale atteinte)"),
                    ("password_change", "Changement du mot de passe"),
                    ("password_change_refused", "Changement du mot de passe refusé (mot de passe actuel erroné)"),
                    ("password_reset", "Réinitialisation du mot de passe par la Caf"),
                    ("unlock", "Déblocage de l'accès par la Caf"),
                    ("consultation", "Consultation d'une rubrique"),
                    ("consultation_refused", "Consultation refusée (dossier introuvable ou hors convention)"),
                    ("edition", "Édition imprimée"),
                    ("dialogue_sent", "Message envoyé à la Caf (Dialogue)"),
                    ("session_revoked", "Session fermée : habilitation suspendue ou retirée"),
                    ("journal_viewed", "Consultation du journal des accès"),
                    ("journal_exported", "Export du journal des accès"),
                    ("report_viewed", "Consultation du rapport d'irrégularités"),
                    ("surveillance_started", "Mise sous surveillance"),
                    ("surveillance_lifted", "Levée de la surveillance"),
                    ("journal_purged", "Purge du journal (durée de conservation)"),
                    ("habilitation_requested", "Habilitation demandée"),
                    ("habilitation_granted", "Habilitation accordée (lettre d'ouverture des droits)"),
                    ("habilitation_suspended", "Habilitation suspendue"),
                    ("habilitation_reactivated", "Habilitation réactivée"),
                    ("habilitation_revoked", "Habilitation retirée"),
                    ("habilitation_edited", "Habilitation modifiée"),
                    ("convention_created", "Convention créée"),
                    ("convention_edited", "Convention modifiée"),
                    ("convention_signed", "Convention signée par les deux parties"),
                    ("convention_denounced", "Convention dénoncée"),
                    ("convention_terminated", "Convention résiliée (manquement)"),
                    ("baj_contact_edited", "Coordonnées d'un bureau d'aide juridictionnelle modifiées"),
                    ("caf_role_granted", "Rôle d'agent de Caf donné"),
                    ("caf_role_removed", "Rôle d'agent de Caf retiré"),
                    ("account_created", "Compte créé"),
                    ("account_changed", "Compte modifié (identité, droits, activité)"),
                    ("dialogue_processed", "Message Dialogue traité"),
                ],
                max_length=24,
                verbose_name="événement",
            ),
        ),
    ]
