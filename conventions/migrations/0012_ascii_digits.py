"""ROB-2: digits are the ASCII digits 0-9 (`[0-9]`, not `\\d`, which matches any Unicode decimal digit); no database change."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0011_convention_profile_bounded_dates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caf",
            name="number",
            field=models.CharField(
                blank=True,
                max_length=3,
                null=True,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator("^[0-9]{3}$", "Le numéro de Caf comporte 3 chiffres.")
                ],
                verbose_name="numéro",
            ),
        ),
        migrations.AlterField(
            model_name="convention",
            name="number",
            field=models.CharField(
                max_length=11,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[0-9]{6}/[0-9]{4}$",
                        "Le numéro de convention s'écrit NNNNNN/AAAA (six chiffres, une barre, l'année).",
                    )
                ],
                verbose_name="numéro",
            ),
        ),
        migrations.AlterField(
            model_name="postalcoderule",
            name="prefix",
            field=models.CharField(
                db_index=True,
                max_length=5,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[0-9]{1,5}$", "Un préfixe de code postal comporte de 1 à 5 chiffres."
                    )
                ],
                verbose_name="préfixe",
            ),
        ),
    ]
