"""ROB-2: digits are the ASCII digits 0-9 (`[0-9]`, not `\\d`, which matches any Unicode decimal digit); no database change."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("allocataires", "0004_person_ordering"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dependant",
            name="nir",
            field=models.CharField(
                blank=True,
                max_length=15,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[12][0-9]{4}([0-9]{2}|2A|2B)[0-9]{8}$", "Le NIR comporte 15 caractères (clé comprise)."
                    )
                ],
                verbose_name="NIR",
            ),
        ),
        migrations.AlterField(
            model_name="dossier",
            name="insee_code",
            field=models.CharField(
                max_length=5,
                validators=[
                    django.core.validators.RegexValidator(
                        "^([0-9]{5}|2A[0-9]{3}|2B[0-9]{3})$", "Le code INSEE de commune comporte 5 caractères."
                    )
                ],
                verbose_name="code INSEE de la commune",
            ),
        ),
        migrations.AlterField(
            model_name="dossier",
            name="number",
            field=models.CharField(
                max_length=7,
                validators=[
                    django.core.validators.RegexValidator("^[0-9]{7}$", "Le numéro d'allocataire comporte 7 chiffres.")
                ],
                verbose_name="numéro d'allocataire",
            ),
        ),
        migrations.AlterField(
            model_name="dossier",
            name="postal_code",
            field=models.CharField(
                max_length=5,
                validators=[
                    django.core.validators.RegexValidator("^[0-9]{5}$", "Le code postal comporte 5 chiffres.")
                ],
                verbose_name="code postal",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="nir",
            field=models.CharField(
                max_length=15,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[12][0-9]{4}([0-9]{2}|2A|2B)[0-9]{8}$", "Le NIR comporte 15 caractères (clé comprise)."
                    )
                ],
                verbose_name="NIR",
            ),
        ),
    ]
