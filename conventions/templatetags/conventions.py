from django import template

from conventions.models import CafRole
from conventions.rubriques import CATALOGUE

register = template.Library()


@register.simple_tag(takes_context=True)
def agent_cafs(context):
    """BO-1: « Caf de la Charente » — the CAFs an agent of the administration works for, shown in its header (one
    query; none where the page has no request, as Django's own error pages)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    roles = CafRole.objects.filter(user=request.user).order_by("caf__number").values_list("caf__name", flat=True)
    return ", ".join(dict.fromkeys(roles))


@register.filter
def rubrique_label(code):
    """JRN-3: « Paiements », « Édition PDF » — the French name of a rubrique a journal line names, not its code."""
    return CATALOGUE.label(code) if code else ""
