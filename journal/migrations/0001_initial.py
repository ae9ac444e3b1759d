"""The access journal moves from `habilitations` into its own app without touching its data: the models are
created here in Django's state only, on the tables they already have (`db_table`), whose triggers (habilitations
0003, 0008) name those tables and so keep working. The content types follow, and with them the permission
`view_national_journal` already given to users and groups."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["journalentry", "journalseal"]


def move_content_types(apps, schema_editor, source="habilitations", target="journal"):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(app_label=source, model__in=MOVED).update(
        app_label=target
    )


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="journal", target="habilitations")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("habilitations", "0012_partner_space"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("conventions", "0009_partner_space"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="JournalSeal",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveBigIntegerField(unique=True, verbose_name="numéro")),
                        ("sealed_at", models.DateTimeField(verbose_name="scellé le")),
                        ("count", models.PositiveIntegerField(verbose_name="lignes")),
                        ("first_line", models.BigIntegerField(verbose_name="première ligne")),
                        ("last_line", models.BigIntegerField(verbose_name="dernière ligne")),
                        ("root", models.CharField(max_length=64, verbose_name="racine de Merkle")),
                        ("previous", models.CharField(blank=True, max_length=64, verbose_name="sceau précédent")),
                        ("mac", models.CharField(max_length=64, verbose_name="sceau (HMAC)")),
                        ("purged_at", models.DateTimeField(blank=True, null=True, verbose_name="lignes purgées le")),
                    ],
                    options={
                        "verbose_name": "sceau du journal",
                        "verbose_name_plural": "sceaux du journal",
                        "db_table": "habilitations_journalseal",
                        "ordering": ["-number"],
                    },
                ),
                migrations.CreateModel(
                    name="JournalEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "occurred_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="date et heure (UTC)"
                            ),
                        ),
                        (
                            "event",
                            models.CharField(
                                choices=[
                                    ("login_success", "Connexion réussie"),
                                    ("login_failure", "Échec de connexion"),
                                    ("lockout", "Blocage après trois échecs"),
                                    ("locked_out_attempt", "Tentative sur un accès bloqué"),
                                    ("logout", "Fermeture de la session"),
                                    ("idle_timeout", "Session fermée après 10 minutes d'inactivité"),
                                    ("absolute_timeout", "Session fermée (durée maximale atteinte)"),
                                    ("password_change", "Changement du mot de passe"),
                                    (
                                        "password_change_refused",
                                        "Changement du mot de passe refusé (mot de passe actuel erroné)",
                                    ),
                                    ("password_reset", "Réinitialisation du mot de passe par la Caf"),
                                    ("unlock", "Déblocage de l'accès par la Caf"),
                                    ("consultation", "Consultation d'une rubrique"),
                                    (
                                        "consultation_refused",
                                        "Consultation refusée (dossier introuvable ou hors convention)",
                                    ),
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
                                    (
                                        "baj_contact_edited",
                                        "Coordonnées d'un bureau d'aide juridictionnelle modifiées",
                                    ),
                                    ("baj_manager_recorded", "Gestionnaire de juridiction enregistré"),
                                    ("habilitation_refused", "Demande d'habilitation refusée"),
                                    ("difficulty_reported", "Difficulté signalée au suivi national"),
                                    ("difficulty_answered", "Réponse du suivi national à une difficulté"),
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
                        (
                            "identifier_typed",
                            models.CharField(blank=True, max_length=32, verbose_name="identifiant saisi"),
                        ),
                        (
                            "source_ip",
                            models.GenericIPAddressField(blank=True, null=True, verbose_name="adresse source"),
                        ),
                        ("user_agent", models.CharField(blank=True, max_length=300, verbose_name="navigateur")),
                        ("detail", models.CharField(blank=True, max_length=1000, verbose_name="précision")),
                        (
                            "allocataire_number",
                            models.CharField(blank=True, max_length=16, verbose_name="numéro d'allocataire"),
                        ),
                        ("rubrique", models.CharField(blank=True, max_length=16, verbose_name="rubrique")),
                        ("period", models.CharField(blank=True, max_length=80, verbose_name="période")),
                        (
                            "legal_aid_file",
                            models.CharField(
                                blank=True, max_length=30, verbose_name="n° de dossier d'aide juridictionnelle"
                            ),
                        ),
                        (
                            "procedure",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("admission", "Demande d'aide juridictionnelle"),
                                    ("nouvelle_deliberation", "Nouvelle délibération"),
                                    ("retrait", "Retrait de l'aide"),
                                ],
                                max_length=24,
                                verbose_name="procédure",
                            ),
                        ),
                        (
                            "hash",
                            models.CharField(blank=True, editable=False, max_length=64, verbose_name="empreinte"),
                        ),
                        (
                            "caf",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="conventions.caf",
                                verbose_name="Caf",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="journal_entries",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="utilisateur",
                            ),
                        ),
                        (
                            "seal",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="lines",
                                to="journal.journalseal",
                                verbose_name="sceau",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ligne du journal des accès",
                        "verbose_name_plural": "journal des accès",
                        "db_table": "habilitations_journalentry",
                        "ordering": ["-pk"],
                        "permissions": [
                            (
                                "view_national_journal",
                                "Consulter les lignes du journal qui ne concernent aucune Caf (sécurité nationale)",
                            )
                        ],
                        "indexes": [
                            models.Index(fields=["identifier_typed", "occurred_at"], name="journal_identifier_time"),
                            models.Index(fields=["caf", "occurred_at"], name="journal_caf_time"),
                            models.Index(fields=["caf", "-id"], name="journal_caf_id"),
                            models.Index(fields=["user", "-id"], name="journal_user_id"),
                            models.Index(
                                condition=models.Q(("legal_aid_file", ""), _negated=True),
                                fields=["legal_aid_file", "-id"],
                                name="journal_legal_aid_file",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
