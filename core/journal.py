"""AUD-1: every privileged act journaled by the service that does it, in its transaction. The access journal
lives in `habilitations` (it needs the user); the apps below it (`conventions`) journal through this one door,
which `habilitations` connects to its `journal_record` when the apps are ready."""

import datetime as dt

from django.core.exceptions import ImproperlyConfigured

_writer = []


def connect(writer):
    _writer[:] = [writer]


def record(**line):
    """Appends one line to the access journal (`habilitations.services.journal_record`)."""
    if not _writer:
        raise ImproperlyConfigured("Le journal des accès n'est pas branché (habilitations).")
    return _writer[0](**line)


def changes(form):
    """« label : before → after » for every field an administration form changed — what a privileged act's line
    says of an edit. Never a password: a password field is named, its value never shown (JRN-5)."""
    return "; ".join(
        f"{form.fields[name].label} : modifié"
        if name.startswith("password")
        else f"{form.fields[name].label} : {_shown(form.fields[name], form.initial.get(name))} → "
        f"{_shown(form.fields[name], form.cleaned_data.get(name))}"
        for name in form.changed_data
    )


def _shown(field, value):
    if value is None or value == "" or value == [] or value == ():
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    queryset = getattr(field, "queryset", None)
    if isinstance(value, (list, tuple, set)) or hasattr(value, "all"):
        items = list(value.all()) if hasattr(value, "all") else list(value)
        return ", ".join(sorted(_shown(field, item) for item in items)) or "—"
    if queryset is not None and not hasattr(value, "_meta"):
        value = queryset.model._default_manager.filter(pk=value).first() or value
    choices = dict(getattr(field, "choices", []) or [])
    return str(choices.get(value, value))
