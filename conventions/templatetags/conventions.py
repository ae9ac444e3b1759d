from django import template

from conventions.models import Caf

register = template.Library()


@register.simple_tag(takes_context=True)
def agent_cafs(context):
    """BO-1: « Caf de la Charente » — the CAFs an agent of the administration works for, shown in its header."""
    user = context["request"].user
    if not user.is_authenticated:
        return ""
    return ", ".join(
        Caf.objects.filter(staff_roles__user=user).distinct().order_by("number").values_list("name", flat=True)
    )
