from django.db import migrations

from conventions.reference import load_reference


class Migration(migrations.Migration):
    dependencies = [("conventions", "0002_initial")]

    operations = [migrations.RunPython(load_reference, migrations.RunPython.noop)]
