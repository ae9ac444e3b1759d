"""ROB-2: a convention's profile is a choice among the profiles (a foreign key, was free text that broke the
habilitation requests), and every date of a convention or a gestionnaire's designation lies in 1900-2099 (model
validators and a database check). A code that names no profile becomes T12, the circular's only profile.

SQLite rebuilds the convention table for these changes, which the access triggers of
`habilitations/0006_access_changed_triggers` would not survive: they are dropped before and created again after,
on SQLite only (as `habilitations/0011_user_civility` does)."""

import datetime
from importlib import import_module

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import conventions.models

TRIGGERS = import_module("habilitations.migrations.0006_access_changed_triggers")


def _sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


def profile_from_code(apps, schema_editor):
    Convention, Profile = apps.get_model("conventions", "Convention"), apps.get_model("conventions", "Profile")
    t12 = Profile.objects.filter(code="T12").first()
    for convention in Convention.objects.all():
        profile = Profile.objects.filter(code=convention.profile_code).first() or t12
        Convention.objects.filter(pk=convention.pk).update(profile=profile)


def code_from_profile(apps, schema_editor):
    Convention = apps.get_model("conventions", "Convention")
    for convention in Convention.objects.select_related("profile"):
        Convention.objects.filter(pk=convention.pk).update(profile_code=convention.profile.code)


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0010_baj_manager_recording_caf"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("habilitations", "0006_access_changed_triggers"),
    ]

    operations = [
        migrations.RunPython(_sqlite(TRIGGERS.SQLITE_DROP), _sqlite(TRIGGERS.SQLITE)),
        migrations.AddField(
            model_name="convention",
            name="profile",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conventions",
                to="conventions.profile",
                verbose_name="profil",
            ),
        ),
        migrations.RunPython(profile_from_code, code_from_profile),
        migrations.RemoveField(
            model_name="convention",
            name="profile_code",
        ),
        migrations.AlterField(
            model_name="convention",
            name="profile",
            field=models.ForeignKey(
                default=conventions.models.default_profile,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conventions",
                to="conventions.profile",
                verbose_name="profil",
            ),
        ),
        migrations.AlterField(
            model_name="bajmanager",
            name="designated_on",
            field=models.DateField(
                help_text="Date de la désignation par le président.",
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "Saisissez une date postérieure au 01/01/1900."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2099, 12, 31), "Saisissez une date antérieure au 31/12/2099."
                    ),
                ],
                verbose_name="désigné le",
            ),
        ),
        migrations.AlterField(
            model_name="convention",
            name="caf_signed_on",
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
                verbose_name="signée par la Caf le",
            ),
        ),
        migrations.AlterField(
            model_name="convention",
            name="end_notice_on",
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
                verbose_name="dénonciation notifiée le",
            ),
        ),
        migrations.AlterField(
            model_name="convention",
            name="ends_on",
            field=models.DateField(
                blank=True,
                help_text="Premier jour sans accès.",
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
            model_name="convention",
            name="first_period_ends_on",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "Saisissez une date postérieure au 01/01/1900."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2099, 12, 31), "Saisissez une date antérieure au 31/12/2099."
                    ),
                ],
                verbose_name="fin de la première période",
            ),
        ),
        migrations.AlterField(
            model_name="convention",
            name="partner_signed_on",
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
                verbose_name="signée par la juridiction le",
            ),
        ),
        migrations.AlterField(
            model_name="convention",
            name="starts_on",
            field=models.DateField(
                validators=[
                    django.core.validators.MinValueValidator(
                        datetime.date(1900, 1, 1), "Saisissez une date postérieure au 01/01/1900."
                    ),
                    django.core.validators.MaxValueValidator(
                        datetime.date(2099, 12, 31), "Saisissez une date antérieure au 31/12/2099."
                    ),
                ],
                verbose_name="prend effet le",
            ),
        ),
        migrations.AddConstraint(
            model_name="bajmanager",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("designated_on__isnull", True),
                    ("designated_on__range", (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))),
                    _connector="OR",
                ),
                name="baj_manager_designated_on_bounded",
                violation_error_message="Une date est hors de la plage 1900-2099.",
            ),
        ),
        migrations.AddConstraint(
            model_name="convention",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("caf_signed_on__isnull", True),
                        ("caf_signed_on__range", (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))),
                        _connector="OR",
                    ),
                    models.Q(
                        ("partner_signed_on__isnull", True),
                        ("partner_signed_on__range", (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))),
                        _connector="OR",
                    ),
                    models.Q(
                        ("starts_on__isnull", True),
                        ("starts_on__range", (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))),
                        _connector="OR",
                    ),
                    models.Q(
                        ("first_period_ends_on__isnull", True),
                        ("first_period_ends_on__range", (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))),
                        _connector="OR",
                    ),
                    models.Q(
                        ("ends_on__isnull", True),
                        ("ends_on__range", (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))),
                        _connector="OR",
                    ),
                    models.Q(
                        ("end_notice_on__isnull", True),
                        ("end_notice_on__range", (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))),
                        _connector="OR",
                    ),
                ),
                name="convention_dates_bounded",
                violation_error_message="Une date est hors de la plage 1900-2099.",
            ),
        ),
        migrations.RunPython(_sqlite(TRIGGERS.SQLITE), _sqlite(TRIGGERS.SQLITE_DROP)),
    ]
