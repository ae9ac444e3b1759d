"""#18 §4: the CAF of Le Havre is « Caf du Havre », as French says it (the reference fixture said « de Le »)."""

from django.db import migrations


def rename(apps, schema_editor):
    apps.get_model("conventions", "Caf").objects.filter(name="Caf de Le Havre").update(name="Caf du Havre")


def restore(apps, schema_editor):
    apps.get_model("conventions", "Caf").objects.filter(name="Caf du Havre").update(name="Caf de Le Havre")


class Migration(migrations.Migration):
    dependencies = [("conventions", "0006_t12_annex")]

    operations = [migrations.RunPython(rename, restore)]
