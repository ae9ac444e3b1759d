"""The access journal's models leave `habilitations` for the `journal` app (journal/0001): removed from Django's
state only — their tables, data and triggers stay, now owned by `journal`."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("habilitations", "0012_partner_space"),
        ("journal", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="journalentry", name="caf"),
                migrations.RemoveField(model_name="journalentry", name="seal"),
                migrations.RemoveField(model_name="journalentry", name="user"),
                migrations.DeleteModel(name="JournalSeal"),
                migrations.DeleteModel(name="JournalEntry"),
            ],
            database_operations=[],
        )
    ]
