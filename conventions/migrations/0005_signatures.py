"""CONV-4: a convention gives access only once signed by both parties. The single signature date becomes the
CAF's; the partner's is new. A convention signed before this change is taken as signed by both on that date."""

from django.db import migrations, models


def both_signed(apps, schema_editor):
    Convention = apps.get_model("conventions", "Convention")
    Convention.objects.filter(caf_signed_on__isnull=False).update(partner_signed_on=models.F("caf_signed_on"))


class Migration(migrations.Migration):
    dependencies = [("conventions", "0004_cafrole_profile")]

    operations = [
        migrations.RenameField(model_name="convention", old_name="signed_on", new_name="caf_signed_on"),
        migrations.AlterField(
            model_name="convention",
            name="caf_signed_on",
            field=models.DateField(blank=True, null=True, verbose_name="signée par la Caf le"),
        ),
        migrations.AddField(
            model_name="convention",
            name="partner_signed_on",
            field=models.DateField(blank=True, null=True, verbose_name="signée par la juridiction le"),
        ),
        migrations.RunPython(both_signed, migrations.RunPython.noop),
    ]
