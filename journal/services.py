"""JRN-1, JRN-2, JRN-5, AUD-1: the one writer of the access journal. Every app journals through it, in the
transaction of the act it records (the apps above the journal import it directly)."""

import datetime as dt

from django.utils import timezone

from journal.models import JournalEntry
from journal.network import client_ip


def journal_record(*, event, request=None, user=None, identifier="", detail="", **consultation):
    """JRN-1, JRN-2, JRN-5: appends one line to the access journal, in the caller's transaction (the event and
    its line are committed together or not at all); the sealer seals it within a minute (`journal_anchor`) —
    `consultation` carries the CAF whose data the line concerns, the allocataire number, rubrique, period and
    legal-aid file of a consultation. A line of a known user without a CAF (a connection, a refusal) reaches the
    officers of that user's CAFs (`habilitations.models.journal_visible_to_officer`). Never a password, never a
    session key. JRN-8: its time is the database's insert time as the server sees it — never taken from a caller."""
    return _append(timezone.now(), event, request, user, identifier, detail, consultation)


def journal_record_generated(*, occurred_at, event, request=None, user=None, identifier="", detail="", **consultation):
    """Generated data only (the demo's past days, benchmarks; never the web's path): a line dated `occurred_at`.
    The database still refuses it when it is dated before the newest checkpoint (JRN-8): generated history is
    written before the journal is first anchored."""
    return _append(occurred_at, event, request, user, identifier, detail, consultation)


def _append(occurred_at, event, request, user, identifier, detail, consultation):
    if user is not None and not identifier:
        identifier = user.identifier
    entry = JournalEntry(
        occurred_at=occurred_at,
        event=event,
        identifier_typed=identifier[:32],
        user=user,
        source_ip=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        detail=detail[:1000],
        **consultation,
    )
    return JournalEntry.objects.append(entry)  # one INSERT, no lock: the sealer seals it later (JRN-7)


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
