"""NF-2, BO-8 (#24): the interface speaks French to its users — no requirement ID (« ROLE-7 : … ») in what the
administration and the forms show: models' and fields' names and help texts, admin columns and actions, form labels
and help texts. The IDs stay in docstrings and comments."""

import inspect
import re

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin

import allocataires.forms
import habilitations.forms

REQUIREMENT_ID = re.compile(r"\b[A-Z]{2,5}-[0-9]+\b")
PROJECT_APPS = ("allocataires", "conventions", "core", "habilitations", "journal")


def _shown_by_models():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        yield model._meta.label, str(model._meta.verbose_name)
        yield model._meta.label, str(model._meta.verbose_name_plural)
        for _, description in model._meta.permissions:
            yield model._meta.label, description
        for field in model._meta.get_fields():
            for text in (getattr(field, "verbose_name", ""), getattr(field, "help_text", "")):
                yield f"{model._meta.label}.{field.name}", str(text)


def _shown_by_admins():
    for model, model_admin in admin.site._registry.items():
        for name in [*model_admin.list_display, *(model_admin.actions or [])]:
            attribute = getattr(model_admin, name, None) if isinstance(name, str) else name
            description = getattr(attribute, "short_description", "")
            yield f"{model._meta.label} admin: {name}", str(description)


def _shown_by_forms():
    for module in (allocataires.forms, habilitations.forms):
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                for field_name, field in form.base_fields.items():
                    yield f"{name}.{field_name}", f"{field.label or ''} {field.help_text or ''}"


@pytest.mark.parametrize("source", [_shown_by_models, _shown_by_admins, _shown_by_forms], ids=lambda s: s.__name__)
def test_no_requirement_id_in_what_the_interface_shows(source):
    texts = list(source())
    assert len(texts) > 10, "the texts are read"
    shown = [(where, text) for where, text in texts if REQUIREMENT_ID.search(text)]
    assert shown == []
