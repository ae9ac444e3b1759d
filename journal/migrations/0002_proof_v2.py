"""JRN-8, JRN-9: seals of version 2 (chained by hash, no secret), the existing ones marked version 1 (chained by
HMAC, verified through their checkpoints); the checkpoints kept in the database for its trigger (journal/0003)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="JournalCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seal", models.PositiveBigIntegerField(verbose_name="sceau ancré")),
                ("seal_hash", models.CharField(max_length=64, verbose_name="empreinte du sceau")),
                ("lines", models.PositiveBigIntegerField(verbose_name="lignes scellées")),
                ("anchored_at", models.DateTimeField(db_index=True, verbose_name="ancré le")),
                ("signature", models.CharField(max_length=100, verbose_name="signature (Ed25519, base64)")),
            ],
            options={
                "verbose_name": "point d'ancrage du journal",
                "verbose_name_plural": "points d'ancrage du journal",
                "ordering": ["-anchored_at"],
            },
        ),
        migrations.AddField(
            model_name="journalseal",
            name="hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="empreinte du sceau"),
        ),
        migrations.AddField(  # the seals made so far are version 1
            model_name="journalseal",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="version"),
        ),
        migrations.AlterField(
            model_name="journalseal",
            name="version",
            field=models.PositiveSmallIntegerField(default=2, verbose_name="version"),
        ),
        migrations.AlterField(
            model_name="journalseal",
            name="mac",
            field=models.CharField(blank=True, max_length=64, verbose_name="sceau (HMAC, version 1)"),
        ),
    ]
