"""The CAF roles and the profiles move from `habilitations` to `conventions` (the CAF's roles belong with the
CAF; a profile is a term of the convention). State only here: `habilitations.0004` renames the tables."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0003_reference_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Profile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=8, unique=True, verbose_name="code")),
                        ("label", models.CharField(max_length=200, verbose_name="libellé")),
                        ("grants", models.JSONField(default=dict, verbose_name="rubriques et champs ouverts")),
                    ],
                    options={"verbose_name": "profil", "ordering": ["code"]},
                ),
                migrations.CreateModel(
                    name="CafRole",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("administrator", "Administrateur Caf"),
                                    ("security_officer", "Responsable sécurité"),
                                ],
                                max_length=20,
                                verbose_name="rôle",
                            ),
                        ),
                        (
                            "caf",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="staff_roles",
                                to="conventions.caf",
                                verbose_name="Caf",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="caf_roles",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="agent",
                            ),
                        ),
                    ],
                    options={"verbose_name": "rôle d'agent de Caf", "verbose_name_plural": "rôles d'agents de Caf"},
                ),
                migrations.AddConstraint(
                    model_name="cafrole",
                    constraint=models.UniqueConstraint(fields=("user", "caf", "kind"), name="caf_role_unique"),
                ),
            ],
            database_operations=[],
        ),
    ]
