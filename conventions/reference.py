"""REF-1 … REF-3: loading the reference data of annexes 1 and 2 (fixtures/reference.json).

The fixture is in Django's serialization format with explicit primary keys; it is loaded by a data
migration through the historical models, so a newcomer's `migrate` and every test database have it.
A correction of the reference data ships as a new data migration calling `load_reference` again.
"""

import json

from django.conf import settings
from django.core.management.color import no_style
from django.db import connections

REFERENCE_FIXTURE = settings.BASE_DIR / "fixtures" / "reference.json"


def load_reference(apps, schema_editor):
    """Upserts every object of the fixture by primary key, sets the many-to-many links, then resets the
    sequences (PostgreSQL) so that rows created later do not collide with the fixture's keys."""
    with open(REFERENCE_FIXTURE, encoding="utf-8") as handle:
        objects = json.load(handle)
    models = {}
    for obj in objects:
        model = models.setdefault(obj["model"], apps.get_model(obj["model"]))
        fields, many = {}, {}
        for name, value in obj["fields"].items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                many[name] = value
            elif field.is_relation:
                fields[field.attname] = value
            else:
                fields[name] = value
        instance, _ = model.objects.using(schema_editor.connection.alias).update_or_create(
            pk=obj["pk"], defaults=fields
        )
        for name, value in many.items():
            getattr(instance, name).set(value)
    connection = connections[schema_editor.connection.alias]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
            cursor.execute(sql)
