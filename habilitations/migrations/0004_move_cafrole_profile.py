"""The CAF roles and the profiles move to `conventions` (see `conventions.0004`): their tables are renamed,
rows and keys kept; the habilitation's profile now points at `conventions.Profile`."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("habilitations", "0003_journal_append_only_trigger"),
        ("conventions", "0004_cafrole_profile"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="cafrole", table="conventions_cafrole"),
                migrations.AlterModelTable(name="profile", table="conventions_profile"),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="habilitation",
                    name="profile",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="habilitations",
                        to="conventions.profile",
                        verbose_name="profil",
                    ),
                ),
                migrations.DeleteModel(name="CafRole"),
                migrations.DeleteModel(name="Profile"),
            ],
        ),
    ]
