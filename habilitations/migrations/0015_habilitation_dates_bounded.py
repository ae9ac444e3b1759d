"""ROB-2: the dates of a habilitation lie in 1900-2099 (model validators and a database check). SQLite rebuilds the
habilitation table, whose access triggers (migration 0006) are dropped before and created again after."""

import datetime
from importlib import import_module

import django.core.validators
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
        ("conventions", "0011_convention_profile_bounded_dates"),
        ("habilitations", "0014_pending_confirmation"),
    ]

    operations = [
        migrations.RunPython(_sqlite(TRIGGERS.SQLITE_DROP), _sqlite(TRIGGERS.SQLITE)),
        migrations.AlterField(
            model_name="habilitation",
            name="ends_on",
            field=models.DateField(
                blank=True,
                help_text="Premier jour sans accès (demande de suppression, retrait).",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "Saisissez une date postérieure au 01/01/1900."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2099, 12, 31), "Saisissez une date antérieure au 31/12/2099."
                    ),
                ],
                verbose_name="fin de l'accès le",
            ),
        ),
        migrations.AlterField(
            model_name="habilitation",
            name="granted_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "Saisissez une date postérieure au 01/01/1900."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2099, 12, 31), "Saisissez une date antérieure au 31/12/2099."
                    ),
                ],
                verbose_name="accordée le",
            ),
        ),
        migrations.AddConstraint(
            model_name="habilitation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("granted_on__isnull", True),
                        ("granted_on__range", (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))),
                        _connector="OR",
                    ),
                    models.Q(
                        ("ends_on__isnull", True),
                        ("ends_on__range", (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))),
                        _connector="OR",
                    ),
                ),
                name="habilitation_dates_bounded",
                violation_error_message="Une date est hors de la plage 1900-2099.",
            ),
        ),
        migrations.RunPython(_sqlite(TRIGGERS.SQLITE), _sqlite(TRIGGERS.SQLITE_DROP)),
    ]
