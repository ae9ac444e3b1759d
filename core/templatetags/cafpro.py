"""Formats of the portal's pages, in French, without the locale machinery of Django's filters on every cell of
a table (NF-3: a rubrique's page renders dozens of amounts and months)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.forms import BaseForm

from core.dates import month_label
from core.text import ASCII_DIGITS

register = template.Library()

THOUSANDS = "\xa0"  # as Django's French formats: a non-breaking space


@register.filter
def euros(value, decimals=2):
    """1 188,09 — an amount with its thousands grouped and a decimal comma (`decimals` 0 for whole euros)."""
    if value is None or value == "":
        return ""
    quantum = Decimal(1).scaleb(-int(decimals))
    amount = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{amount:,.{int(decimals)}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


@register.filter
def month(value):
    """« octobre 2026 » — the month of a date."""
    return month_label(value) if value else ""


@register.filter
def described(field):
    """NF-2: the widget of a bound `field`, tied to its error message (aria-describedby, aria-invalid) when it
    has one — as includes/text_input.html and includes/radio_group.html do for the fields they render."""
    if not field.errors:
        return field.as_widget()
    return field.as_widget(attrs={"aria-describedby": f"{field.auto_id}-error", "aria-invalid": "true"})


@register.simple_tag(takes_context=True)
def work_list(context):
    """BO-2: the work list of the administration's home page (core.admin.work_list)."""
    from core.admin import work_list as lines

    return lines(context["request"])


@register.simple_tag(takes_context=True)
def page_errors(context):
    """BO-9 (forms): whether the page answers a form with errors — a bound form of the context that is not valid,
    or a page's own error message (`error`) — so that its title starts with « Erreur : » (RGAA 8.6)."""
    values = context.flatten().values()
    return bool(context.get("error")) or any(isinstance(v, BaseForm) and v.is_bound and v.errors for v in values)


@register.filter
def phone(value):
    """« 04 74 45 60 65 » — a French 10-digit number in pairs (CONV-5: the annex's contacts)."""
    digits = "".join(ASCII_DIGITS.findall(str(value or "")))  # ROB-2: the digits 0 to 9 only
    if len(digits) != 10:
        return value
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
